"""Badges: the issuer profile, badge classes (criteria that award them
automatically) and awards, each published as a hosted Open Badges 2.0
assertion (see gamification/openbadges.py)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from activity.vocabulary import VERBS

from .badge_images import badge_image_problem
from .goal_forms import GoalAdminForm

# Verbs a count criterion or a challenge goal may count: what points rules may
# pay for (see PAYABLE_VERBS) less `voided`, which only cancels another
# activity. Presence, private messages, skipped steps and mentions are not
# achievements; `earned` and `redeemed` are gamification's own output.
NOT_COUNTABLE = {
    "logged-in",
    "logged-out",
    "launched",
    "earned",
    "redeemed",
    "voided",
    "sent",
    "skipped",
    "mentioned",
}
COUNTABLE_VERBS = tuple(name for name in VERBS if name not in NOT_COUNTABLE)


def countable_object_types() -> list[str]:
    return sorted({t for v in COUNTABLE_VERBS for t in VERBS[v].object_types})


def validate_goal(verb: str, object_type: str) -> None:
    """The verb can be counted and takes the object type. (The fields carry no
    choices, so a new verb in the vocabulary needs no migration; the admin
    forms offer the vocabulary's current lists.)"""
    if verb not in COUNTABLE_VERBS:
        raise ValidationError(
            {"verb": _("“%(verb)s” cannot be counted.") % {"verb": verb}}
        )
    if object_type and object_type not in VERBS[verb].object_types:
        allowed = ", ".join(VERBS[verb].object_types)
        raise ValidationError(
            {
                "object_type": _(
                    "“%(verb)s” takes only these object types: %(allowed)s."
                )
                % {"verb": verb, "allowed": allowed}
            }
        )


@register_setting(icon="success")
class IssuerSettings(BaseGenericSetting):
    """Who issues Lyceum's Open Badges: the Issuer profile every badge class
    points to."""

    name = models.CharField(
        _("issuer name"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the site's name."),
    )
    url = models.URLField(
        _("issuer web site"),
        blank=True,
        help_text=_("Empty: this site's home page."),
    )
    email = models.EmailField(
        _("contact e-mail"),
        default="badges@example.org",
        help_text=_("Published in every badge; earners and verifiers write here."),
    )
    description = models.TextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("email"),
        FieldPanel("description"),
        FieldPanel("image"),
    ]

    class Meta:
        verbose_name = _("badge issuer")


class BadgeClass(models.Model):
    """A badge members earn automatically when they meet its criteria; each
    award is a hosted Open Badges 2.0 assertion."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Do something a number of times")
        STREAK = "streak", _("Reach a learning streak of N days")
        COURSE = "course", _("Complete a course")
        SKILL = "skill", _("Master a skill")
        ACCEPTED = "accepted", _("Have N answers accepted in the forum")
        CHALLENGE = "challenge", _("Win a challenge")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), help_text=_("What the badge stands for, in a sentence.")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "A square PNG, JPEG or WebP of at least 128 × 128 pixels (at most "
            "4096 × 4096 and 4 MB); it is published as PNG. Empty: a picture "
            "is drawn from the name."
        ),
    )
    criteria_narrative = models.TextField(
        _("how to earn it"),
        blank=True,
        help_text=_(
            "Markdown, shown to members and published in the badge. Empty: a "
            "sentence made from the criteria below."
        ),
    )
    kind = models.CharField(_("criteria"), max_length=10, choices=Kind.choices)
    verb = models.CharField(
        _("verb"),
        max_length=32,
        blank=True,
        help_text=_("For “do something a number of times”."),
    )
    object_type = models.CharField(
        _("object type"),
        max_length=32,
        blank=True,
        help_text=_("Leave empty to count every object type of the verb."),
    )
    success_only = models.BooleanField(
        _("only successful ones"),
        default=False,
        help_text=_("Count only activities whose result was a success."),
    )
    distinct_objects = models.BooleanField(
        _("count each object once"),
        default=True,
        help_text=_(
            "Answering the same question twice counts once. Untick for daily "
            "actions such as check-ins."
        ),
    )
    count = models.PositiveIntegerField(
        _("how many"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("Times, streak days or accepted answers needed."),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: any course."),
    )
    skill = models.ForeignKey(
        "courses.Skill",
        verbose_name=_("skill"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: any skill."),
    )
    challenge = models.ForeignKey(
        "gamification.Challenge",
        verbose_name=_("challenge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: any challenge."),
    )
    repeatable = models.BooleanField(
        _("repeatable"),
        default=False,
        help_text=_(
            "Award it again: every N more times, for every other course, skill "
            "or challenge, or each time the streak reaches a multiple of N."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    base_form_class = GoalAdminForm
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("description"),
        FieldPanel("image"),
        FieldPanel("criteria_narrative"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("verb"), FieldPanel("object_type")]),
                FieldRowPanel(
                    [FieldPanel("success_only"), FieldPanel("distinct_objects")]
                ),
                FieldPanel("count"),
                FieldRowPanel(
                    [
                        FieldPanel("course"),
                        FieldPanel("skill"),
                        FieldPanel("challenge"),
                    ]
                ),
            ],
            heading=_("Criteria"),
        ),
        FieldRowPanel([FieldPanel("repeatable"), FieldPanel("active")]),
    ]

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # Which activity verb (and object type) can award the badge: the
    # consumer looks badges up by it.
    TRIGGERS = {
        Kind.STREAK: ("completed", "answered", "passed", "attended", "replied"),
        Kind.COURSE: ("completed",),
        Kind.SKILL: ("mastered",),
        Kind.ACCEPTED: ("accepted",),
        Kind.CHALLENGE: ("completed",),
    }
    TRIGGER_OBJECT_TYPES = {
        Kind.COURSE: "course",
        Kind.SKILL: "skill",
        Kind.ACCEPTED: "answer",
        Kind.CHALLENGE: "challenge",
    }

    @property
    def trigger_verbs(self) -> tuple[str, ...]:
        if self.kind == self.Kind.COUNT:
            return (self.verb,) if self.verb else ()
        return self.TRIGGERS.get(self.kind, ())

    @property
    def trigger_object_type(self) -> str:
        if self.kind == self.Kind.COUNT:
            return self.object_type
        return self.TRIGGER_OBJECT_TYPES.get(self.kind, "")

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.COUNT:
            if not self.verb:
                errors["verb"] = _("Choose the verb to count.")
            else:
                try:
                    validate_goal(self.verb, self.object_type)
                except ValidationError as error:
                    errors.update(error.error_dict)
        targets = {"course": self.Kind.COURSE, "skill": self.Kind.SKILL}
        targets["challenge"] = self.Kind.CHALLENGE
        for field, kind in targets.items():
            if getattr(self, f"{field}_id") and self.kind != kind:
                errors[field] = _(
                    "Only for the “%(kind)s” criteria; leave it empty."
                ) % {"kind": self.Kind(kind).label}
        if self.image_id:
            problem = badge_image_problem(self.image)
            if problem:
                errors["image"] = problem
        if errors:
            raise ValidationError(errors)


class BadgeAward(models.Model):
    """One badge earned by one member: a hosted Open Badges assertion at
    /badges/a/<uuid>.json. Revoking keeps the row (the assertion then answers
    410 Gone with the reason)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, related_name="awards"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # "" for a badge earned once; for a repeatable one what this award is for
    # (the n-th multiple, the course or skill id, the streak day).
    occurrence = models.CharField(max_length=40, blank=True)
    activity = models.ForeignKey(
        "activity.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateTimeField(default=timezone.now)
    # The recipient's e-mail at the time, salted and hashed (sha256$<hex>): the
    # assertion never shows the address itself.
    recipient_salt = models.CharField(max_length=32)
    recipient_identity = models.CharField(max_length=80)
    evidence = models.CharField(max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        ordering = ["-issued_on", "-id"]
        constraints = [
            # Once per member and badge (per occurrence for repeatable ones),
            # however many workers evaluate the same member at once.
            models.UniqueConstraint(
                fields=["badge", "member", "occurrence"], name="badge_award_once"
            )
        ]
        indexes = [models.Index(fields=["member", "-issued_on"])]

    def __str__(self) -> str:
        return f"{self.badge} to {self.member_id}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
