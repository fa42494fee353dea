"""Writes for the forum. Each service runs in one transaction, checks who may
act (PermissionDenied) and whether the topic or board allows it now
(ValidationError with a message a member can read), and records its activity
(docs/ACTIVITY-VOCABULARY.md) in that transaction — all of it, or nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Activity
from activity.services import activity_record
from core.markdown import markdown_to_html

from . import permissions, reading_services
from .mentions import mention_handles, mentionable_members, mentions_link
from .models import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Board,
    ModerationAction,
    Post,
    PostRevision,
    Reaction,
    Subscription,
    Topic,
)
from .moderation_services import moderation_log
from .poll_services import ERRORS as POLL_ERRORS
from .poll_services import PollDraft, poll_attach, poll_clean
from .project_services import (
    CleanProject,
    ProjectDraft,
    project_attach,
    project_clean,
)

TITLE_MIN_LENGTH = 5

ERRORS = {
    "signed_out": _("Log in to take part in the community."),
    "board_archived": _(
        "This board is archived: it can be read but takes no new posts. "
        "Start a conversation in another board."
    ),
    "topic_locked": _(
        "This topic is locked, so it takes no new replies. "
        "Start a new topic if you have something to add."
    ),
    "topic_hidden": _("This topic has been hidden by a moderator."),
    "not_yours": _("Only the author or a moderator can do this to a post."),
    "edit_window": _(
        "Posts can be edited for 24 hours. Reply with a correction, "
        "or ask a moderator to fix it."
    ),
    "opening_post": _(
        "The opening post holds the topic together: edit it instead, "
        "or ask a moderator to remove the topic."
    ),
    "not_a_question": _("Only questions have accepted answers."),
    "not_the_asker": _(
        "Only the person who asked, or a moderator, can accept an answer."
    ),
    "not_an_answer": _("Choose a reply in this topic as the answer."),
    "post_gone": _("This post has been removed, so it can no longer be used."),
    "own_post": _("You can't react to your own post."),
    "bad_parent": _("You can only reply to a post in the same topic."),
    "not_visible": _("This conversation is not open to you."),
    "join_group": _(
        "This board belongs to a group: join the group to start topics and reply."
    ),
    "project_only": _(
        "Images, links and skills belong to projects: choose “Project” as the "
        "kind, or remove them."
    ),
}


def _require_member(user) -> None:
    if not permissions.member_is_active(user):
        raise PermissionDenied(ERRORS["signed_out"])


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give your topic a title.")}, code="required")
    if len(title) < TITLE_MIN_LENGTH:
        raise ValidationError(
            {
                "title": _(
                    "Make the title at least %(min)d characters, so others know "
                    "what it is about."
                )
                % {"min": TITLE_MIN_LENGTH}
            },
            code="min_length",
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _("Shorten the title to %(max)d characters (it has %(n)d).")
                % {"max": TITLE_MAX_LENGTH, "n": len(title)}
            },
            code="max_length",
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")}, code="required")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "Shorten the message to %(max)d characters (it has %(n)d), "
                    "or split it into several posts."
                )
                % {"max": BODY_MAX_LENGTH, "n": len(body)}
            },
            code="max_length",
        )
    return body


def _board_open(board: Board) -> None:
    if board.is_archived:
        raise ValidationError(ERRORS["board_archived"], code="board_archived")


def _require_board_member(user, board: Board, *, is_moderator: bool | None = None):
    """Group boards take posts from their group's members (and moderators);
    a private group's board does not even admit it exists to others."""
    if not permissions.can_view_board(user, board, is_moderator=is_moderator):
        raise PermissionDenied(ERRORS["not_visible"])
    if not permissions.can_post_in_board(user, board, is_moderator=is_moderator):
        raise PermissionDenied(ERRORS["join_group"])


def _require_visible_post(user, post: Post) -> None:
    topic = Topic.objects.select_related("board__group").get(pk=post.topic_id)
    if not permissions.can_view_topic(user, topic):
        raise PermissionDenied(ERRORS["not_visible"])


