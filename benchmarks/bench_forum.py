"""Forum: a 1,000-post topic (first and last page) and its board page, for a
visitor and a signed-in member, against the article baseline in the same run.

    .venv/bin/python benchmarks/bench_forum.py                     # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lyceum_bench \\
        .venv/bin/python benchmarks/bench_forum.py                 # PostgreSQL

Targets (issue #4): ≤ 12 queries per topic or board page, whatever the number
of posts and reactions; no write on a plain read; faster than Spirit's ~36 ms
median for a member. The topic is created once (bulk, deterministic)."""

import json
import os

from harness import ROOT, article_baseline, count_queries, get_ok, setup_django, timings

POSTS = int(os.environ.get("BENCH_FORUM_POSTS", "1000"))
REACTORS = 3
RUNS = 100
TITLE = f"Benchmark: a {POSTS}-post topic"

BODY = (
    "Here is how I would do it, with a **short** explanation and some code:\n\n"
    "```python\nfor row in rows:\n    total += row.amount\n```\n\n"
    "See [the docs](https://docs.python.org/3/) for more."
)


def ensure_topic():
    from django.db import transaction
    from django.utils import timezone

    from core.markdown import markdown_to_html
    from forum.models import Board, Post, Reaction, Topic
    from members.models import User

    board, _ = Board.objects.get_or_create(
        slug="bench-forum", defaults={"name": "Benchmark board", "position": 99}
    )
    topic = Topic.objects.filter(board=board, title=TITLE).first()
    if topic is not None:
        return topic
    with transaction.atomic():
        members = []
        for n in range(REACTORS + 1):
            member, _ = User.objects.get_or_create(
                username=f"bench-forum-{n}",
                defaults={"email": f"bench-forum-{n}@example.org"},
            )
            members.append(member)
        now = timezone.now()
        topic = Topic.objects.create(
            board=board,
            author=members[0],
            title=TITLE,
            kind=Topic.Kind.QUESTION,
            reply_count=POSTS - 1,
            created_at=now,
            last_activity_at=now,
        )
        html = markdown_to_html(BODY)
        posts = Post.objects.bulk_create(
            Post(
                topic=topic,
                number=n,
                author=members[n % len(members)],
                body_markdown=BODY,
                body_html=html,
                created_at=now,
            )
            for n in range(1, POSTS + 1)
        )
        Reaction.objects.bulk_create(
            Reaction(post=post, member=member, kind=kind)
            for post in posts
            for member in members[1:]
            if member.pk != post.author_id
            for kind in ("like", "helpful")
        )
        topic.accepted_post = posts[POSTS // 2]
        topic.save(update_fields=["accepted_post"])
    return topic


def writes_on_read(fetch) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fetch()
    return sum(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for q in captured.captured_queries
    )


def measure(client, url: str) -> dict:
    fetch = get_ok(client, url)
    fetch()  # first request creates per-site settings rows
    result = timings(fetch, runs=RUNS)
    result["queries"] = count_queries(fetch)
    result["writes"] = writes_on_read(fetch)
    return result


def main() -> None:
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{ROOT / 'benchmarks' / '.bench.sqlite3-forum'}"
    )
    setup_django()
    from django.test import Client

    from forum.selectors import POSTS_PER_PAGE
    from members.models import User

    topic = ensure_topic()
    last_page = (POSTS - 1) // POSTS_PER_PAGE + 1
    anonymous = Client()
    member = Client()
    member.force_login(User.objects.get(username="bench-forum-1"))
    article = article_baseline(anonymous, runs=RUNS)
    url = topic.get_absolute_url()
    results = {
        "topic_first_anonymous": measure(anonymous, url),
        "topic_first_member": measure(member, url),
        "topic_last_member": measure(member, f"{url}?page={last_page}"),
        "board_member": measure(member, topic.board.get_absolute_url()),
    }
    print(
        json.dumps(
            {
                "benchmark": "forum",
                "posts": POSTS,
                "reactions_per_post": REACTORS * 2,
                "database": os.environ["DATABASE_URL"].split(":", 1)[0],
                "baseline_article": article,
                **results,
                **{
                    f"ratio_{name}_to_article": round(
                        value["median_ms"] / article["median_ms"], 3
                    )
                    for name, value in results.items()
                },
            }
        )
    )


if __name__ == "__main__":
    main()
