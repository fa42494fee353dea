"""Polls in topics: one ballot per member (several options on it when the poll
allows multiple choice); results are shown after voting or once it closes."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .boards import Topic

POLL_QUESTION_MAX_LENGTH = 200
POLL_OPTION_MAX_LENGTH = 120
POLL_OPTIONS_MIN = 2
POLL_OPTIONS_MAX = 10


class Poll(models.Model):
    """A question with options, attached to a topic (at most one per topic)."""

    topic = models.OneToOneField(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="poll",
    )
    question = models.CharField(_("question"), max_length=POLL_QUESTION_MAX_LENGTH)
    allows_multiple = models.BooleanField(_("several answers allowed"), default=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.question

    def is_closed(self, now: datetime | None = None) -> bool:
        return self.closes_at is not None and (now or timezone.now()) >= self.closes_at


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=POLL_OPTION_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class PollBallot(models.Model):
    """One member's vote in a poll: the unique constraint is the "one vote
    each" rule, whatever the races."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_poll_ballots",
    )
    created_at = models.DateTimeField(default=timezone.now)
    activity = models.ForeignKey(
        "activity.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "member"], name="forum_poll_one_ballot_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.poll}"


class PollVote(models.Model):
    """An option chosen on a ballot."""

    ballot = models.ForeignKey(
        PollBallot, on_delete=models.CASCADE, related_name="votes"
    )
    option = models.ForeignKey(
        PollOption, on_delete=models.CASCADE, related_name="votes"
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "option"], name="forum_poll_option_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ballot} → {self.option}"