def render_body(body: str, *, board: Board) -> tuple[str, list]:
    """A post's HTML with its @mentions linked, and the members it mentions
    (active members who may read the board)."""
    html = markdown_to_html(body)
    handles = mention_handles(html)
    if not handles:
        return html, []
    members = mentionable_members(handles, board=board)
    return mentions_link(html, members), list(members.values())


def _record_mentions(*, post: Post, topic: Topic, mentioned: list) -> None:
    """One `mentioned` activity per member named in a post (not its author);
    an edit that adds a name records only the new one."""
    for member in mentioned:
        if member.pk == post.author_id:
            continue
        activity_record(
            actor=post.author,
            verb="mentioned",
            object_type="post",
            object_id=post.pk,
            idempotency_key=f"mentioned:post:{post.pk}:{member.pk}",
            context={
                "mentioned_id": member.pk,
                "topic_id": topic.pk,
                "board_id": topic.board_id,
            },
        )


def _locked_topic(topic: Topic) -> Topic:
    """Re-read the topic under a row lock, so concurrent replies number
    their posts and count replies one after the other."""
    return Topic.objects.select_for_update().select_related("board").get(pk=topic.pk)


def _void(*, actor, activity_id: int | None) -> None:
    """Cancel an earlier activity (consumers undo what it paid)."""
    if activity_id is None:
        return
    activity_record(
        actor=actor,
        verb="voided",
        object_type="activity",
        object_id=activity_id,
        idempotency_key=f"voided:{activity_id}",
    )


