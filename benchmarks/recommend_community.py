"""Offline evaluation of the recommender on a seeded community, through the
site's own read path, and the serving time of a stored list.

The community (seeded, `--seed`): a catalogue of 8 topics × 5 courses (levels
beginner → advanced) × 6 lessons, 2 events per course, one board per course
and one group per topic; `--members` learners (default 1,500). Each learner
has one or two favourite topics (topic popularity is Zipf-like) and works like
members do on the site: registers for a course in a favourite topic (usually
the next level of the last one taken in that topic, sometimes another topic),
launches and completes its lessons in order (stopping early with probability
0.25 after each), now and then attends one of the course's events, follows or
replies in its board, joins the topic's group. Every action is written as an
`Activity` row (the verbs, object types and contexts the courses and forum
services record) into this benchmark's own SQLite database
(benchmarks/.bench_recommend.sqlite3, migrated on first use).

The evaluation then reads those rows with the site's reader
(`paths.recommendations._evidence_query` / `_evidence_rows`, the same code the
nightly fit uses), builds item content with the site's token scheme (skills,
topic, city), and runs `paths.engine.recommend_eval.evaluate_triples`
(leave-last-out, served "full" ranking vs popularity and random). Floor:
NDCG@10 ≥ 1.2 × popularity.

Serving: each of 200 members gets a stored list (`Recommendation` rows, 8
kinds × 5) and `paths.recommendations.recommendations_for` (one query) is
timed; target ≤ 20 ms median. Prints one JSON object.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{ROOT / 'benchmarks' / '.bench_recommend.sqlite3'}"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

TOPICS, LEVELS, LESSONS, EVENTS = 8, 5, 6, 2
PREFIX = "benchrec-"
TARGET_RATIO = 1.2
TARGET_SERVE_MS = 20


def catalogue():
    """Item key → tokens, with the site's scheme; and the structure."""
    items, courses = {}, {}
    lesson_id = event_id = 1
    for t in range(TOPICS):
        for level in range(LEVELS):
            course = t * LEVELS + level + 1
            skills = [f"skill:{course * 2}", f"skill:{course * 2 + 1}"]
            topic = f"topic:{t + 1}"
            items[f"course:{course}"] = skills + [topic]
            lessons = []
            for n in range(LESSONS):
                items[f"lesson:{lesson_id}"] = [skills[n % 2], topic]
                lessons.append(lesson_id)
                lesson_id += 1
            events = []
            for _ in range(EVENTS):
                city = "format:online" if event_id % 2 else "city:hanoi"
                items[f"event:{event_id}"] = skills + [topic, city]
                events.append(event_id)
                event_id += 1
            items[f"board:{course}"] = skills + [topic]
            courses[course] = {"topic": t, "lessons": lessons, "events": events}
        items[f"group:{t + 1}"] = [f"topic:{t + 1}"]
    return items, courses


def community(rng: random.Random, n_members: int, courses: dict):
    """Per member, their actions as (verb, object_type, object_id, context)."""
    weights = [1.0 / (t + 1) ** 0.8 for t in range(TOPICS)]
    by_topic = {
        t: [c for c, info in courses.items() if info["topic"] == t]
        for t in range(TOPICS)
    }
    members = []
    for _ in range(n_members):
        favourites = rng.choices(range(TOPICS), weights=weights, k=rng.choice([1, 2]))
        progress = {t: rng.choice([0, 0, 0, 1]) for t in range(TOPICS)}
        actions = []
        for _course_n in range(rng.choice([1, 1, 2, 2, 3, 4])):
            if rng.random() < 0.15:
                topic = rng.choices(range(TOPICS), weights=weights)[0]
            else:
                topic = rng.choice(favourites)
            level = min(progress[topic], LEVELS - 1)
            progress[topic] = level + 1
            course = by_topic[topic][level]
            info = courses[course]
            actions.append(("registered", "course", course, {}))
            if rng.random() < 0.4:
                actions.append(("joined", "group", topic + 1, {}))
            for lesson in info["lessons"]:
                actions.append(("launched", "lesson", lesson, {}))
                actions.append(("completed", "lesson", lesson, {}))
                if rng.random() < 0.25:
                    break
            if rng.random() < 0.3:
                actions.append(("attended", "event", rng.choice(info["events"]), {}))
            if rng.random() < 0.35:
                verb = rng.choice(["followed", "replied"])
                if verb == "followed":
                    actions.append(("followed", "board", course, {}))
                else:
                    actions.append(
                        ("replied", "post", rng.randrange(10**6), {"board_id": course})
                    )
        members.append(actions)
    return members


