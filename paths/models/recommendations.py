"""Recommendations precomputed per member (served with one query), what members
dismissed, the fitted recommender (versioned), and mentoring requests."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "MentoringRequest",
    "Recommendation",
    "RecommendationDismissal",
    "RecommendationKind",
    "RecommenderFit",
]


class RecommendationKind(models.TextChoices):
    COURSE = "course", _("Courses")
    LESSON = "lesson", _("Lessons")
    ARTICLE = "article", _("Articles")
    EVENT = "event", _("Events")
    BOARD = "board", _("Forum boards")
    GROUP = "group", _("Groups")
    MENTOR = "mentor", _("Mentors")
    PEER = "peer", _("Peers")


class RecommenderFit(models.Model):
    """One fit of the recommender on the activity log: the engine's `.npz`
    (plain arrays) in the database so every worker serves the same version."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    n_members = models.PositiveIntegerField(_("members"), default=0)
    n_items = models.PositiveIntegerField(_("items"), default=0)
    n_interactions = models.PositiveIntegerField(_("interactions"), default=0)
    fit_seconds = models.FloatField(_("fit time (s)"), default=0.0)
    data = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("recommender fit")
        verbose_name_plural = _("recommender fits")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"recommender fit {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class Recommendation(models.Model):
    """One item of a member's precomputed list. Title and address are copied
    in so the page needs one query; `group` names the private group an item
    belongs to, so serving re-checks membership in the same query."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("member"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=RecommendationKind.choices
    )
    item_id = models.PositiveIntegerField(_("item"))
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(_("address"), max_length=500, blank=True)
    group = models.ForeignKey(
        "forum.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.FloatField(_("score"), default=0.0)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    reason = models.JSONField(_("reason"), default=dict, blank=True)
    level = models.CharField(_("personalisation level"), max_length=10)
    model_version = models.PositiveIntegerField(_("model version"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["member", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "item_id"], name="recommend_item_once"
            )
        ]
        indexes = [models.Index(fields=["member", "kind", "rank"])]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.kind}:{self.item_id} #{self.rank}"


class RecommendationDismissal(models.Model):
    """A member said "not interested": the item is never recommended again."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recommendation_dismissals",
    )
    kind = models.CharField(max_length=10, choices=RecommendationKind.choices)
    item_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dismissed recommendation")
        verbose_name_plural = _("dismissed recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "item_id"], name="dismiss_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} dismissed {self.kind}:{self.item_id}"


class MentoringRequest(models.Model):
    """A learner asks a mentor for help; the mentor accepts (a private
    conversation opens) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_requests_sent",
        verbose_name=_("learner"),
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_requests_received",
        verbose_name=_("mentor"),
    )
    skill = models.ForeignKey(
        "courses.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skill"),
    )
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "mentor"],
                condition=models.Q(status="pending"),
                name="one_pending_mentoring_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} → {self.mentor_id} ({self.status})"
