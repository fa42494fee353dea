"""Reads for the forum pages, each a fixed number of queries whatever the
number of topics, posts or reactions.

Private groups: every read of boards, topics or posts — here, in other apps
(search, notifications, feeds) — starts from `visible_boards(viewer)`,
`topics_visible_to(viewer)` or `posts_visible_to(viewer)`, which leave out
what the viewer may not see (and add no query of their own)."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import EventPage, Skill

from . import permissions
from .models import (
    Board,
    Group,
    GroupMembership,
    Poll,
    PollBallot,
    PollOption,
    Post,
    Project,
    ProjectImage,
    Reaction,
    Subscription,
    Topic,
    TopicReadState,
)

TOPICS_PER_PAGE = 20
POSTS_PER_PAGE = 20
GALLERY_PER_PAGE = 24
# A topic nobody told the viewer about is "new" for this long (and only if it
# was started after they joined).
NEW_TOPIC_DAYS = 14


# Visibility -------------------------------------------------------------------


def active_group_ids(viewer) -> QuerySet:
    """The groups the viewer is an active member of, as a subquery."""
    return GroupMembership.objects.filter(
        member_id=viewer.pk, status=GroupMembership.Status.ACTIVE
    ).values("group_id")


def moderator_check(viewer, *, is_moderator: bool | None = None) -> bool | Q:
    """Whether the viewer is a site moderator: True or False when that is
    known without a query, else a Q to put in the filtered query itself (the
    `members.moderate_members` permission, given directly or through a group,
    as `permissions.member_is_moderator` checks it) — so the visibility
    filters below add no query of their own."""
    if is_moderator is not None:
        return is_moderator
    if not permissions.member_is_active(viewer):
        return False
    if viewer.is_staff or viewer.is_superuser:
        return True
    granted = Permission.objects.filter(
        codename="moderate_members", content_type__app_label="members"
    ).filter(Q(user=viewer) | Q(group__user=viewer))
    return Q(Exists(granted))


def _unless_moderator(keep: Q, moderator: bool | Q) -> Q:
    """`keep`, or everything for a moderator."""
    if moderator is True:
        return Q()
    if moderator is False:
        return keep
    return keep | moderator


def board_visibility_q(viewer, *, is_moderator: bool | None = None, via: str = "") -> Q:
    """A filter keeping the boards `viewer` may read: boards outside any group,
    public groups' boards, private groups' boards to their active members, and
    everything to site moderators. `via` is the path to the board from the
    model being filtered ("board__" for topics, "topic__board__" for posts)."""
    keep = Q(**{f"{via}group__isnull": True}) | Q(
        **{f"{via}group__visibility": Group.Visibility.PUBLIC}
    )
    if permissions.member_is_active(viewer):
        keep |= Q(**{f"{via}group__in": active_group_ids(viewer)})
    return _unless_moderator(keep, moderator_check(viewer, is_moderator=is_moderator))


def visible_boards(viewer, *, is_moderator: bool | None = None) -> QuerySet:
    """Boards the viewer may read (archived ones included)."""
    return Board.objects.filter(board_visibility_q(viewer, is_moderator=is_moderator))


def topics_visible_to(viewer, *, is_moderator: bool | None = None) -> QuerySet:
    """Topics the viewer may read: in a board they may read, and not hidden by
    a moderator (moderators see hidden topics too)."""
    moderator = moderator_check(viewer, is_moderator=is_moderator)
    return Topic.objects.filter(
        board_visibility_q(viewer, is_moderator=is_moderator, via="board__"),
        _unless_moderator(Q(is_hidden=False), moderator),
    )


def posts_visible_to(viewer, *, is_moderator: bool | None = None) -> QuerySet:
    """Posts whose text the viewer may read: in a topic they may read, not
    deleted, and not hidden (moderators see hidden posts too)."""
    moderator = moderator_check(viewer, is_moderator=is_moderator)
    return Post.objects.filter(
        board_visibility_q(viewer, is_moderator=is_moderator, via="topic__board__"),
        _unless_moderator(Q(topic__is_hidden=False, is_hidden=False), moderator),
        is_deleted=False,
    )


# Boards and topics --------------------------------------------------------------


def _signed_in(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def _viewer_annotations(viewer, *, board_ref: str, topic_ref: str | None) -> dict:
    """Whether the viewer is an active member of the board's group, follows
    the board (or topic), and how far they read the topic: subqueries of the
    page's main query, not queries of their own."""
    if not _signed_in(viewer):
        return {}
    annotations = {
        "viewer_in_group": Exists(
            GroupMembership.objects.filter(
                group_id=OuterRef(f"{board_ref}group_id"),
                member_id=viewer.pk,
                status=GroupMembership.Status.ACTIVE,
            )
        )
    }
    if topic_ref is None:
        annotations["viewer_follows"] = Exists(
            Subscription.objects.filter(
                board_id=OuterRef("pk"), member_id=viewer.pk, is_active=True
            )
        )
    else:
        annotations["viewer_follows"] = Exists(
            Subscription.objects.filter(
                topic_id=OuterRef("pk"), member_id=viewer.pk, is_active=True
            )
        )
        annotations["viewer_read"] = Subquery(
            TopicReadState.objects.filter(
                topic_id=OuterRef("pk"), member_id=viewer.pk
            ).values("last_read_number")[:1]
        )
    return annotations


