"""Reports on posts and the moderators' audit log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .boards import Post, Topic


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Report.Status.OPEN)


class Report(models.Model):
    """A member's flag on a post, waiting in the moderators' queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Rude, hateful or harassing")
        OFF_TOPIC = "off_topic", _("Off topic or in the wrong board")
        PRIVATE = "private", _("Shares someone's private information")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"], name="forum_report_once_per_member"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.post}"


class ModerationAction(models.Model):
    """The audit log: one row for everything a moderator does."""

    class Action(models.TextChoices):
        HIDE_POST = "hide_post", _("Hid a post")
        RESTORE_POST = "restore_post", _("Restored a post")
        EDIT_POST = "edit_post", _("Edited someone's post")
        DELETE_POST = "delete_post", _("Deleted someone's post")
        ACCEPT_ANSWER = "accept_answer", _("Accepted an answer for the asker")
        LOCK_TOPIC = "lock_topic", _("Locked a topic")
        UNLOCK_TOPIC = "unlock_topic", _("Unlocked a topic")
        PIN_TOPIC = "pin_topic", _("Pinned a topic")
        UNPIN_TOPIC = "unpin_topic", _("Unpinned a topic")
        HIDE_TOPIC = "hide_topic", _("Hid a topic")
        RESTORE_TOPIC = "restore_topic", _("Restored a topic")
        RESOLVE_REPORT = "resolve_report", _("Resolved a report")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_moderation_actions",
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.moderator} {self.action} @ {self.created_at:%Y-%m-%d %H:%M}"
