"""Reads for the forum pages, each a fixed number of queries whatever the
number of topics, posts or reactions.

Private groups: every read of boards, topics or posts — here, in other apps
(search, notifications, feeds) — starts from `visible_boards(viewer)`,
`topics_visible_to(viewer)` or `posts_visible_to(viewer)`, which leave out
what the viewer may not see (and add no query of their own)."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet

from . import permissions
from .models import Board, Group, GroupMembership, Post, Reaction, Topic

TOPICS_PER_PAGE = 20
POSTS_PER_PAGE = 20


# Visibility -------------------------------------------------------------------


def active_group_ids(viewer) -> QuerySet:
    """The groups the viewer is an active member of, as a subquery."""
    return GroupMembership.objects.filter(
        member_id=viewer.pk, status=GroupMembership.Status.ACTIVE
    ).values("group_id")


def board_visibility_q(viewer, *, is_moderator: bool | None = None, via: str = "") -> Q:
    """A filter keeping the boards `viewer` may read: boards outside any group,
    public groups' boards, and private groups' boards to their active members.
    Site moderators read everything. `via` is the path to the board from the
    model being filtered ("board__" for topics, "topic__board__" for posts)."""
    if is_moderator is None:
        is_moderator = permissions.member_is_moderator(viewer)
    if is_moderator:
        return Q()
    keep = Q(**{f"{via}group__isnull": True}) | Q(
        **{f"{via}group__visibility": Group.Visibility.PUBLIC}
    )
    if permissions.member_is_active(viewer):
        keep |= Q(**{f"{via}group__in": active_group_ids(viewer)})
    return keep


def visible_boards(viewer, *, is_moderator: bool | None = None) -> QuerySet:
    """Boards the viewer may read (archived ones included)."""
    return Board.objects.filter(board_visibility_q(viewer, is_moderator=is_moderator))


def topics_visible_to(viewer, *, is_moderator: bool | None = None) -> QuerySet:
    """Topics the viewer may read: in a board they may read, and not hidden by
    a moderator (moderators see hidden topics too)."""
    if is_moderator is None:
        is_moderator = permissions.member_is_moderator(viewer)
    topics = Topic.objects.filter(
        board_visibility_q(viewer, is_moderator=is_moderator, via="board__")
    )
    return topics if is_moderator else topics.filter(is_hidden=False)


def posts_visible_to(viewer, *, is_moderator: bool | None = None) -> QuerySet:
    """Posts whose text the viewer may read: in a topic they may read, not
    deleted, and not hidden (moderators see hidden posts too)."""
    if is_moderator is None:
        is_moderator = permissions.member_is_moderator(viewer)
    posts = Post.objects.filter(
        board_visibility_q(viewer, is_moderator=is_moderator, via="topic__board__"),
        is_deleted=False,
    )
    if is_moderator:
        return posts
    return posts.filter(topic__is_hidden=False, is_hidden=False)


def board_topics_page(*, board: Board, kind: str = "", page_number=1) -> Page:
    topics = Topic.objects.filter(board=board).visible().listing()
    if kind in Topic.Kind.values:
        topics = topics.filter(kind=kind)
    return Paginator(topics, TOPICS_PER_PAGE).get_page(page_number)


@dataclass(frozen=True)
class TopicPage:
    page_obj: Page  # paginates post numbers; the posts themselves are below
    posts: list[Post]
    accepted: Post | None  # shown first on page 1 of an answered question


def topic_page(*, topic: Topic, viewer, page_number=1) -> TopicPage:
    """One page of a topic in three queries: the last post number, the page's
    posts (with the accepted answer on page 1), and their reaction counts.

    Pages are ranges of post numbers (posts are numbered 1, 2, 3 … and only
    ever soft-deleted), so a late page costs what the first one does: no
    OFFSET, and no aggregate over the whole topic."""
    last = Post.objects.filter(topic=topic).aggregate(last=Max("number"))["last"]
    page_obj = Paginator(range(1, (last or 0) + 1), POSTS_PER_PAGE).get_page(
        page_number
    )
    first, final = page_obj.start_index(), page_obj.end_index()
    wanted = Q(number__gte=first, number__lte=final)
    accepted_id = None
    if topic.is_question and topic.accepted_post_id and page_obj.number == 1:
        accepted_id = topic.accepted_post_id
        wanted |= Q(pk=accepted_id)
    rows = list(
        Post.objects.filter(topic=topic)
        .filter(wanted)
        .select_related("author", "parent__author")
        .order_by("number")
    )
    reactions_attach(rows, viewer=viewer)
    accepted = next(
        (post for post in rows if post.pk == accepted_id and post.is_visible), None
    )
    posts = [post for post in rows if first <= post.number <= final]
    return TopicPage(page_obj=page_obj, posts=posts, accepted=accepted)


def reactions_attach(posts: list[Post], *, viewer) -> None:
    """Set like_count, helpful_count, liked_by_viewer and helpful_by_viewer on
    each post, in one query for all of them."""
    for post in posts:
        for kind in Reaction.Kind.values:
            setattr(post, f"{kind}_count", 0)
            setattr(post, f"{kind}_by_viewer", False)
    if not posts:
        return
    by_id = {post.pk: post for post in posts}
    counts = Reaction.objects.filter(post_id__in=by_id).values("post_id", "kind")
    signed_in = viewer is not None and viewer.is_authenticated
    if signed_in:
        counts = counts.annotate(
            total=Count("pk"), mine=Count("pk", filter=Q(member_id=viewer.pk))
        )
    else:
        counts = counts.annotate(total=Count("pk"))
    for row in counts.order_by():
        post = by_id[row["post_id"]]
        setattr(post, f"{row['kind']}_count", row["total"])
        setattr(post, f"{row['kind']}_by_viewer", bool(row.get("mine")))


def post_page_number(post: Post) -> int:
    """The topic page a post is on (posts keep their number when deleted)."""
    return (post.number - 1) // POSTS_PER_PAGE + 1