def write_community(members) -> list[int]:
    """The community as users and Activity rows (replacing an earlier run's)."""
    from django.contrib.auth import get_user_model

    from activity.models import Activity

    User = get_user_model()
    User.objects.filter(username__startswith=PREFIX).delete()
    users = User.objects.bulk_create(
        User(username=f"{PREFIX}{i}", email=f"{PREFIX}{i}@example.org")
        for i in range(len(members))
    )
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    rows = []
    for user, actions in zip(users, members, strict=True):
        when = start
        for n, (verb, object_type, object_id, context) in enumerate(actions):
            when += datetime.timedelta(hours=1 + n % 5)
            rows.append(
                Activity(
                    actor_id=user.pk,
                    verb=verb,
                    object_type=object_type,
                    object_id=str(object_id),
                    context=context,
                    timestamp=when,
                    idempotency_key=f"{PREFIX}{user.pk}:{n}",
                    dispatched_at=when,
                )
            )
    Activity.objects.bulk_create(rows, batch_size=5000)
    return [u.pk for u in users]


def read_triples(member_ids: list[int]):
    """(member, item key, time) through the site's reader of the log."""
    from paths.recommendations import _evidence_query, _evidence_rows

    since = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    rows = (
        _evidence_query(since)
        .filter(actor_id__in=member_ids)
        .values_list(
            "actor_id",
            "verb",
            "object_type",
            "object_id",
            "context__board_id",
            "timestamp",
        )
        .order_by("timestamp", "pk")
    )
    triples = []
    for row in rows.iterator(chunk_size=5000):
        for member, key in _evidence_rows([row[:5]]):
            triples.append((member, key, row[5].timestamp()))
    return triples


def serving(member_ids: list[int], rng: random.Random) -> dict:
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from paths.models import Recommendation, RecommendationKind
    from paths.recommendations import recommendations_for

    sample = member_ids[:200]
    Recommendation.objects.filter(member_id__in=member_ids).delete()
    Recommendation.objects.bulk_create(
        (
            Recommendation(
                member_id=pk,
                kind=kind,
                item_id=rank + 1,
                title=f"Item {rank}",
                url="/x/",
                score=1.0 / (rank + 1),
                rank=rank + 1,
                reason={"kind": "popular"},
                level="full",
            )
            for pk in sample
            for kind in RecommendationKind.values
            for rank in range(5)
        ),
        batch_size=5000,
    )
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.filter(pk__in=sample))
    for user in users[:10]:
        recommendations_for(user)  # warm-up
    times = []
    for user in rng.sample(users, len(users)):
        started = time.perf_counter()
        rows = recommendations_for(user)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        recommendations_for(users[0])
    times.sort()
    return {
        "db_serve_ms_median": round(statistics.median(times), 3),
        "db_serve_ms_p95": round(times[int(len(times) * 0.95) - 1], 3),
        "db_serve_queries": len(queries),
        "db_serve_rows": len(rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--kinds",
        default="",
        help="evaluate on these item kinds only, e.g. 'course' (default: all)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from paths.engine.recommend import build_content_model
    from paths.engine.recommend_eval import evaluate_triples

    rng = random.Random(args.seed)
    items, courses = catalogue()
    member_ids = write_community(community(rng, args.members, courses))
    triples = read_triples(member_ids)
    kinds = {k for k in args.kinds.split(",") if k}
    if kinds:
        triples = [t for t in triples if t[1].split(":", 1)[0] in kinds]

    def item_content(item_ids):
        return build_content_model([items[str(i)] for i in item_ids])

    result = evaluate_triples(triples, item_content=item_content, seed=args.seed)
    ratio = result["ndcg10"] / max(result["ndcg10_popularity"], 1e-9)
    out = {
        "data": "seeded community (benchmarks/recommend_community.py)",
        "members": args.members,
        "kinds": sorted(kinds) or "all",
        "items": len(items),
        "activities": len(triples),
        **result,
        "ndcg10_ratio_to_popularity": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio >= TARGET_RATIO,
        **serving(member_ids, rng),
        "target_serve_ms": TARGET_SERVE_MS,
        "total_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
