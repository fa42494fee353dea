"""Reports and the moderators' actions. Every action a moderator takes writes a
ModerationAction row in the same transaction (the audit log); a report records
a `flagged` activity. Hiding records no activity: the vocabulary has no verb
for it yet."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record

from . import permissions
from .models import ModerationAction, Post, Report, Topic

Action = ModerationAction.Action

ERRORS = {
    "not_a_moderator": _("Only moderators can do this."),
    "own_post": _("You can't report your own post; edit or delete it instead."),
    "already_reported": _(
        "You have already reported this post. A moderator will look at it."
    ),
    "post_gone": _("This post has already been removed."),
    "bad_reason": _("Choose the reason that fits best."),
}

# topic action → (field, new value, audit action)
TOPIC_ACTIONS = {
    "lock": ("is_locked", True, Action.LOCK_TOPIC),
    "unlock": ("is_locked", False, Action.UNLOCK_TOPIC),
    "pin": ("is_pinned", True, Action.PIN_TOPIC),
    "unpin": ("is_pinned", False, Action.UNPIN_TOPIC),
    "hide": ("is_hidden", True, Action.HIDE_TOPIC),
    "restore": ("is_hidden", False, Action.RESTORE_TOPIC),
}


def _require_moderator(user) -> None:
    if not permissions.member_is_moderator(user):
        raise PermissionDenied(ERRORS["not_a_moderator"])


def moderation_log(
    *,
    moderator,
    action: str,
    topic: Topic | None = None,
    post: Post | None = None,
    report: Report | None = None,
    note: str = "",
) -> ModerationAction:
    """Write one audit row (inside the caller's transaction)."""
    if topic is None and post is not None:
        topic = post.topic
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        topic=topic,
        post=post,
        report=report,
        note=note[:1000],
    )


@transaction.atomic
def post_report(*, reporter, post: Post, reason: str, details: str = "") -> Report:
    """Flag a post for the moderators (once per member and post)."""
    if not permissions.member_is_active(reporter):
        raise PermissionDenied(_("Log in to report a post."))
    post = Post.objects.select_related("topic__board__group").get(pk=post.pk)
    if not permissions.can_view_topic(reporter, post.topic):
        raise PermissionDenied(_("This conversation is not open to you."))
    if post.author_id == reporter.pk:
        raise ValidationError(ERRORS["own_post"], code="own_post")
    if not post.is_visible:
        raise ValidationError(ERRORS["post_gone"], code="post_gone")
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": ERRORS["bad_reason"]}, code="bad_reason")
    try:
        with transaction.atomic():
            report = Report.objects.create(
                post=post,
                reporter=reporter,
                reason=reason,
                details=(details or "").strip()[:1000],
            )
    except IntegrityError:
        raise ValidationError(
            ERRORS["already_reported"], code="already_reported"
        ) from None
    activity_record(
        actor=reporter,
        verb="flagged",
        object_type="post",
        object_id=post.pk,
        idempotency_key=f"flagged:post:{post.pk}:{reporter.pk}",
        context={
            "reason": reason,
            "report_id": report.pk,
            "topic_id": post.topic_id,
            "author_id": post.author_id,
        },
        timestamp=report.created_at,
    )
    return report


def _resolve_open_reports(*, moderator, post: Post, note: str) -> int:
    now = timezone.now()
    reports = list(Report.objects.open().filter(post=post))
    for report in reports:
        report.status, report.resolved_at = Report.Status.RESOLVED, now
        report.resolved_by = moderator
        report.save(update_fields=["status", "resolved_at", "resolved_by"])
        moderation_log(
            moderator=moderator,
            action=Action.RESOLVE_REPORT,
            post=post,
            report=report,
            note=note,
        )
    return len(reports)


@transaction.atomic
def post_hide(*, moderator, post: Post, note: str = "") -> Post:
    """Hide a post from members (its open reports are resolved with it)."""
    _require_moderator(moderator)
    post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
    if post.is_hidden:
        return post
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    post.is_hidden = True
    post.save(update_fields=["is_hidden"])
    if post.number > 1 and not post.is_deleted:
        Topic.objects.filter(pk=topic.pk).update(
            reply_count=max(topic.reply_count - 1, 0)
        )
    moderation_log(moderator=moderator, action=Action.HIDE_POST, post=post, note=note)
    _resolve_open_reports(moderator=moderator, post=post, note=note)
    return post


@transaction.atomic
def post_restore(*, moderator, post: Post, note: str = "") -> Post:
    """Show a hidden post again."""
    _require_moderator(moderator)
    post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
    if not post.is_hidden:
        return post
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    post.is_hidden = False
    post.save(update_fields=["is_hidden"])
    if post.number > 1 and not post.is_deleted:
        Topic.objects.filter(pk=topic.pk).update(reply_count=topic.reply_count + 1)
    moderation_log(
        moderator=moderator, action=Action.RESTORE_POST, post=post, note=note
    )
    return post


@transaction.atomic
def topic_moderate(*, moderator, topic: Topic, action: str, note: str = "") -> Topic:
    """Lock, unlock, pin, unpin, hide or restore a topic."""
    _require_moderator(moderator)
    if action not in TOPIC_ACTIONS:
        raise ValidationError(_("Unknown moderation action."), code="bad_action")
    field, value, audit = TOPIC_ACTIONS[action]
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if getattr(topic, field) == value:
        return topic
    setattr(topic, field, value)
    topic.save(update_fields=[field])
    moderation_log(moderator=moderator, action=audit, topic=topic, note=note)
    return topic


@transaction.atomic
def report_resolve(*, moderator, report: Report, note: str = "") -> Report:
    """Close a report without hiding the post (it was fine, or dealt with)."""
    _require_moderator(moderator)
    report = Report.objects.select_for_update().select_related("post").get(pk=report.pk)
    if report.status == Report.Status.RESOLVED:
        return report
    report.status, report.resolved_at = Report.Status.RESOLVED, timezone.now()
    report.resolved_by = moderator
    report.save(update_fields=["status", "resolved_at", "resolved_by"])
    moderation_log(
        moderator=moderator,
        action=Action.RESOLVE_REPORT,
        post=report.post,
        report=report,
        note=note,
    )
    return report
