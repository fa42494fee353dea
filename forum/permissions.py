"""Who may do what in the forum. The services enforce these; views and
templates use the same functions only to decide which buttons to show."""

from datetime import datetime, timedelta

from django.utils import timezone

from .models import Post, Topic

# Authors may fix their own posts for a day; after that the conversation has
# moved on and quotes of it would stop making sense (moderators can still edit).
EDIT_WINDOW = timedelta(hours=24)


def member_is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def member_is_moderator(user) -> bool:
    """Staff, or members granted `members.moderate_members` (the Moderators)."""
    if not member_is_active(user):
        return False
    return user.is_staff or user.has_perm("members.moderate_members")


def _moderator(user, is_moderator: bool | None) -> bool:
    return member_is_moderator(user) if is_moderator is None else is_moderator


def can_view_topic(user, topic: Topic, *, is_moderator: bool | None = None) -> bool:
    return not topic.is_hidden or _moderator(user, is_moderator)


def can_reply(user, topic: Topic, *, is_moderator: bool | None = None) -> bool:
    if not member_is_active(user) or topic.board.is_archived:
        return False
    if topic.is_hidden or topic.is_locked:
        return _moderator(user, is_moderator)
    return True


def can_edit_post(
    user,
    post: Post,
    *,
    is_moderator: bool | None = None,
    now: datetime | None = None,
) -> bool:
    if not member_is_active(user) or post.is_deleted:
        return False
    if _moderator(user, is_moderator):
        return True
    if post.author_id != user.pk or post.is_hidden:
        return False
    return (now or timezone.now()) - post.created_at <= EDIT_WINDOW


def can_delete_post(user, post: Post, *, is_moderator: bool | None = None) -> bool:
    if not member_is_active(user) or post.is_deleted:
        return False
    if _moderator(user, is_moderator):
        return True
    # The opening post carries the topic: its author edits it instead.
    return post.author_id == user.pk and post.number > 1


def can_accept_answer(user, topic: Topic, *, is_moderator: bool | None = None) -> bool:
    if not member_is_active(user) or topic.kind != Topic.Kind.QUESTION:
        return False
    return topic.author_id == user.pk or _moderator(user, is_moderator)


def can_react(user, post: Post) -> bool:
    return member_is_active(user) and post.author_id != user.pk and post.is_visible


def can_report(user, post: Post) -> bool:
    return member_is_active(user) and post.author_id != user.pk and post.is_visible
