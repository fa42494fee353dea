"""Search across the forum's topics and posts.

On PostgreSQL: full-text search, a weighted tsvector of the topic title (A)
and the post body (B) matched with `websearch_to_tsquery` (quotes, OR, -word
work as on a search engine) and ranked by ts_rank. Elsewhere (SQLite): every
word must appear in the title or the body (icontains), ranked by how many of
the words the title holds. Ties: opening posts first, then the newest.

Only what the reader may see is searched: visible posts (not deleted, not
hidden) of visible topics in boards the reader can see (private groups:
members only, via forum.selectors). A page of results is 2 queries (count
and page), whatever the number of posts."""

import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from .models import Post
from .selectors import board_visibility_q, visible_boards

RESULTS_PER_PAGE = 20
QUERY_MAX_LENGTH = 200
MAX_WORDS = 8
SNIPPET_CHARS = 240
_WORD = re.compile(r"\w[\w'’-]*", re.UNICODE)


def visible_board_ids(viewer) -> list[int]:
    """The boards whose topics `viewer` may read (one query); private groups'
    boards only for their members (forum.selectors.visible_boards)."""
    return list(visible_boards(viewer).values_list("pk", flat=True))


def query_words(query: str) -> list[str]:
    """The words of a query, deduplicated, at most MAX_WORDS, for the
    fallback search and for highlighting."""
    words = []
    for word in _WORD.findall(query.lower()):
        word = word.strip("'’-")
        if len(word) >= 2 and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def _visible_posts(viewer) -> QuerySet[Post]:
    """Posts in boards the viewer may read (the private-group rule, inside the
    same query); hidden and deleted posts and hidden topics are left out for
    everyone, moderators included — search results quote the text."""
    return Post.objects.filter(
        board_visibility_q(viewer, via="topic__board__"),
        is_deleted=False,
        is_hidden=False,
        topic__is_hidden=False,
    )


# Among equally good matches, a topic's opening post comes before its replies.
_OPENING = Case(
    When(number=1, then=Value(1)), default=Value(0), output_field=IntegerField()
)


def _postgres_search(posts: QuerySet[Post], query: str) -> QuerySet[Post]:
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    vector = SearchVector("topic__title", weight="A", config="english") + SearchVector(
        "body_markdown", weight="B", config="english"
    )
    search = SearchQuery(query, search_type="websearch", config="english")
    # Match with @@ (every word, as websearch means it): ts_rank alone is
    # above zero for a document holding only some of the words.
    return (
        posts.annotate(
            document=vector, rank=SearchRank(vector, search), opening=_OPENING
        )
        .filter(document=search)
        .order_by("-rank", "-opening", "-created_at", "-pk")
    )


def _portable_search(posts: QuerySet[Post], words: list[str]) -> QuerySet[Post]:
    for word in words:
        posts = posts.filter(
            Q(topic__title__icontains=word) | Q(body_markdown__icontains=word)
        )
    in_title = [
        Case(
            When(topic__title__icontains=word, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for word in words
    ]
    return posts.annotate(rank=sum(in_title, Value(0)), opening=_OPENING).order_by(
        "-rank", "-opening", "-created_at", "-pk"
    )


def search_posts(*, query: str, viewer, page_number=1) -> Page:
    """A page of posts matching `query`, best first, each with its topic and
    board; an empty page for an empty query."""
    query = " ".join((query or "").split())[:QUERY_MAX_LENGTH]
    words = query_words(query)
    if not words:
        return Paginator(Post.objects.none(), RESULTS_PER_PAGE).get_page(1)
    posts = _visible_posts(viewer).select_related("topic__board", "author")
    if connection.vendor == "postgresql":
        posts = _postgres_search(posts, query)
    else:
        posts = _portable_search(posts, words)
    return Paginator(posts, RESULTS_PER_PAGE).get_page(page_number)


@dataclass(frozen=True)
class Highlighted:
    title: SafeString
    snippet: SafeString


def highlight(text: str, words: list[str], *, window: int | None = None) -> SafeString:
    """`text` escaped, with each occurrence of the words (as word starts, so
    "read" marks "reading") wrapped in <mark>; cut to a window around the
    first match when `window` is given."""
    if window is not None and len(text) > window:
        lowered = text.lower()
        hits = [lowered.find(w) for w in words if lowered.find(w) >= 0]
        start = max(0, min(hits) - window // 4) if hits else 0
        cut = text[start : start + window]
        text = (
            ("…" if start else "") + cut + ("…" if start + window < len(text) else "")
        )
    if not words:
        return escape(text)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE
    )
    pieces = []
    last = 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[last : found.start()]))
        pieces.append(f"<mark>{escape(found.group(0))}</mark>")
        last = found.end()
    pieces.append(escape(text[last:]))
    # Safe: every piece of the member's text went through escape() above.
    return mark_safe("".join(pieces))  # noqa: S308


def result_highlights(post: Post, words: list[str]) -> Highlighted:
    body = " ".join(strip_tags(post.body_html).split())
    return Highlighted(
        title=highlight(post.topic.title, words),
        snippet=highlight(body, words, window=SNIPPET_CHARS),
    )
