"""Private conversations between members: mentoring, support, a quick word.

Only the participants read a conversation. A message someone reported is the
one thing a moderator may read, on the reports page."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

SUBJECT_MAX_LENGTH = 120
BODY_MAX_LENGTH = 10_000


class Conversation(models.Model):
    """A private thread between two or a few members."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct message")
        MENTORING = "mentoring", _("Mentoring")
        SUPPORT = "support", _("Support")

    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.DIRECT
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("conversations:thread", kwargs={"pk": self.pk})


class Participant(models.Model):
    """A member in a conversation, with how far they have read."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversation_participations",
    )
    joined_at = models.DateTimeField(default=timezone.now)
    # The newest message this member has seen (ids grow with time).
    last_read_message_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "member"], name="conversation_member_once"
            )
        ]
        indexes = [models.Index(fields=["member", "conversation"])]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.conversation_id}"


class Message(models.Model):
    """One message, written in Markdown and stored rendered (sanitised)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body_markdown = models.TextField(
        _("message"), validators=[MaxLengthValidator(BODY_MAX_LENGTH)]
    )
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"{self.conversation_id} #{self.pk}"


class Block(models.Model):
    """A member who does not want private messages from another."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["blocker", "blocked"], name="conversation_block_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class MessageReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=MessageReport.Status.OPEN)


class MessageReport(models.Model):
    """A participant's report of a message; it opens that message (only) to
    the moderators."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Rude, hateful or harassing")
        SCAM = "scam", _("A scam or phishing")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
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

    objects = MessageReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="message_report_once_per_member"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on message {self.message_id}"


class ModerationEntry(models.Model):
    """The audit log of what moderators did with reported messages."""

    class Action(models.TextChoices):
        RESOLVE_REPORT = "resolve_report", _("Resolved a message report")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    report = models.ForeignKey(
        MessageReport, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("moderation entry")
        verbose_name_plural = _("moderation entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.moderator_id} {self.action} @ {self.created_at:%Y-%m-%d %H:%M}"


@register_setting(icon="mail")
class ConversationSettings(BaseGenericSetting):
    """Limits on private messages, to keep spammers from using new accounts."""

    new_account_days = models.PositiveSmallIntegerField(
        _("an account is new for (days)"), default=7
    )
    new_account_starts_per_hour = models.PositiveSmallIntegerField(
        _("conversations a new account may start per hour"),
        default=3,
        help_text=_("0 stops new accounts from starting conversations."),
    )
    max_recipients = models.PositiveSmallIntegerField(
        _("most recipients in one conversation"), default=5
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("new_account_days"), FieldPanel("new_account_starts_per_hour")],
            heading=_("New accounts"),
        ),
        FieldPanel("max_recipients"),
    ]

    class Meta:
        verbose_name = _("private message settings")
