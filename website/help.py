"""The help box and "ask before you post": answered questions, lessons and
articles that match what a member is asking, never anything they may not see.

The index (core.textmatch) is built from three sources in a bounded number of
queries and cached: in the Django cache under a version that content changes
bump (a lesson or article published, unpublished or deleted; an answer
accepted or withdrawn), and per process so a query does not unpickle it. It
is rebuilt at least every HELP_INDEX_MAX_AGE seconds otherwise (in a Celery
task while the previous one keeps answering, when there is a worker) — and
every query re-checks its candidates against the database, so a hidden,
unpublished or private item is never shown even before that.

What each reader may see:
- an answered question (a visible question topic with a visible accepted
  answer) in a board the reader can see (private groups: members only);
- a lesson of a published course open to the public (no Wagtail view
  restriction). A lesson's body is matched and quoted only for readers of
  that body (enrolled learners, instructors, editors, and everyone for a
  course's first lesson, its free preview); anyone else matches its title and
  summary only, which the lesson page shows them too;
- a published, public article."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page

from core.textmatch import Document, TextIndex
from courses.models import CourseInstructor, CoursePage, Enrollment, LessonPage
from forum.models import Post, Topic
from forum.search import visible_board_ids
from website.models import ArticlePage

VERSION_KEY = "help:index:version"
INDEX_KEY = "help:index:{version}"
LATEST_KEY = "help:index:latest"
BUILDING_KEY = "help:index:building"
BUILD_LOCK_SECONDS = 300
# Bounds on the corpus: the newest of each source.
MAX_QUESTIONS = 5000
MAX_LESSONS = 5000
MAX_ARTICLES = 2000
SNIPPET_CHARS = 220
QUERY_MAX_CHARS = 500
KINDS = ("question", "lesson", "article")
# Lessons whose body this reader may not read are matched on their card.
LESSON_CARD = "lesson-card"


def max_age() -> int:
    return int(getattr(settings, "HELP_INDEX_MAX_AGE", 15 * 60))


@dataclass(frozen=True)
class HelpEntry:
    """What the index knows about a document besides its text."""

    doc_id: str
    kind: str  # question, lesson, article
    object_id: int
    title: str
    url: str
    snippet: str
    board_id: int | None = None
    course_id: int | None = None
    free_preview: bool = False
    full_text: bool = True  # a lesson document that includes its body


@dataclass
class HelpIndex:
    version: str
    built_at: float
    index: TextIndex
    entries: dict[str, HelpEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.index)


@dataclass(frozen=True)
class HelpResult:
    kind: str
    title: str
    url: str
    snippet: str
    score: float
    locked: bool = False  # a lesson the reader must enrol to read


def _plain(html: str) -> str:
    return " ".join(strip_tags(html or "").split())


def _snippet(text: str) -> str:
    return Truncator(text).chars(SNIPPET_CHARS)


def _stream_text(stream, skip: tuple[str, ...] = ()) -> str:
    """The readable text of a StreamField, without the blocks in `skip`
    (quizzes and assignments hold answers and instructions, not prose)."""
    parts = []
    for child in stream:
        if child.block_type in skip:
            continue
        parts.extend(str(p) for p in child.block.get_searchable_content(child.value))
    return _plain(" ".join(parts))


def _question_documents() -> list[tuple[Document, HelpEntry]]:
    """Answered questions: 2 queries."""
    topics = list(
        Topic.objects.filter(
            kind=Topic.Kind.QUESTION,
            is_hidden=False,
            accepted_post__isnull=False,
            accepted_post__is_hidden=False,
            accepted_post__is_deleted=False,
        )
        .select_related("accepted_post")
        .order_by("-last_activity_at", "-pk")[:MAX_QUESTIONS]
    )
    openings = dict(
        Post.objects.filter(topic__in=[t.pk for t in topics], number=1).values_list(
            "topic_id", "body_html"
        )
    )
    pairs = []
    for topic in topics:
        question = _plain(openings.get(topic.pk, ""))
        answer = _plain(topic.accepted_post.body_html)
        doc_id = f"question:{topic.pk}"
        pairs.append(
            (
                Document(doc_id, "question", topic.title, f"{question} {answer}"),
                HelpEntry(
                    doc_id=doc_id,
                    kind="question",
                    object_id=topic.pk,
                    title=topic.title,
                    url=topic.get_absolute_url(),
                    snippet=_snippet(answer),
                    board_id=topic.board_id,
                ),
            )
        )
    return pairs


def _lesson_documents() -> list[tuple[Document, HelpEntry]]:
    """Lessons of public, published courses, as two documents each: the
    whole lesson (for its readers) and its card (title and summary, for
    everyone else). 5–7 queries."""
    courses = {
        course.path: course for course in CoursePage.objects.live().public().order_by()
    }
    live_modules = set(
        Page.objects.live()
        .filter(depth__in={c.depth + 1 for c in courses.values()} or {0})
        .values_list("path", flat=True)
    )
    lessons = list(LessonPage.objects.live().public().order_by("path")[:MAX_LESSONS])
    first_seen: set[int] = set()
    pairs = []
    for lesson in lessons:
        course = next(
            (c for p, c in courses.items() if lesson.path.startswith(p)), None
        )
        module_path = lesson.path[: -lesson.steplen]
        if course is None or module_path not in live_modules:
            continue
        free_preview = course.pk not in first_seen
        first_seen.add(course.pk)
        url = lesson.get_url()
        body = _stream_text(lesson.body, skip=("quiz", "assignment"))
        summary = lesson.summary or course.summary
        title = f"{lesson.title} ({course.title})"
        full_id = f"lesson:{lesson.pk}"
        card_id = f"{LESSON_CARD}:{lesson.pk}"
        common = {
            "kind": "lesson",
            "object_id": lesson.pk,
            "title": lesson.title,
            "url": url,
            "course_id": course.pk,
            "free_preview": free_preview,
        }
        pairs.append(
            (
                Document(full_id, "lesson", title, f"{lesson.summary} {body}"),
                HelpEntry(
                    doc_id=full_id,
                    snippet=_snippet(lesson.summary or body),
                    full_text=True,
                    **common,
                ),
            )
        )
        pairs.append(
            (
                Document(card_id, "lesson", title, summary),
                HelpEntry(
                    doc_id=card_id, snippet=_snippet(summary), full_text=False, **common
                ),
            )
        )
    return pairs


def _article_documents() -> list[tuple[Document, HelpEntry]]:
    """Published, public articles: 2 queries."""
    articles = (
        ArticlePage.objects.live().public().order_by("-date", "-pk")[:MAX_ARTICLES]
    )
    pairs = []
    for article in articles:
        doc_id = f"article:{article.pk}"
        body = _stream_text(article.body)
        pairs.append(
            (
                Document(doc_id, "article", article.title, f"{article.intro} {body}"),
                HelpEntry(
                    doc_id=doc_id,
                    kind="article",
                    object_id=article.pk,
                    title=article.title,
                    url=article.get_url(),
                    snippet=_snippet(article.intro or body),
                ),
            )
        )
    return pairs


def help_index_build(version: str = "") -> HelpIndex:
    """Fit a fresh index over all three sources."""
    pairs = _question_documents() + _lesson_documents() + _article_documents()
    return HelpIndex(
        version=version,
        built_at=time.time(),
        index=TextIndex(doc for doc, _entry in pairs),
        entries={entry.doc_id: entry for _doc, entry in pairs},
    )


_memo: HelpIndex | None = None


def help_index_invalidate() -> None:
    """Content changed: the next query asks for a new index."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def _fresh(index: HelpIndex | None) -> bool:
    return index is not None and time.time() - index.built_at < max_age()


