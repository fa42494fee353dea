"""Writes: creating notifications (honouring preferences and quiet hours),
reading them, preferences, unsubscribing by signed token and sending e-mail.
Keyword-only arguments, one transaction each."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import selectors
from .kinds import notification_text
from .models import (
    Channel,
    DeliverySettings,
    DigestFrequency,
    Kind,
    Notification,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 60  # sixty days
# The digest has no notification kind; its unsubscribe token names this.
DIGEST = "digest"


@dataclass
class Candidate:
    """Someone who may be told about something."""

    recipient_id: int
    kind: str
    url: str = ""
    actor_id: int | None = None
    params: dict = field(default_factory=dict)
    source_key: str = ""


# Creating ---------------------------------------------------------------------


def notify(*, candidates: list[Candidate], activity=None, now=None) -> int:
    """Create the notifications the candidates' preferences allow (never to
    the actor themselves); those whose channel is e-mail are due for sending
    now, or at the end of the recipient's quiet hours. A replay creates
    nothing new: (activity, recipient, kind) and (recipient, kind, source) are
    unique. Returns how many rows were offered to the database."""
    now = now or timezone.now()
    wanted = [c for c in candidates if c.recipient_id and c.recipient_id != c.actor_id]
    if not wanted:
        return 0
    rows = []
    by_kind: dict[str, list[Candidate]] = {}
    for candidate in wanted:
        by_kind.setdefault(candidate.kind, []).append(candidate)
    for kind, group in by_kind.items():
        channels = selectors.channels_for_members(
            member_ids=[c.recipient_id for c in group], kind=kind
        )
        for candidate in group:
            channel = channels[candidate.recipient_id]
            if channel == Channel.OFF:
                continue
            due = None
            if channel == Channel.EMAIL:
                due = _email_due(candidate.recipient_id, now=now)
            rows.append(
                Notification(
                    recipient_id=candidate.recipient_id,
                    kind=kind,
                    actor_id=candidate.actor_id,
                    params=candidate.params,
                    url=candidate.url[:500],
                    activity=activity,
                    source_key=candidate.source_key,
                    created_at=now,
                    email_due_at=due,
                )
            )
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if any(row.email_due_at and row.email_due_at <= now for row in rows):
        transaction.on_commit(_enqueue_emails)
    return len(rows)


def _email_due(member_id: int, *, now) -> dt.datetime:
    delivery = DeliverySettings.objects.filter(member_id=member_id).first()
    if delivery is None or delivery.quiet_start is None:
        return now
    until = selectors.quiet_until(
        delivery, zone=selectors.member_zone(member_id), now=now
    )
    return until or now


def _enqueue_emails() -> None:
    from .tasks import send_due_emails

    try:
        send_due_emails.delay()
    except Exception:  # the beat task sends them on its next run
        logger.warning("Could not enqueue notification e-mails", exc_info=True)


# Reading ----------------------------------------------------------------------


def notification_mark_read(*, member, pk: int) -> Notification:
    """Mark one of the member's own notifications read (others': not found)."""
    notification = Notification.objects.filter(recipient=member, pk=pk).first()
    if notification is None:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, member) -> int:
    return Notification.objects.filter(recipient=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# Preferences ------------------------------------------------------------------


@transaction.atomic
def preferences_save(
    *,
    member,
    channels: dict[str, str],
    digest_frequency: str,
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
) -> None:
    unknown = set(channels) - set(Kind.values)
    if unknown or not set(channels.values()) <= set(Channel.values):
        raise ValidationError(_("Choose a channel for each kind."), code="bad_channel")
    if digest_frequency not in DigestFrequency.values:
        raise ValidationError(_("Choose how often to get a digest."), code="bad_digest")
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError(
            _("Give both ends of your quiet hours, or neither."), code="bad_quiet"
        )
    for kind, channel in channels.items():
        NotificationPreference.objects.update_or_create(
            member=member, kind=kind, defaults={"channel": channel}
        )
    DeliverySettings.objects.update_or_create(
        member=member,
        defaults={
            "digest_frequency": digest_frequency,
            "quiet_start": quiet_start,
            "quiet_end": quiet_end,
        },
    )


# Unsubscribing ----------------------------------------------------------------


def unsubscribe_token(*, member_id: int, kind: str) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object(
        {"m": member_id, "k": kind}
    )


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(member id, kind) of a valid token; raises signing.SignatureExpired or
    signing.BadSignature."""
    data = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign_object(
        token, max_age=UNSUBSCRIBE_MAX_AGE
    )
    member_id, kind = data.get("m"), data.get("k")
    if not isinstance(member_id, int) or kind not in [*Kind.values, DIGEST]:
        raise signing.BadSignature("Unknown content")
    return member_id, kind


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[int, str]:
    """Turn off what the token names: a kind of notification (off entirely)
    or the digest. Raises on a bad or expired token, changing nothing."""
    member_id, kind = unsubscribe_read(token)
    if kind == DIGEST:
        DeliverySettings.objects.update_or_create(
            member_id=member_id, defaults={"digest_frequency": DigestFrequency.OFF}
        )
    else:
        NotificationPreference.objects.update_or_create(
            member_id=member_id, kind=kind, defaults={"channel": Channel.OFF}
        )
    return member_id, kind


# E-mail -----------------------------------------------------------------------


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def member_language(user) -> str:
    try:
        language = user.learning_profile.preferred_language
    except ObjectDoesNotExist:
        language = ""
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def unsubscribe_url(*, member_id: int, kind: str) -> str:
    token = unsubscribe_token(member_id=member_id, kind=kind)
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))


def email_send(
    *, user, kind: str, subject_template: str, template: str, context: dict
) -> None:
    """One e-mail (text and HTML) in the member's language, with one-click
    unsubscribe headers for its kind (RFC 8058)."""
    link = unsubscribe_url(member_id=user.pk, kind=kind)
    context = {**context, "member": user, "unsubscribe_url": link}
    with translation.override(member_language(user)):
        if "text_for" in context:
            context["text"] = notification_text(context.pop("text_for"))
        subject = " ".join(render_to_string(subject_template, context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"{template}.txt", context),
            to=[user.email],
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(
            render_to_string(f"{template}.html", context), "text/html"
        )
    message.send()


def emails_send_due(*, now=None, limit: int = 200) -> int:
    """Send the notification e-mails that are due, each once (locked and
    marked in its own transaction; a failure leaves it for the next run)."""
    now = now or timezone.now()
    sent = 0
    for pk in list(
        selectors.emails_due(now=now, limit=limit).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient", "actor")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            recipient = notification.recipient
            if recipient.email and recipient.is_active:
                try:
                    email_send(
                        user=recipient,
                        kind=notification.kind,
                        subject_template="notifications/email/notification_subject.txt",
                        template="notifications/email/notification",
                        context={
                            "text_for": notification,
                            "url": absolute(notification.url or "/notifications/"),
                        },
                    )
                except Exception:
                    logger.warning(
                        "Could not e-mail notification %s", pk, exc_info=True
                    )
                    continue
                sent += 1
            notification.emailed_at = now
            notification.save(update_fields=["emailed_at"])
    return sent
