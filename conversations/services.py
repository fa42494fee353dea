"""Writes for private conversations. Each service runs in one transaction,
refuses with PermissionDenied (who may not) or ValidationError (what is wrong
with the input, field-keyed for forms) and changes nothing when it refuses.

The activity log gets `sent` with the conversation as its object and no text:
the log is read by every consumer, and private words stay private."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record
from core.markdown import markdown_to_html

from . import permissions
from .models import (
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Block,
    Conversation,
    ConversationSettings,
    Message,
    MessageReport,
    ModerationEntry,
    Participant,
)

ERRORS = {
    "signed_out": _("Log in to send private messages."),
    "not_a_participant": _("Only the people in this conversation can read it."),
    "no_recipient": _("Choose who to write to."),
    "self": _("You can't start a conversation with yourself."),
    "inactive": _("%(name)s can no longer receive messages."),
    "too_many": _("A conversation can have at most %(max)d recipients."),
    "blocked_by": _(
        "%(name)s is not accepting messages from you, so you can't write to them."
    ),
    "blocking": _(
        "You have blocked %(name)s. Unblock them first if you want to write to them."
    ),
    "rate_limited": _(
        "New accounts can start %(max)d conversations an hour. "
        "Please wait a little before starting another one."
    ),
    "own_message": _("You can't report your own message."),
    "already_reported": _(
        "You have already reported this message. A moderator will look at it."
    ),
    "bad_reason": _("Choose the reason that fits best."),
    "not_a_moderator": _("Only moderators can do this."),
    "block_self": _("You can't block yourself."),
}


class RateLimited(PermissionDenied):
    """Refused for now, not for good: views answer 429."""


def _require_member(user) -> None:
    if not permissions.member_is_active(user):
        raise PermissionDenied(ERRORS["signed_out"])


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError(
            {"subject": _("Give the conversation a subject.")}, code="required"
        )
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(
            {
                "subject": _("Shorten the subject to %(max)d characters.")
                % {"max": SUBJECT_MAX_LENGTH}
            },
            code="max_length",
        )
    return subject


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")}, code="required")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("Shorten the message to %(max)d characters (it has %(n)d).")
                % {"max": BODY_MAX_LENGTH, "n": len(body)}
            },
            code="max_length",
        )
    return body


def _check_blocks(sender, others) -> None:
    """Refuse if anyone in `others` blocked the sender, or the sender them."""
    other_ids = [member.pk for member in others]
    rows = Block.objects.filter(
        Q(blocker=sender, blocked_id__in=other_ids)
        | Q(blocker_id__in=other_ids, blocked=sender)
    ).values_list("blocker_id", "blocked_id")
    names = {member.pk: member.name for member in others}
    for blocker_id, blocked_id in rows:
        if blocked_id == sender.pk:
            raise PermissionDenied(ERRORS["blocked_by"] % {"name": names[blocker_id]})
        raise PermissionDenied(ERRORS["blocking"] % {"name": names[blocked_id]})


def _check_rate(sender, *, now) -> None:
    config = ConversationSettings.load()
    if now - sender.date_joined >= timedelta(days=config.new_account_days):
        return
    # One start at a time per new account, so two tabs can't both squeeze in.
    get_user_model().objects.select_for_update().filter(pk=sender.pk).first()
    started = Conversation.objects.filter(
        started_by=sender, created_at__gte=now - timedelta(hours=1)
    ).count()
    if started >= config.new_account_starts_per_hour:
        raise RateLimited(
            ERRORS["rate_limited"] % {"max": config.new_account_starts_per_hour}
        )


def _add_message(
    *, conversation: Conversation, sender, body: str, now, participants: int
) -> Message:
    message = Message.objects.create(
        conversation=conversation,
        author=sender,
        body_markdown=body,
        body_html=markdown_to_html(body),
        created_at=now,
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    conversation.last_message_at = now
    # Writing a message means having read everything before it.
    Participant.objects.filter(conversation=conversation, member=sender).update(
        last_read_message_id=message.pk
    )
    activity_record(
        actor=sender,
        verb="sent",
        object_type="conversation",
        object_id=conversation.pk,
        idempotency_key=f"sent:message:{message.pk}",
        context={
            "kind": conversation.kind,
            "message_id": message.pk,
            "participants": participants,
        },
        timestamp=now,
    )
    return message


def start_conversation(
    *,
    sender,
    recipients,
    subject: str,
    body: str,
    kind: str = Conversation.Kind.DIRECT,
) -> Conversation:
    """Start a conversation from `sender` to one or more members, with its
    first message. Reused by mentoring and support requests (`kind`)."""
    _require_member(sender)
    if kind not in Conversation.Kind.values:
        raise ValueError(f"Unknown conversation kind {kind!r}.")
    others = {member.pk: member for member in recipients if member is not None}
    if sender.pk in others:
        raise ValidationError({"recipients": ERRORS["self"]}, code="self")
    if not others:
        raise ValidationError({"recipients": ERRORS["no_recipient"]}, code="required")
    config = ConversationSettings.load()
    if len(others) > config.max_recipients:
        raise ValidationError(
            {"recipients": ERRORS["too_many"] % {"max": config.max_recipients}},
            code="too_many",
        )
    for member in others.values():
        if not member.is_active:
            raise ValidationError(
                {"recipients": ERRORS["inactive"] % {"name": member.name}},
                code="inactive",
            )
    subject = _clean_subject(subject)
    body = _clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        _check_blocks(sender, others.values())
        _check_rate(sender, now=now)
        conversation = Conversation.objects.create(
            subject=subject, kind=kind, started_by=sender, created_at=now
        )
        Participant.objects.bulk_create(
            [
                Participant(conversation=conversation, member=member, joined_at=now)
                for member in [sender, *others.values()]
            ]
        )
        _add_message(
            conversation=conversation,
            sender=sender,
            body=body,
            now=now,
            participants=len(others) + 1,
        )
    return conversation


def message_send(*, sender, conversation: Conversation, body: str) -> Message:
    """Add a message to a conversation the sender is part of."""
    _require_member(sender)
    body = _clean_body(body)
    with transaction.atomic():
        members = list(
            Participant.objects.filter(conversation=conversation).select_related(
                "member"
            )
        )
        if sender.pk not in {p.member_id for p in members}:
            raise PermissionDenied(ERRORS["not_a_participant"])
        _check_blocks(sender, [p.member for p in members if p.member_id != sender.pk])
        return _add_message(
            conversation=conversation,
            sender=sender,
            body=body,
            now=timezone.now(),
            participants=len(members),
        )


def conversation_mark_read(*, member, conversation: Conversation, up_to: int) -> bool:
    """Move the member's read marker forward to message id `up_to` (never
    back). Returns whether anything changed."""
    return bool(
        Participant.objects.filter(
            conversation=conversation,
            member=member,
            last_read_message_id__lt=up_to,
        ).update(last_read_message_id=up_to)
    )


def member_block(*, blocker, blocked) -> Block:
    """Stop `blocked` from starting or continuing conversations with `blocker`."""
    _require_member(blocker)
    if blocked.pk == blocker.pk:
        raise ValidationError(ERRORS["block_self"], code="self")
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def member_unblock(*, blocker, blocked) -> bool:
    _require_member(blocker)
    deleted, _rows = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


def message_report(
    *, reporter, message: Message, reason: str, details: str = ""
) -> MessageReport:
    """A participant reports someone else's message to the moderators."""
    _require_member(reporter)
    if not Participant.objects.filter(
        conversation_id=message.conversation_id, member=reporter
    ).exists():
        raise PermissionDenied(ERRORS["not_a_participant"])
    if message.author_id == reporter.pk:
        raise ValidationError(ERRORS["own_message"], code="own_message")
    if reason not in MessageReport.Reason.values:
        raise ValidationError({"reason": ERRORS["bad_reason"]}, code="bad_reason")
    try:
        with transaction.atomic():
            return MessageReport.objects.create(
                message=message,
                reporter=reporter,
                reason=reason,
                details=(details or "").strip()[:1000],
            )
    except IntegrityError:
        raise ValidationError(
            ERRORS["already_reported"], code="already_reported"
        ) from None


def report_resolve(
    *, moderator, report: MessageReport, note: str = ""
) -> MessageReport:
    """Close a report; the audit log keeps who did it and why."""
    if not permissions.member_is_moderator(moderator):
        raise PermissionDenied(ERRORS["not_a_moderator"])
    with transaction.atomic():
        report = MessageReport.objects.select_for_update().get(pk=report.pk)
        if report.status == MessageReport.Status.RESOLVED:
            return report
        report.status = MessageReport.Status.RESOLVED
        report.resolved_at = timezone.now()
        report.resolved_by = moderator
        report.save(update_fields=["status", "resolved_at", "resolved_by"])
        ModerationEntry.objects.create(
            moderator=moderator,
            action=ModerationEntry.Action.RESOLVE_REPORT,
            report=report,
            note=(note or "").strip()[:1000],
        )
    return report