def help_index_rebuild(*, version: str) -> HelpIndex:
    """Build the index for `version` and store it (the Celery task calls this)."""
    global _memo
    built = help_index_build(version)
    # Kept twice as long as it is fresh: a stale index keeps answering while
    # the next one is built in the background.
    cache.set(INDEX_KEY.format(version=version), built, 2 * max_age())
    cache.set(LATEST_KEY, version, None)
    cache.delete(BUILDING_KEY)
    _memo = built
    return built


def _build_in_background() -> bool:
    return not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True)


def help_index() -> HelpIndex:
    """The current index: this process's copy, else the cache's, else built.

    With a Celery worker, an out-of-date index (content changed, or older than
    HELP_INDEX_MAX_AGE) keeps answering while a task builds the next one, so
    no member waits for a fit; every query re-checks what it shows anyway
    (_still_there). Without one (the embedded default, tests) it is rebuilt
    in the request."""
    global _memo
    version = _current_version()
    if _fresh(_memo) and _memo.version == version:
        return _memo
    stored = cache.get(INDEX_KEY.format(version=version))
    if _fresh(stored):
        _memo = stored
        return stored
    stale = _memo
    if stale is None:
        latest = cache.get(LATEST_KEY)
        stale = cache.get(INDEX_KEY.format(version=latest)) if latest else None
    if stale is not None and _build_in_background():
        if cache.add(BUILDING_KEY, version, BUILD_LOCK_SECONDS):
            from .tasks import rebuild_help_index

            rebuild_help_index.delay(version)
        _memo = stale
        return stale
    return help_index_rebuild(version=version)


