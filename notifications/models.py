"""Notifications: what a member is told (in the app, by e-mail, in digests),
and how they want to be told. A notification stores its kind and parameters,
never a sentence: the text is rendered at display time in the reader's
language (see `kinds.py`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class Kind(models.TextChoices):
    REPLY = "reply", _("Replies to my topics and posts")
    MENTION = "mention", _("Mentions of me")
    ACCEPTED = "accepted", _("My answer accepted")
    REACTION = "reaction", _("Reactions to my posts")
    BADGE = "badge", _("Badges I earn")
    LEVEL = "level", _("Level ups")
    EVENT_REMINDER = "event_reminder", _("Reminders of my events")
    MESSAGE = "message", _("New private messages")
    CHALLENGE = "challenge", _("Challenges I complete")
    NUDGE = "nudge", _("Nudges (streak at risk, come back)")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("In the app and by e-mail")
    OFF = "off", _("Off")


# Without a saved preference: what a member asked for by acting (a reply, a
# mention, a message, an event) also reaches their inbox; the rest stays here.
DEFAULT_CHANNELS = {
    Kind.REPLY: Channel.EMAIL,
    Kind.MENTION: Channel.EMAIL,
    Kind.ACCEPTED: Channel.EMAIL,
    Kind.REACTION: Channel.IN_APP,
    Kind.BADGE: Channel.IN_APP,
    Kind.LEVEL: Channel.IN_APP,
    Kind.EVENT_REMINDER: Channel.IN_APP,
    Kind.MESSAGE: Channel.EMAIL,
    Kind.CHALLENGE: Channel.IN_APP,
    Kind.NUDGE: Channel.EMAIL,
}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    activity = models.ForeignKey(
        "activity.Activity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # For notifications without an activity (event reminders, nudges): what
    # makes them unique per recipient and kind, e.g. "registration:12".
    source_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # E-mail: due when set and not yet sent (deferred past quiet hours).
    email_due_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "recipient", "kind"],
                name="one_notification_per_activity",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "source_key"],
                condition=~models.Q(source_key=""),
                name="one_notification_per_source",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"], name="notif_recipient_recent"
            ),
            models.Index(
                fields=["recipient"],
                name="notif_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["email_due_at"],
                name="notif_email_due",
                condition=models.Q(email_due_at__isnull=False, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationPreference(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"], name="one_preference_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}: {self.channel}"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Off")


class DeliverySettings(models.Model):
    """A member's digest frequency and quiet hours (in their time zone, the
    one gamification counts their days in)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_delivery",
    )
    digest_frequency = models.CharField(
        _("digest"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification delivery settings")

    def __str__(self) -> str:
        return f"Delivery settings of {self.member_id}"


class DigestSent(models.Model):
    """One digest per member and period: the row is written before the mail
    is sent, so a second run of the same period sends nothing."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    period_key = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)
    items = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period_key"], name="one_digest_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Digest {self.period_key} for {self.member_id}"


@register_setting(icon="mail")
class NotificationSettings(BaseGenericSetting):
    """Site-wide knobs for digests and nudges."""

    nudge_cap_hours = models.PositiveIntegerField(
        _("hours between two nudges to one member (at least)"), default=72
    )
    inactive_days = models.PositiveSmallIntegerField(
        _("days without activity before a come-back nudge"), default=7
    )
    digest_items = models.PositiveSmallIntegerField(
        _("items per digest section (at most)"), default=10
    )

    panels = [
        FieldPanel("nudge_cap_hours"),
        FieldPanel("inactive_days"),
        FieldPanel("digest_items"),
    ]

    class Meta:
        verbose_name = _("notification settings")
