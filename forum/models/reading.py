"""What a member follows and how far they have read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .boards import Board, Topic


class Subscription(models.Model):
    """A member following a board or a topic (exactly one of the two). An
    unfollow keeps the row with `is_active` off, so replying again later does
    not quietly follow the topic again."""

    class Reason(models.TextChoices):
        CHOSEN = "chosen", _("Followed")
        CREATED = "created", _("Started the topic")
        REPLIED = "replied", _("Replied in the topic")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_subscriptions",
    )
    board = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    is_active = models.BooleanField(_("following"), default=True)
    reason = models.CharField(
        _("why"), max_length=10, choices=Reason.choices, default=Reason.CHOSEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The `followed` activity of a chosen follow, voided on unfollow.
    activity = models.ForeignKey(
        "activity.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(board__isnull=False) & Q(topic__isnull=True))
                | (Q(board__isnull=True) & Q(topic__isnull=False)),
                name="forum_subscription_board_xor_topic",
            ),
            models.UniqueConstraint(
                fields=["member", "board"],
                condition=Q(board__isnull=False),
                name="forum_subscription_board_once",
            ),
            models.UniqueConstraint(
                fields=["member", "topic"],
                condition=Q(topic__isnull=False),
                name="forum_subscription_topic_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} follows {self.board or self.topic}"


class TopicReadState(models.Model):
    """The highest post number a member has had on screen in a topic."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_read_states",
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="read_states"
    )
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read position")
        verbose_name_plural = _("read positions")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "topic"], name="forum_read_state_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} read {self.topic} to #{self.last_read_number}"