@dataclass(frozen=True)
class Reader:
    """What one member may see, loaded in a fixed number of queries."""

    board_ids: frozenset[int]
    course_ids: frozenset[int]  # courses whose lesson bodies they read
    is_editor: bool

    def can_read_body(self, entry: HelpEntry) -> bool:
        return (
            entry.free_preview or self.is_editor or entry.course_id in self.course_ids
        )


def reader_for(member) -> Reader:
    signed_in = member is not None and member.is_authenticated
    courses: set[int] = set()
    if signed_in:
        courses.update(
            # Enrollment.is_current, as a filter.
            Enrollment.objects.filter(user=member)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .values_list("course_id", flat=True)
        )
        courses.update(
            CourseInstructor.objects.filter(user=member).values_list(
                "course_id", flat=True
            )
        )
    return Reader(
        board_ids=frozenset(visible_board_ids(member)),
        course_ids=frozenset(courses),
        is_editor=bool(signed_in and member.is_superuser),
    )


def _allowed(entries: dict[str, HelpEntry], reader: Reader, kinds):
    def allowed(doc_id: str) -> bool:
        entry = entries.get(doc_id)
        if entry is None or (kinds and entry.kind not in kinds):
            return False
        if entry.kind == "question":
            return entry.board_id in reader.board_ids
        if entry.kind == "lesson":
            return entry.full_text == reader.can_read_body(entry)
        return True

    return allowed


def _still_there(entries: list[HelpEntry], reader: Reader) -> set[str]:
    """The candidates that are still visible now (the index may be minutes
    old): one query per source that has candidates."""
    ok: set[str] = set()
    topic_ids = [e.object_id for e in entries if e.kind == "question"]
    if topic_ids:
        live_topics = set(
            Topic.objects.filter(
                pk__in=topic_ids,
                is_hidden=False,
                board_id__in=reader.board_ids,
                accepted_post__is_hidden=False,
                accepted_post__is_deleted=False,
            ).values_list("pk", flat=True)
        )
        ok.update(
            e.doc_id
            for e in entries
            if e.kind == "question" and e.object_id in live_topics
        )
    page_ids = [e.object_id for e in entries if e.kind != "question"]
    if page_ids:
        live_pages = set(
            Page.objects.filter(pk__in=page_ids).live().values_list("pk", flat=True)
        )
        ok.update(
            e.doc_id
            for e in entries
            if e.kind != "question" and e.object_id in live_pages
        )
    return ok


_SPACE = re.compile(r"\s+")


def help_search(*, query: str, member, limit: int = 5, kinds=None) -> list[HelpResult]:
    """The best matches for `query` that `member` may see, best first."""
    query = _SPACE.sub(" ", query or "").strip()[:QUERY_MAX_CHARS]
    if not query:
        return []
    wanted = tuple(k for k in (kinds or KINDS) if k in KINDS)
    current = help_index()
    reader = reader_for(member)
    matches = current.index.query(
        query,
        limit=limit * 2,
        kinds=wanted,
        allowed=_allowed(current.entries, reader, wanted),
    )
    candidates = [current.entries[m.id] for m in matches]
    visible = _still_there(candidates, reader)
    results = []
    for match, entry in zip(matches, candidates, strict=True):
        if entry.doc_id not in visible:
            continue
        results.append(
            HelpResult(
                kind=entry.kind,
                title=entry.title,
                url=entry.url,
                snippet=entry.snippet,
                score=match.score,
                locked=entry.kind == "lesson" and not entry.full_text,
            )
        )
        if len(results) >= limit:
            break
    return results