def board_for_viewer(*, slug: str, viewer, is_moderator: bool | None = None) -> Board:
    """A board the viewer may read, with `viewer_in_group` and `viewer_follows`
    (raises Board.DoesNotExist otherwise: private boards are not admitted)."""
    return (
        visible_boards(viewer, is_moderator=is_moderator)
        .select_related("course", "group")
        .annotate(**_viewer_annotations(viewer, board_ref="", topic_ref=None))
        .get(slug=slug)
    )


def topic_for_viewer(*, pk: int, viewer, is_moderator: bool) -> Topic:
    """A topic the viewer may read with its board, project and poll, and
    `viewer_in_group`, `viewer_follows`, `viewer_read` (one query; raises
    Topic.DoesNotExist when the viewer may not read it)."""
    return (
        topics_visible_to(viewer, is_moderator=is_moderator)
        .select_related("board__course", "board__group", "author", "project", "poll")
        .annotate(**_viewer_annotations(viewer, board_ref="board__", topic_ref="pk"))
        .get(pk=pk)
    )


def _unread_annotations(viewer) -> dict:
    read = TopicReadState.objects.filter(topic_id=OuterRef("pk"), member_id=viewer.pk)
    unread = (
        Post.objects.filter(
            topic_id=OuterRef("pk"),
            number__gt=OuterRef("viewer_read"),
            is_deleted=False,
            is_hidden=False,
        )
        .order_by()
        .values("topic_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return {
        "viewer_read": Subquery(read.values("last_read_number")[:1]),
        "unread_count": Coalesce(Subquery(unread), 0),
    }


def _first_unread_url(topic: Topic, number: int) -> str:
    page = (number - 1) // POSTS_PER_PAGE + 1
    query = f"?page={page}" if page > 1 else ""
    return f"{topic.get_absolute_url()}{query}#post-{number}"


def unread_mark(topics, *, viewer, now=None) -> None:
    """Set `is_new` (never opened, started recently and since the viewer
    joined) and `first_unread_url` on topics read with _unread_annotations."""
    if not _signed_in(viewer):
        return
    since = max(
        viewer.date_joined, (now or timezone.now()) - timedelta(days=NEW_TOPIC_DAYS)
    )
    for topic in topics:
        read = getattr(topic, "viewer_read", None)
        topic.is_new = (
            read is None and topic.author_id != viewer.pk and topic.created_at >= since
        )
        topic.first_unread_url = (
            _first_unread_url(topic, read + 1)
            if read is not None and topic.unread_count
            else ""
        )


def board_topics_page(
    *, board: Board, kind: str = "", page_number=1, viewer=None
) -> Page:
    """A board's topics, pinned first; for a signed-in viewer each has
    `unread_count`, `is_new` and `first_unread_url` (no extra query)."""
    topics = Topic.objects.filter(board=board).visible().listing()
    if kind in Topic.Kind.values:
        topics = topics.filter(kind=kind)
    if _signed_in(viewer):
        topics = topics.annotate(**_unread_annotations(viewer))
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(page_number)
    unread_mark(page.object_list, viewer=viewer)
    return page


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


# Polls and projects on a topic page --------------------------------------------


@dataclass(frozen=True)
class PollState:
    poll: Poll
    options: list[PollOption]  # each with votes_count, percent and chosen
    voters: int
    has_voted: bool
    is_closed: bool

    @property
    def show_results(self) -> bool:
        """Results are shown once the viewer voted or the poll closed."""
        return self.has_voted or self.is_closed


def poll_state(*, poll: Poll, viewer) -> PollState:
    """A poll's options with their votes and the viewer's choices, and the
    number of voters, in one query."""
    voters = (
        PollBallot.objects.filter(poll_id=OuterRef("poll_id"))
        .order_by()
        .values("poll_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    options = PollOption.objects.filter(poll=poll).annotate(
        votes_count=Count("votes", distinct=True),
        voters=Coalesce(Subquery(voters), 0),
    )
    if _signed_in(viewer):
        options = options.annotate(
            mine=Count("votes", filter=Q(votes__ballot__member_id=viewer.pk))
        )
    options = list(options.order_by("position", "pk"))
    total = options[0].voters if options else 0
    for option in options:
        option.chosen = bool(getattr(option, "mine", 0))
        option.percent = round(100 * option.votes_count / total) if total else 0
    return PollState(
        poll=poll,
        options=options,
        voters=total,
        has_voted=any(option.chosen for option in options),
        is_closed=poll.is_closed(),
    )


@dataclass(frozen=True)
class ProjectShown:
    project: Project
    images: list[ProjectImage]
    skills: list


def project_shown(*, project: Project) -> ProjectShown:
    """A project's images and skills (two queries)."""
    return ProjectShown(
        project=project,
        images=list(project.images.order_by("position", "pk")),
        skills=list(project.skills.order_by("name")),
    )


# The project gallery -------------------------------------------------------------


def gallery_page(
    *,
    viewer,
    is_moderator: bool | None = None,
    board: Board | None = None,
    group: Group | None = None,
    skill=None,
    page_number=1,
) -> Page:
    """Project cards, newest first, in three queries whatever their number:
    the count, the page (with each project's first thumbnail), its skills.
    Each card has `cover_url` and `cover_alt` ("" without images)."""
    first_image = ProjectImage.objects.filter(project_id=OuterRef("pk")).order_by(
        "position", "pk"
    )
    topics = (
        topics_visible_to(viewer, is_moderator=is_moderator)
        .filter(kind=Topic.Kind.PROJECT, project__isnull=False, is_hidden=False)
        .select_related("author", "board", "project")
        .annotate(
            cover_thumbnail=Subquery(first_image.values("thumbnail")[:1]),
            cover_alt=Subquery(first_image.values("alt_text")[:1]),
        )
        .prefetch_related(
            Prefetch("project__skills", queryset=Skill.objects.order_by("name"))
        )
        .order_by("-created_at", "-pk")
    )
    if board is not None:
        topics = topics.filter(board=board)
    if group is not None:
        topics = topics.filter(board__group=group)
    if skill is not None:
        topics = topics.filter(project__skills=skill)
    page = Paginator(topics, GALLERY_PER_PAGE).get_page(page_number)
    storage = ProjectImage._meta.get_field("thumbnail").storage
    for topic in page.object_list:
        topic.cover_url = (
            storage.url(topic.cover_thumbnail) if topic.cover_thumbnail else ""
        )
    return page


# Groups --------------------------------------------------------------------------


def _viewer_membership(viewer, field: str):
    return Subquery(
        GroupMembership.objects.filter(
            group_id=OuterRef("pk"), member_id=viewer.pk
        ).values(field)[:1]
    )


def groups_listing(*, viewer) -> list[Group]:
    """Every group (private ones too: their name and description invite
    requests), with `member_total` and the viewer's `viewer_status` and
    `viewer_role` (None when not a member), in one query plus one for the
    cover images' renditions."""
    groups = Group.objects.listing().select_related("cover_image")
    if _signed_in(viewer):
        groups = groups.annotate(
            viewer_status=_viewer_membership(viewer, "status"),
            viewer_role=_viewer_membership(viewer, "role"),
        )
    return list(groups)


def group_for_viewer(*, slug: str, viewer) -> Group:
    """A group with `member_total`, `viewer_status` and `viewer_role`."""
    groups = Group.objects.listing().select_related("cover_image")
    if _signed_in(viewer):
        groups = groups.annotate(
            viewer_status=_viewer_membership(viewer, "status"),
            viewer_role=_viewer_membership(viewer, "role"),
        )
    return groups.get(slug=slug)


def group_members(*, group: Group, limit: int = 60) -> list[GroupMembership]:
    """Active members, owners and moderators first, then by joining date."""
    role_order = Case(
        When(role=GroupMembership.Role.OWNER, then=0),
        When(role=GroupMembership.Role.MODERATOR, then=1),
        default=2,
    )
    return list(
        GroupMembership.objects.filter(
            group=group, status=GroupMembership.Status.ACTIVE
        )
        .select_related("member")
        .order_by(role_order, "joined_at", "pk")[:limit]
    )


def group_requests(*, group: Group) -> list[GroupMembership]:
    return list(
        GroupMembership.objects.filter(
            group=group, status=GroupMembership.Status.PENDING
        )
        .select_related("member")
        .order_by("requested_at", "pk")
    )


def group_boards(*, group: Group) -> list[Board]:
    return list(Board.objects.filter(group=group).listing())


def group_events(*, group: Group, limit: int = 5) -> list:
    """Upcoming events of the courses the group studies (Group.courses)."""
    return list(
        EventPage.objects.live()
        .upcoming()
        .filter(course__in=group.courses.values("pk"))
        .select_related("course")[:limit]
    )


# A member's community page -------------------------------------------------------


def member_topics(*, member, viewer, limit: int = 10) -> list[Topic]:
    """The member's latest topics the viewer may read."""
    return list(
        topics_visible_to(viewer)
        .filter(author=member, is_hidden=False)
        .select_related("board")
        .order_by("-created_at", "-pk")[:limit]
    )


def member_groups(*, member, viewer) -> list[Group]:
    """The member's groups: public ones, and private ones the viewer is in."""
    groups = Group.objects.filter(
        memberships__member=member,
        memberships__status=GroupMembership.Status.ACTIVE,
    )
    visible = Q(visibility=Group.Visibility.PUBLIC)
    if _signed_in(viewer):
        visible |= Q(pk__in=active_group_ids(viewer))
    groups = groups.filter(_unless_moderator(visible, moderator_check(viewer)))
    return list(groups.order_by("name"))
