"""Following boards and topics, and remembering how far a member has read.

A chosen follow records `followed` (board or topic); unfollowing voids it.
Starting or replying in a topic follows it quietly (no activity), unless the
member unfollowed it before. Read positions only ever move forward, and are
written by a POST the topic page sends after it is shown (a plain GET of a
page writes nothing; see docs/FORUM.md)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Activity
from activity.services import activity_record

from . import permissions
from .models import Board, Post, Subscription, Topic, TopicReadState

ERRORS = {
    "signed_out": _("Log in to follow boards and topics."),
    "not_visible": _("You can't follow something you can't read."),
}


def _void(*, actor, activity_id: int | None) -> None:
    if activity_id is not None:
        activity_record(
            actor=actor,
            verb="voided",
            object_type="activity",
            object_id=activity_id,
            idempotency_key=f"voided:{activity_id}",
        )


@transaction.atomic
def follow_set(
    *, member, follow: bool, board: Board | None = None, topic: Topic | None = None
) -> Subscription:
    """Follow (or stop following) a board or a topic: exactly one of them."""
    if (board is None) == (topic is None):
        raise ValueError("Follow a board or a topic.")
    if not permissions.member_is_active(member):
        raise PermissionDenied(ERRORS["signed_out"])
    if topic is not None:
        topic = Topic.objects.select_related("board__group").get(pk=topic.pk)
        visible = permissions.can_view_topic(member, topic)
        target, object_type = {"topic": topic}, "topic"
    else:
        board = Board.objects.select_related("group").get(pk=board.pk)
        visible = permissions.can_view_board(member, board)
        target, object_type = {"board": board}, "board"
    if follow and not visible:
        raise PermissionDenied(ERRORS["not_visible"])
    now = timezone.now()
    subscription = (
        Subscription.objects.select_for_update().filter(member=member, **target).first()
    )
    if subscription is None:
        if not follow:
            return Subscription(member=member, is_active=False, **target)
        subscription = Subscription.objects.create(
            member=member, created_at=now, updated_at=now, **target
        )
    elif subscription.is_active == follow:
        return subscription
    subscription.is_active = follow
    subscription.reason = Subscription.Reason.CHOSEN
    subscription.updated_at = now
    if follow:
        object_id = target[object_type].pk
        earlier = Activity.objects.filter(
            verb="followed",
            object_type=object_type,
            object_id=str(object_id),
            actor=member,
        ).count()
        key = f"followed:{object_type}:{object_id}:{member.pk}:{earlier + 1}"
        subscription.activity = activity_record(
            actor=member,
            verb="followed",
            object_type=object_type,
            object_id=object_id,
            idempotency_key=key,
            context={"board_id": board.pk if board else topic.board_id},
            timestamp=now,
        )
    else:
        _void(actor=member, activity_id=subscription.activity_id)
        subscription.activity = None
    subscription.save(update_fields=["is_active", "reason", "updated_at", "activity"])
    return subscription


def topic_follow_quietly(*, member, topic: Topic, reason: str) -> None:
    """Follow a topic the member started or replied in (inside the caller's
    transaction), unless they have unfollowed it."""
    try:
        with transaction.atomic():
            Subscription.objects.get_or_create(
                member=member, topic=topic, defaults={"reason": reason}
            )
    except IntegrityError:  # a concurrent reply of theirs got there first
        pass


def _advance(*, member, topic_id: int, number: int) -> None:
    now = timezone.now()
    moved = TopicReadState.objects.filter(
        member=member, topic_id=topic_id, last_read_number__lt=number
    ).update(last_read_number=number, updated_at=now)
    if moved:
        return
    try:
        with transaction.atomic():
            TopicReadState.objects.get_or_create(
                member=member,
                topic_id=topic_id,
                defaults={"last_read_number": number, "updated_at": now},
            )
    except IntegrityError:  # the page's beacon raced a reply; both move forward
        pass


@transaction.atomic
def topic_mark_read(*, member, topic: Topic, number: int) -> int:
    """Record that the member has seen the topic's posts up to `number` (never
    beyond its last post, never backwards). Returns the position stored."""
    if not permissions.member_is_active(member):
        raise PermissionDenied(ERRORS["signed_out"])
    topic = Topic.objects.select_related("board__group").get(pk=topic.pk)
    if not permissions.can_view_topic(member, topic):
        raise PermissionDenied(ERRORS["not_visible"])
    if number < 1:
        raise ValidationError(_("Choose a post number."), code="bad_number")
    last = Post.objects.filter(topic=topic).aggregate(last=Max("number"))["last"]
    number = min(number, last or 0)
    if number:
        _advance(member=member, topic_id=topic.pk, number=number)
    state = TopicReadState.objects.filter(member=member, topic=topic).first()
    return state.last_read_number if state else 0


def topic_read_own_post(*, member, topic_id: int, number: int) -> None:
    """A member has read what they just wrote (inside the caller's
    transaction; no visibility check: they just posted there)."""
    _advance(member=member, topic_id=topic_id, number=number)
