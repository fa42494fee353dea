"""Reads for the forum pages, each a fixed number of queries whatever the
number of topics, posts or reactions."""

from django.core.paginator import Page, Paginator

from .models import Board, Post, Topic

TOPICS_PER_PAGE = 20
POSTS_PER_PAGE = 20


def board_topics_page(*, board: Board, kind: str = "", page_number=1) -> Page:
    topics = Topic.objects.filter(board=board).visible().listing()
    if kind in Topic.Kind.values:
        topics = topics.filter(kind=kind)
    return Paginator(topics, TOPICS_PER_PAGE).get_page(page_number)


class _CountedPaginator(Paginator):
    """A paginator told its total, so it does not count the annotated
    (grouped) queryset it pages through."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills the cached_property


def topic_posts_page(*, topic: Topic, viewer, page_number=1) -> Page:
    all_posts = Post.objects.filter(topic=topic)
    posts = all_posts.for_topic_page(viewer=viewer)
    paginator = _CountedPaginator(posts, POSTS_PER_PAGE, count=all_posts.count())
    return paginator.get_page(page_number)


def topic_accepted_post(*, topic: Topic, viewer) -> Post | None:
    if topic.accepted_post_id is None:
        return None
    return (
        Post.objects.filter(
            pk=topic.accepted_post_id, is_deleted=False, is_hidden=False
        )
        .for_topic_page(viewer=viewer)
        .first()
    )


def post_page_number(post: Post) -> int:
    """The topic page a post is on (posts keep their number when deleted)."""
    return (post.number - 1) // POSTS_PER_PAGE + 1