@transaction.atomic
def topic_create(
    *,
    author,
    board: Board,
    title: str,
    body: str,
    kind: str = Topic.Kind.DISCUSSION,
    poll: PollDraft | None = None,
    project: ProjectDraft | None = None,
) -> Topic:
    """Start a topic in a board: the topic and its opening post, and its poll
    and project details when given. Every field is checked first (errors keyed
    by form field, all at once), so a refusal writes nothing."""
    _require_member(author)
    board = Board.objects.select_related("group").get(pk=board.pk)
    is_moderator = permissions.member_is_moderator(author)
    _require_board_member(author, board, is_moderator=is_moderator)
    _board_open(board)
    if poll is not None and not permissions.can_create_poll(
        author, is_moderator=is_moderator
    ):
        raise PermissionDenied(POLL_ERRORS["no_privilege"])
    errors: dict[str, list] = {}
    try:
        title = _clean_title(title)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        body = _clean_body(body)
    except ValidationError as error:
        errors.update(error.message_dict)
    if kind not in Topic.Kind.values:
        errors["kind"] = [_("Choose discussion, question or project.")]
    clean_poll = clean_project = None
    if poll is not None:
        clean_poll, poll_errors = poll_clean(poll)
        errors.update(poll_errors)
    if project is not None and not project.is_empty():
        if kind != Topic.Kind.PROJECT:
            errors.setdefault("kind", []).append(ERRORS["project_only"])
        else:
            clean_project, project_errors = project_clean(project)
            errors.update(project_errors)
    if kind == Topic.Kind.PROJECT and clean_project is None:
        clean_project = CleanProject(
            images=[], links=[], skills=[], feedback_wanted=False
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    topic = Topic.objects.create(
        board=board,
        author=author,
        title=title,
        kind=kind,
        created_at=now,
        last_activity_at=now,
    )
    html, mentioned = render_body(body, board=board)
    post = Post.objects.create(
        topic=topic,
        number=1,
        author=author,
        body_markdown=body,
        body_html=html,
        created_at=now,
    )
    activity_record(
        actor=author,
        verb="created",
        object_type="topic",
        object_id=topic.pk,
        idempotency_key=f"created:topic:{topic.pk}",
        context={
            "kind": kind,
            "board_id": board.pk,
            "course_id": board.course_id,
            "group_id": board.group_id,
        },
        timestamp=now,
    )
    _record_mentions(post=post, topic=topic, mentioned=mentioned)
    reading_services.topic_follow_quietly(
        member=author, topic=topic, reason=Subscription.Reason.CREATED
    )
    reading_services.topic_read_own_post(member=author, topic_id=topic.pk, number=1)
    if clean_poll is not None:
        poll_attach(topic=topic, draft=clean_poll, actor=author)
    if clean_project is not None:
        # Last: it writes files, and removes them itself if it fails.
        project_attach(topic=topic, project=clean_project, author=author)
    return topic


@transaction.atomic
def post_reply(*, author, topic: Topic, body: str, parent: Post | None = None) -> Post:
    """Reply in a topic (optionally to one of its posts)."""
    _require_member(author)
    topic = _locked_topic(topic)
    is_moderator = permissions.member_is_moderator(author)
    _require_board_member(author, topic.board, is_moderator=is_moderator)
    _board_open(topic.board)
    if topic.is_hidden and not is_moderator:
        raise ValidationError(ERRORS["topic_hidden"], code="topic_hidden")
    if topic.is_locked and not is_moderator:
        raise ValidationError(ERRORS["topic_locked"], code="topic_locked")
    body = _clean_body(body)
    if parent is not None and parent.topic_id != topic.pk:
        raise ValidationError(ERRORS["bad_parent"], code="bad_parent")
    now = timezone.now()
    number = (topic.posts.aggregate(last=Max("number"))["last"] or 0) + 1
    html, mentioned = render_body(body, board=topic.board)
    post = Post.objects.create(
        topic=topic,
        number=number,
        author=author,
        parent=parent,
        body_markdown=body,
        body_html=html,
        created_at=now,
    )
    Topic.objects.filter(pk=topic.pk).update(
        reply_count=topic.reply_count + 1, last_activity_at=now
    )
    activity_record(
        actor=author,
        verb="replied",
        object_type="post",
        object_id=post.pk,
        idempotency_key=f"replied:post:{post.pk}",
        context={
            "topic_id": topic.pk,
            "board_id": topic.board_id,
            "kind": topic.kind,
            "length": len(body),
            "in_reply_to": parent.pk if parent else None,
        },
        timestamp=now,
    )
    _record_mentions(post=post, topic=topic, mentioned=mentioned)
    reading_services.topic_follow_quietly(
        member=author, topic=topic, reason=Subscription.Reason.REPLIED
    )
    reading_services.topic_read_own_post(
        member=author, topic_id=topic.pk, number=number
    )
    return post


@transaction.atomic
def post_edit(*, editor, post: Post, body: str) -> Post:
    """Change a post's text, keeping the previous text as a revision."""
    _require_member(editor)
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("topic__board__group", "author")
        .get(pk=post.pk)
    )
    if post.is_deleted:
        raise ValidationError(ERRORS["post_gone"], code="post_gone")
    if not permissions.can_view_topic(editor, post.topic):
        raise PermissionDenied(ERRORS["not_visible"])
    if not permissions.can_edit_post(editor, post):
        if post.author_id == editor.pk and not post.is_hidden:
            raise PermissionDenied(ERRORS["edit_window"])
        raise PermissionDenied(ERRORS["not_yours"])
    body = _clean_body(body)
    if body == post.body_markdown:
        return post
    now = timezone.now()
    PostRevision.objects.create(
        post=post, body_markdown=post.body_markdown, edited_by=editor, created_at=now
    )
    post.body_markdown = body
    post.body_html, mentioned = render_body(body, board=post.topic.board)
    post.edited_at = now
    post.save(update_fields=["body_markdown", "body_html", "edited_at"])
    if post.author is not None:
        _record_mentions(post=post, topic=post.topic, mentioned=mentioned)
    if post.author_id != editor.pk:
        moderation_log(
            moderator=editor, action=ModerationAction.Action.EDIT_POST, post=post
        )
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> Post:
    """Soft-delete a post: its place in the topic stays, its text is not shown."""
    _require_member(actor)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.is_deleted:
        return post
    if not permissions.can_delete_post(actor, post):
        if post.author_id == actor.pk and post.number == 1:
            raise PermissionDenied(ERRORS["opening_post"])
        raise PermissionDenied(ERRORS["not_yours"])
    topic = _locked_topic(post.topic)
    post.is_deleted = True
    post.save(update_fields=["is_deleted"])
    changes = {}
    if post.number > 1 and not post.is_hidden:
        changes["reply_count"] = max(topic.reply_count - 1, 0)
    if topic.accepted_post_id == post.pk:
        _void(actor=actor, activity_id=topic.accepted_activity_id)
        changes.update(accepted_post=None, accepted_activity=None)
    if changes:
        Topic.objects.filter(pk=topic.pk).update(**changes)
    if post.author_id != actor.pk:
        moderation_log(
            moderator=actor, action=ModerationAction.Action.DELETE_POST, post=post
        )
    return post


