from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityQuerySet(models.QuerySet):
    def undispatched(self) -> "ActivityQuerySet":
        return self.filter(dispatched_at__isnull=True)

    def by_verb(self, *verbs: str) -> "ActivityQuerySet":
        return self.filter(verb__in=verbs)


class Activity(models.Model):
    """One immutable record of a meaningful action, shaped like an xAPI statement
    (actor, verb, object, result, context, timestamp)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    verb = models.CharField(max_length=32)
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    result = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Bookkeeping, not part of the statement: set once every consumer that
    # listens to this verb has a receipt, so the sweep reads only open work.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # A consumer that keeps failing must not starve the sweep: each failed
    # dispatch pushes the next sweep attempt back exponentially.
    failed_dispatches = models.PositiveSmallIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["actor", "verb", "timestamp"]),
            models.Index(fields=["verb", "object_type", "object_id"]),
            models.Index(
                fields=["recorded_at"],
                name="activity_undispatched",
                condition=models.Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.object_type}:{self.object_id}"


class ConsumerReceipt(models.Model):
    """Proof that one consumer handled one activity. Written in the same
    transaction as the consumer's effects, so an effect exists iff its receipt
    does, and the unique constraint makes a second run impossible."""

    # No index of its own: the unique (activity, consumer) index starts with
    # it, and every activity gets a receipt per consumer, so one index fewer
    # to write matters.
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="receipts", db_index=False
    )
    consumer = models.CharField(max_length=100)
    handled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "consumer"], name="one_receipt_per_consumer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consumer} handled {self.activity_id}"
