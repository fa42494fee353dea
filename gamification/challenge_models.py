"""Time-boxed challenges: a goal counted from the activity log between a start
and an end, for everyone or for the learners of one course."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from .badge_models import validate_goal
from .goal_forms import GoalAdminForm


class Challenge(models.Model):
    """A goal to reach between two moments, such as “complete 5 lessons this
    week”. Everyone in the audience takes part; reaching the goal pays the
    reward points once and logs `completed` (object challenge), which
    “win a challenge” badges listen to."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        COURSE = "course", _("Learners enrolled in one course")

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(
        _("ends"), help_text=_("Activities up to this moment count.")
    )
    verb = models.CharField(_("verb"), max_length=32)
    object_type = models.CharField(
        _("object type"),
        max_length=32,
        blank=True,
        help_text=_("Leave empty to count every object type of the verb."),
    )
    success_only = models.BooleanField(_("only successful ones"), default=False)
    distinct_objects = models.BooleanField(_("count each object once"), default=True)
    goal = models.PositiveIntegerField(
        _("goal"),
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text=_("How many times within the window."),
    )
    audience = models.CharField(
        _("who takes part"),
        max_length=8,
        choices=Audience.choices,
        default=Audience.EVERYONE,
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For “learners enrolled in one course”."),
    )
    reward_points = models.PositiveIntegerField(
        _("reward points"),
        default=0,
        validators=[MaxValueValidator(100_000)],
        help_text=_(
            "Paid once to each member who reaches the goal. For a badge, add a "
            "badge whose criteria are “win a challenge”."
        ),
    )
    active = models.BooleanField(_("published"), default=True)

    base_form_class = GoalAdminForm
    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("verb"), FieldPanel("object_type")]),
                FieldRowPanel(
                    [FieldPanel("success_only"), FieldPanel("distinct_objects")]
                ),
                FieldPanel("goal"),
            ],
            heading=_("Goal"),
        ),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("course")]),
        FieldRowPanel([FieldPanel("reward_points"), FieldPanel("active")]),
    ]

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["verb", "ends_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A challenge must end after it starts.")
        if self.verb:
            try:
                validate_goal(self.verb, self.object_type)
            except ValidationError as error:
                errors.update(error.error_dict)
        if self.audience == self.Audience.COURSE and not self.course_id:
            errors["course"] = _("Choose the course whose learners take part.")
        if self.audience == self.Audience.EVERYONE and self.course_id:
            errors["course"] = _("Leave the course empty when everyone takes part.")
        if errors:
            raise ValidationError(errors)

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.active and self.starts_at <= now < self.ends_at


class ChallengeCompletion(models.Model):
    """A member reached a challenge's goal (once: the constraint holds under
    concurrent dispatch)."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, related_name="completions"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    completed_at = models.DateTimeField(default=timezone.now)
    activity = models.ForeignKey(
        "activity.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    points = models.ForeignKey(
        "gamification.PointsEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("challenge completion")
        verbose_name_plural = _("challenge completions")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "member"], name="challenge_completed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} completed {self.challenge_id}"
