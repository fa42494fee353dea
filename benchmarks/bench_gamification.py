"""Gamification: a member's leaderboard rank among 100k members (all time and
this week) and awarding throughput through the points consumer.

    .venv/bin/python benchmarks/bench_gamification.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lyceum_bench \\
        .venv/bin/python benchmarks/bench_gamification.py        # PostgreSQL

Targets (issue #5): rank ≤ 5 ms median; ≥ 1,000 activities/s on PostgreSQL.
The 100k members are created once (bulk, deterministic) and reused."""

import json
import multiprocessing
import os
import random
import time

from harness import ROOT, article_baseline, count_queries, get_ok, setup_django, timings

MEMBERS = int(os.environ.get("BENCH_GAMIFICATION_MEMBERS", "100000"))
ACTIVITIES = int(os.environ.get("BENCH_GAMIFICATION_ACTIVITIES", "3000"))
RANK_RUNS = 300
PREFIX = "bench-gam-"


def ensure_members() -> list[int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from gamification.models import PeriodTotal, PointsBalance, PointsEntry
    from gamification.periods import period_start
    from gamification.scoreboard import score_counts_check
    from members.models import User

    existing = User.objects.filter(username__startswith=PREFIX).count()
    if existing < MEMBERS:
        rng = random.Random(5)
        week = period_start("week", timezone.now())
        month = period_start("month", timezone.now())
        batch = 5000
        for first in range(existing, MEMBERS, batch):
            with transaction.atomic():
                users = User.objects.bulk_create(
                    User(username=f"{PREFIX}{n}", password="!")  # noqa: S106
                    for n in range(first, min(first + batch, MEMBERS))
                )
                listed = [rng.random() > 0.05 for _ in users]
                earned = [int(rng.paretovariate(1.2) * 20) for _ in users]
                PointsBalance.objects.bulk_create(
                    PointsBalance(member=u, total=e, earned=e, listed=ls)
                    for u, e, ls in zip(users, earned, listed, strict=True)
                )
                PeriodTotal.objects.bulk_create(
                    PeriodTotal(
                        member=u, period=period, start=start, total=e // 7, listed=ls
                    )
                    for u, e, ls in zip(users, earned, listed, strict=True)
                    if e % 5 < 3  # about 60 % were active this week
                    for period, start in (("week", week), ("month", month))
                )
    opening = "Benchmark opening balance"
    if not PointsEntry.objects.filter(reason=opening).exists():
        # The ledger must agree with the balances (points_reconcile runs last).
        today = timezone.localdate()
        rows = PointsBalance.objects.filter(
            member__username__startswith=PREFIX
        ).values_list("member_id", "earned")
        PointsEntry.objects.bulk_create(
            (
                PointsEntry(
                    member_id=member_id,
                    amount=earned,
                    kind=PointsEntry.Kind.ADJUSTMENT,
                    reason=opening,
                    day=today,
                )
                for member_id, earned in rows.iterator()
            ),
            batch_size=5000,
        )
    score_counts_check(fix=True)  # rows above were written directly
    if connection.vendor == "postgresql":
        # Fresh statistics and visibility map: counts become index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return list(
        User.objects.filter(username__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def bench_rank(member_ids: list[int]) -> dict:
    from gamification.selectors import leaderboard, leaderboard_position
    from members.models import User

    rng = random.Random(7)
    sample = [User(pk=pk) for pk in rng.sample(member_ids, RANK_RUNS + 10)]
    out = {}
    for period in ("all", "week"):
        queue = iter(sample)
        out[f"rank_{period}"] = timings(
            lambda period=period, queue=queue: leaderboard_position(
                member=next(queue), period=period
            ),
            runs=RANK_RUNS,
            warmup=5,
        )
    member = User.objects.get(pk=sample[0].pk)
    out["leaderboard_selector_week"] = timings(
        lambda: leaderboard(member=member, period="week"), runs=100
    )
    out["leaderboard_selector_week"]["queries"] = count_queries(
        lambda: leaderboard(member=member, period="week")
    )
    return out


def _dispatch_slice(ids: list[int]) -> None:
    from django.db import connections

    from activity.services import activity_dispatch

    connections.close_all()
    for activity_id in ids:
        activity_dispatch(activity_id=activity_id, only="gamification.points")
    connections.close_all()


def bench_awarding(member_ids: list[int]) -> dict:
    from django.db import connections
    from django.utils import timezone

    from activity.models import Activity
    from activity.services import activity_dispatch
    from gamification.models import PointsEntry
    from gamification.scoreboard import score_counts_check
    from gamification.services import points_reconcile

    rng = random.Random(11)
    run = f"{time.time():.6f}"
    actors = rng.sample(member_ids, 500)
    now = timezone.now()

    def make(n: int, label: str) -> list[int]:
        acts = Activity.objects.bulk_create(
            Activity(
                actor_id=actors[i % len(actors)],
                verb="completed",
                object_type="lesson",
                object_id=str(i),
                idempotency_key=f"bench:{label}:{run}:{i}",
                timestamp=now,
            )
            for i in range(n)
        )
        return [a.pk for a in acts]

    results = {}
    for label, only in (
        ("points_consumer", "gamification.points"),
        ("all_consumers", None),
    ):
        ids = make(ACTIVITIES, label)
        start = time.perf_counter()
        for activity_id in ids:
            activity_dispatch(activity_id=activity_id, only=only)
        elapsed = time.perf_counter() - start
        results[label] = {
            "activities": len(ids),
            "seconds": round(elapsed, 3),
            "activities_per_s": round(len(ids) / elapsed, 1),
        }
    # Celery scales by workers: the same work split over worker processes
    # (PostgreSQL only: SQLite has one writer at a time).
    if connections["default"].vendor == "postgresql":
        workers = int(os.environ.get("BENCH_GAMIFICATION_WORKERS", os.cpu_count() or 2))
        ids = make(ACTIVITIES, "parallel")
        connections.close_all()  # children must not share the parent's socket
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_dispatch_slice, [ids[i::workers] for i in range(workers)])
        elapsed = time.perf_counter() - start
        results[f"points_consumer_{workers}_workers"] = {
            "activities": len(ids),
            "seconds": round(elapsed, 3),
            "activities_per_s": round(len(ids) / elapsed, 1),
            "paid": PointsEntry.objects.filter(activity_id__in=ids).count(),
        }
    results["replay_pays_nothing_twice"] = {
        "ran": sum(
            len(activity_dispatch(activity_id=pk, only="gamification.points"))
            for pk in ids[:200]
        )
    }
    results["reconcile_mismatches"] = len(points_reconcile())
    results["leaderboard_count_mismatches"] = len(score_counts_check())
    return results


def main() -> None:
    # 100k extra members would skew the other benchmarks: SQLite runs use a
    # database file of their own.
    os.environ.setdefault(
        "DATABASE_URL",
        f"sqlite:///{ROOT / 'benchmarks' / '.bench.sqlite3-gamification'}",
    )
    setup_django()
    from django.db import connection
    from django.test import Client

    from members.models import User

    anonymous = Client()
    article = article_baseline(anonymous, runs=100)
    started = time.perf_counter()
    member_ids = ensure_members()
    setup_seconds = round(time.perf_counter() - started, 1)

    rank = bench_rank(member_ids)

    client = Client()
    client.force_login(User.objects.get(pk=member_ids[len(member_ids) // 2]))
    page_fetch = get_ok(client, "/leaderboard/?period=week")
    page = timings(page_fetch, runs=100)
    page["queries"] = count_queries(page_fetch)

    awarding = bench_awarding(member_ids)
    print(
        json.dumps(
            {
                "benchmark": "gamification",
                "database": connection.vendor,
                "members": len(member_ids),
                "member_setup_seconds": setup_seconds,
                "baseline_article": article,
                **rank,
                "leaderboard_page_week": page,
                "ratio_leaderboard_page_to_article": round(
                    page["median_ms"] / article["median_ms"], 3
                ),
                "awarding": awarding,
                "targets": {"rank_median_ms": 5, "activities_per_s_postgresql": 1000},
            }
        )
    )


if __name__ == "__main__":
    main()
