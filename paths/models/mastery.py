"""The mastery model's data: per member and skill, the evidence the knowledge
tracing model reads (answer counts, forum evidence, the seed from self-assessment
or placement) and the mastery probability it gives; the fitted parameters, one
row per fit so refits are versioned; the operators' knobs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

__all__ = [
    "KnowledgeState",
    "MasteryEvidence",
    "MasteryModelFit",
    "MasterySettings",
    "MasterySource",
    "SkillMastery",
]


class MasterySource(models.TextChoices):
    """What last moved an estimate (shown to the learner as the "why")."""

    SELF = "self", _("your self-assessment")
    PLACEMENT = "placement", _("a placement quiz")
    ANSWERS = "answers", _("your quiz answers")
    FORUM = "forum", _("your forum contributions")
    REVIEWED = "reviewed", _("a reviewed assignment")


class KnowledgeState(models.Model):
    """A member's answer totals over all skills: the model's "total prior
    attempts" features. Its row is also the lock that serialises one member's
    mastery updates."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="knowledge_state",
        verbose_name=_("member"),
    )
    attempts = models.PositiveIntegerField(_("answers"), default=0)
    correct = models.PositiveIntegerField(_("correct answers"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("knowledge state")
        verbose_name_plural = _("knowledge states")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.correct}/{self.attempts}"


class SkillMastery(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skill_masteries",
        verbose_name=_("member"),
    )
    skill = models.ForeignKey(
        "courses.Skill",
        on_delete=models.CASCADE,
        related_name="masteries",
        verbose_name=_("skill"),
    )
    probability = models.FloatField(_("mastery probability"), default=0.0)
    attempts = models.PositiveIntegerField(_("answers"), default=0)
    correct = models.PositiveIntegerField(_("correct answers"), default=0)
    recent_wins = models.FloatField(
        _("recent correct answers"),
        default=0.0,
        help_text=_("Correct answers discounted by each later answer on the skill."),
    )
    recent_fails = models.FloatField(
        _("recent wrong answers"),
        default=0.0,
        help_text=_("Wrong answers discounted by each later answer on the skill."),
    )
    evidence = models.FloatField(
        _("forum evidence"),
        default=0.0,
        help_text=_("Accepted answers and reviewed projects, weighted."),
    )
    prior = models.FloatField(
        _("seed (log-odds)"),
        default=0.0,
        help_text=_("From self-assessment or placement; fades as answers arrive."),
    )
    seed_level = models.PositiveSmallIntegerField(
        _("self-assessed level"), null=True, blank=True
    )
    source = models.CharField(
        _("last moved by"),
        max_length=12,
        choices=MasterySource.choices,
        default=MasterySource.ANSWERS,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    mastered_at = models.DateTimeField(_("mastered since"), null=True, blank=True)
    crossings = models.PositiveIntegerField(
        _("times mastered"),
        default=0,
        help_text=_("How often the estimate rose past the threshold."),
    )

    class Meta:
        verbose_name = _("skill mastery")
        verbose_name_plural = _("skill masteries")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "skill"], name="one_mastery_per_member_skill"
            ),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0.0, probability__lte=1.0),
                name="mastery_probability_in_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.skill_id}: {self.probability:.2f}"


class MasteryEvidence(models.Model):
    """One piece of forum or project evidence counted in a skill's estimate
    (an accepted answer, a reviewed assignment): kept so that when the activity
    is voided (the answer is un-accepted) exactly its weight is taken back."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    skill = models.ForeignKey(
        "courses.Skill",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("skill"),
    )
    weight = models.FloatField(_("weight"))
    source = models.CharField(_("source"), max_length=40)
    activity = models.ForeignKey(
        "activity.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("mastery evidence")
        verbose_name_plural = _("mastery evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "skill"], name="one_evidence_per_activity_skill"
            )
        ]
        indexes = [models.Index(fields=["member", "skill"])]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.skill_id}: +{self.weight} ({self.source})"


class MasteryModelFit(models.Model):
    """One fit of the knowledge tracing model's parameters (see
    paths/engine/mastery.py for their meaning). At most one is active; without
    an active fit the shipped defaults apply."""

    created_at = models.DateTimeField(_("fitted"), auto_now_add=True)
    params = models.JSONField(_("parameters"))
    n_answers = models.PositiveIntegerField(_("answers used"))
    n_members = models.PositiveIntegerField(_("members"), default=0)
    auc = models.FloatField(_("held-out AUC"), null=True, blank=True)
    auc_active = models.FloatField(
        _("held-out AUC of the model it was compared with"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mastery model fit")
        verbose_name_plural = _("mastery model fits")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_mastery_fit",
            )
        ]

    def __str__(self) -> str:
        auc = "—" if self.auc is None else f"{self.auc:.3f}"
        return f"{self.created_at:%Y-%m-%d %H:%M} AUC {auc}"

    def clean(self) -> None:
        if (
            self.is_active
            and MasteryModelFit.objects.filter(is_active=True)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {
                    "is_active": _(
                        "Another fit is active. Deactivate it first, then activate "
                        "this one."
                    )
                }
            )


@register_setting(icon="tick-inverse")
class MasterySettings(BaseGenericSetting):
    threshold = models.FloatField(
        _("mastery threshold"),
        default=0.95,
        validators=[MinValueValidator(0.5), MaxValueValidator(0.999)],
        help_text=_("A skill counts as mastered at this probability or above."),
    )
    evidence_weight = models.FloatField(
        _("weight of forum evidence"),
        default=1.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(10.0)],
        help_text=_(
            "An accepted answer or a reviewed project tagged with a skill counts "
            "as this many correct answers on that skill."
        ),
    )
    seed_fade = models.FloatField(
        _("seed fading (answers)"),
        default=5.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1000.0)],
        help_text=_(
            "After this many answers on a skill, the self-assessment or placement "
            "seed weighs half as much."
        ),
    )
    refit_min_answers = models.PositiveIntegerField(
        _("answers needed before a refit"),
        default=5000,
        validators=[MinValueValidator(100)],
        help_text=_(
            "The nightly refit learns the model from this site's own answers "
            "once there are at least this many."
        ),
    )

    panels = [
        FieldPanel("threshold"),
        MultiFieldPanel(
            [FieldPanel("evidence_weight"), FieldPanel("seed_fade")],
            heading=_("Evidence"),
        ),
        FieldPanel("refit_min_answers"),
    ]

    class Meta:
        verbose_name = _("mastery settings")
