"""Who may do what in the forum. The services enforce these; views and
templates use the same functions only to decide which buttons to show."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Board, Group, GroupMembership, Post, Topic

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


def group_membership(user, group: Group | None) -> GroupMembership | None:
    """The member's row in a group (active or pending), one query."""
    if group is None or not member_is_active(user):
        return None
    return GroupMembership.objects.filter(group=group, member=user).first()


def is_group_member(user, group: Group | None) -> bool:
    membership = group_membership(user, group)
    return membership is not None and membership.is_active


def can_view_group_content(
    user, group: Group | None, *, is_moderator: bool | None = None
) -> bool:
    """A group's boards, topics, posts and member list: public groups to
    everyone, private ones to their active members and site moderators."""
    if group is None or not group.is_private:
        return True
    return _moderator(user, is_moderator) or is_group_member(user, group)


def can_view_board(user, board: Board, *, is_moderator: bool | None = None) -> bool:
    return can_view_group_content(user, board.group, is_moderator=is_moderator)


def can_post_in_board(user, board: Board, *, is_moderator: bool | None = None) -> bool:
    """Starting topics and replying in a group's board is for its members
    (site moderators too); anyone active may post elsewhere."""
    if not member_is_active(user):
        return False
    if board.group_id is None:
        return True
    return _moderator(user, is_moderator) or is_group_member(user, board.group)


def can_view_topic(user, topic: Topic, *, is_moderator: bool | None = None) -> bool:
    if not can_view_board(user, topic.board, is_moderator=is_moderator):
        return False
    return not topic.is_hidden or _moderator(user, is_moderator)


def can_reply(
    user,
    topic: Topic,
    *,
    is_moderator: bool | None = None,
    in_group: bool | None = None,
) -> bool:
    """`in_group` (whether the user is an active member of the board's group)
    may be passed when the caller already knows it: the topic page reads it
    with the topic."""
    if not member_is_active(user) or topic.board.is_archived:
        return False
    if topic.board.group_id is not None:
        if in_group is None:
            in_group = is_group_member(user, topic.board.group)
        if not (in_group or _moderator(user, is_moderator)):
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


# The forum sits below gamification in the layers (docs/ARCHITECTURE.md), so it
# asks for a privilege through a function named in settings instead of
# importing gamification: FORUM_PRIVILEGE_CHECK(member=…, privilege=…) -> bool.
PRIVILEGE_CHECK = "gamification.selectors.member_has_privilege"


def member_has_privilege(user, privilege: str) -> bool:
    check = import_string(getattr(settings, "FORUM_PRIVILEGE_CHECK", PRIVILEGE_CHECK))
    return bool(check(member=user, privilege=privilege))


def can_create_poll(user, *, is_moderator: bool | None = None) -> bool:
    """Moderators, and members whose level grants "can_create_polls"."""
    if not member_is_active(user):
        return False
    return _moderator(user, is_moderator) or member_has_privilege(
        user, "can_create_polls"
    )


def can_add_poll(user, topic: Topic, *, is_moderator: bool | None = None) -> bool:
    """A poll goes into a topic its author (or a moderator) adds it to."""
    if not member_is_active(user):
        return False
    if topic.author_id != user.pk and not _moderator(user, is_moderator):
        return False
    return can_create_poll(user, is_moderator=is_moderator)
