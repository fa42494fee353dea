"""Member segments with history (one row per spell in a segment) and daily
churn-risk scores with their top factors, plus fitted churn models."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ChurnModelFit", "ChurnScore", "SegmentAssignment", "SegmentDimension"]


class SegmentDimension(models.TextChoices):
    ACTIVITY = "activity", _("Activity tier")
    CONTRIBUTION = "contribution", _("Contribution tier")
    NEED = "need", _("Need type")


class SegmentAssignment(models.Model):
    """A member's spell in a segment of one dimension: open (`valid_to` empty)
    while it lasts; a change closes it and opens the next, so history stays."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="segment_assignments",
        verbose_name=_("member"),
    )
    dimension = models.CharField(
        _("dimension"), max_length=15, choices=SegmentDimension.choices
    )
    segment = models.CharField(_("segment"), max_length=40)
    rule = models.CharField(_("rule"), max_length=80)
    features = models.JSONField(_("features"), default=dict, blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("segment assignment")
        verbose_name_plural = _("segment assignments")
        ordering = ["member", "dimension", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "dimension"],
                condition=models.Q(valid_to__isnull=True),
                name="one_open_segment_per_dimension",
            )
        ]
        indexes = [models.Index(fields=["dimension", "segment", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.dimension}={self.segment}"


class ChurnModelFit(models.Model):
    """A churn model fitted on the platform's own history (label: no activity
    in the 30 days after a cut-off); without one, the shipped OULAD fit."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    n_members = models.PositiveIntegerField(_("members"), default=0)
    churn_rate = models.FloatField(_("churned share"), default=0.0)
    auc = models.FloatField(_("AUC (in sample)"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict)

    class Meta:
        verbose_name = _("churn model fit")
        verbose_name_plural = _("churn model fits")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"churn fit {self.pk} ({self.created_at:%Y-%m-%d})"


class ChurnScore(models.Model):
    """A member's churn risk on one day, with the factors raising it most."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="churn_scores",
        verbose_name=_("member"),
    )
    day = models.DateField(_("day"))
    risk = models.FloatField(_("churn risk"))
    factors = models.JSONField(_("top factors"), default=list, blank=True)
    source = models.CharField(_("model"), max_length=20)

    class Meta:
        verbose_name = _("churn score")
        verbose_name_plural = _("churn scores")
        ordering = ["-day", "-risk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="churn_once_a_day")
        ]
        indexes = [models.Index(fields=["day", "risk"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day}: {self.risk:.2f}"