@transaction.atomic
def answer_accept(*, actor, post: Post) -> Topic:
    """Mark a reply as the answer to its question. Accepting another reply
    later moves the mark and voids the earlier acceptance."""
    _require_member(actor)
    post = Post.objects.get(pk=post.pk)
    _require_visible_post(actor, post)
    topic = _locked_topic(post.topic)
    if topic.kind != Topic.Kind.QUESTION:
        raise ValidationError(ERRORS["not_a_question"], code="not_a_question")
    if not permissions.can_accept_answer(actor, topic):
        raise PermissionDenied(ERRORS["not_the_asker"])
    if post.number == 1:
        raise ValidationError(ERRORS["not_an_answer"], code="not_an_answer")
    if not post.is_visible:
        raise ValidationError(ERRORS["post_gone"], code="post_gone")
    if topic.accepted_post_id == post.pk:
        return topic
    previous_post_id = topic.accepted_post_id
    _void(actor=actor, activity_id=topic.accepted_activity_id)
    # A reply may be accepted, replaced and accepted again: each time is a
    # new activity (the earlier one was voided).
    earlier = Activity.objects.filter(
        verb="accepted", object_type="answer", object_id=str(post.pk)
    ).count()
    activity = activity_record(
        actor=actor,
        verb="accepted",
        object_type="answer",
        object_id=post.pk,
        idempotency_key=f"accepted:answer:{post.pk}:{earlier + 1}",
        context={
            "owner_id": post.author_id,
            "topic_id": topic.pk,
            "board_id": topic.board_id,
            "replaces_post_id": previous_post_id,
        },
    )
    topic.accepted_post = post
    topic.accepted_activity = activity
    topic.save(update_fields=["accepted_post", "accepted_activity"])
    if topic.author_id != actor.pk:
        moderation_log(
            moderator=actor, action=ModerationAction.Action.ACCEPT_ANSWER, post=post
        )
    return topic


@transaction.atomic
def reaction_toggle(*, member, post: Post, kind: str) -> bool:
    """Add the member's reaction of this kind to a post, or take it back.
    Returns whether the reaction is there now."""
    _require_member(member)
    if kind not in Reaction.Kind.values:
        raise ValidationError(_("Choose like or helpful."), code="bad_kind")
    post = Post.objects.select_related("topic").get(pk=post.pk)
    _require_visible_post(member, post)
    if post.author_id == member.pk:
        raise PermissionDenied(ERRORS["own_post"])
    if not post.is_visible:
        raise ValidationError(ERRORS["post_gone"], code="post_gone")
    existing = (
        Reaction.objects.select_for_update()
        .filter(post=post, member=member, kind=kind)
        .first()
    )
    if existing is not None:
        _void(actor=member, activity_id=existing.activity_id)
        existing.delete()
        return False
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(post=post, member=member, kind=kind)
    except IntegrityError:  # a double click: the first one already reacted
        return True
    reaction.activity = activity_record(
        actor=member,
        verb="liked",
        object_type="post",
        object_id=post.pk,
        idempotency_key=f"liked:post:{post.pk}:{reaction.pk}",
        context={
            "owner_id": post.author_id,
            "kind": kind,
            "topic_id": post.topic_id,
        },
        timestamp=reaction.created_at,
    )
    reaction.save(update_fields=["activity"])
    return True
