"""Awarding throughput through the points consumer (issue #5: ≥ 1,000
activities/s on PostgreSQL), batched dispatch against the per-activity path in
the same run, for a realistic mix: a few thousand members of whom some are
very active (so daily caps bite), several verbs, reactions to others' and to
one's own posts, failed answers, check-ins, across three days.

    .venv/bin/python benchmarks/bench_awarding.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lyceum_bench \\
        .venv/bin/python benchmarks/bench_awarding.py        # PostgreSQL

Phases (each on members of its own, so a phase's caps and levels do not depend
on the others): the points consumer one activity at a time (the on-commit
path, the baseline) and in batches, on two mirrored member groups given the
same activities (the ledgers must come out identical); every consumer one at a
time and through the sweep (claims + batches); on PostgreSQL, the sweep in
several worker processes at once. Then the invariants: balances reconcile with
the ledger, the leaderboard histogram is exact, no daily cap is exceeded, and a
replay with the receipts deleted pays nothing."""

import json
import multiprocessing
import os
import random
import time
from contextlib import contextmanager
from datetime import timedelta

from harness import ROOT

GROUP = int(os.environ.get("BENCH_AWARDING_GROUP", "600"))  # members per phase
PER_ACTIVITY = int(os.environ.get("BENCH_AWARDING_PER_ACTIVITY", "1000"))
BATCHED = int(os.environ.get("BENCH_AWARDING_BATCHED", "6000"))
# Every consumer (some of them per activity) through the sweep.
SWEPT = int(os.environ.get("BENCH_AWARDING_SWEPT", "2000"))
BATCH = int(os.environ.get("BENCH_AWARDING_BATCH", "500"))
WORKERS = int(os.environ.get("BENCH_AWARDING_WORKERS", "2"))
PREFIX = "bench-aw-"
GROUPS = ("per_activity", "batched", "mirror", "all_one", "all_sweep", "parallel")
ZONES = ("UTC", "America/Los_Angeles", "Asia/Bangkok", "Europe/Berlin")
POINTS = "gamification.points"


def setup_django() -> None:
    """Django on the benchmark's database, migrated (the points rules and
    levels come from migrations); no demo content is needed here."""
    import sys

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # As on a live site, activities a consumer logs (a level earned) go to the
    # queue, not through every consumer inline in the awarding transaction's
    # thread: an in-process broker, drained by the sweep between phases.
    from config.celery import app

    app.conf.update(broker_url="memory://localhost/", task_always_eager=False)


def analyze() -> None:
    """Fresh planner statistics for the rows just logged (a live database
    has them; without, PostgreSQL may scan the ledger instead of its index)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE activity_activity, activity_consumerreceipt, "
                "gamification_pointsentry, gamification_pointsbalance, "
                "gamification_periodtotal, gamification_scorecount, "
                "gamification_membergameprofile, gamification_learningday"
            )


def make_members(run: str) -> dict[str, list[int]]:
    """Fresh members for this run, in mirrored groups: the member at one place
    in every group has the same time zone and the same opening balance (most
    have one, as on a live site), so mirrored groups pay alike."""
    from django.db import transaction
    from django.utils import timezone

    from gamification.models import MemberGameProfile, PointsBalance, PointsEntry
    from gamification.scoreboard import score_counts_move
    from members.models import User

    rng = random.Random(3)
    opening = [int(rng.paretovariate(1.2) * 20) if n % 5 else 0 for n in range(GROUP)]
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=f"{PREFIX}{run}-{n}", password="!")  # noqa: S106
            for n in range(GROUP * len(GROUPS))
        )
        MemberGameProfile.objects.bulk_create(
            MemberGameProfile(member=u, time_zone=ZONES[n % GROUP % len(ZONES)])
            for n, u in enumerate(users)
            if n % 3
        )
        funded = [(u, opening[n % GROUP]) for n, u in enumerate(users)]
        funded = [(u, points) for u, points in funded if points]
        PointsBalance.objects.bulk_create(
            PointsBalance(member=u, total=points, earned=points) for u, points in funded
        )
        PointsEntry.objects.bulk_create(
            PointsEntry(
                member=u,
                amount=points,
                kind=PointsEntry.Kind.ADJUSTMENT,
                reason="Benchmark opening balance",
                day=timezone.localdate(),
            )
            for u, points in funded
        )
        score_counts_move([("all", None, points) for _u, points in funded])
    ids = [u.pk for u in users]
    return {name: ids[i * GROUP : (i + 1) * GROUP] for i, name in enumerate(GROUPS)}


def activity_mix(seed: int, n: int) -> list[dict]:
    """n activities as (member index, verb, …) with indexes into a group:
    mirrored groups get the very same sequence."""
    rng = random.Random(seed)
    weights = [
        ("completed:lesson", 28),
        ("answered:ok", 22),
        ("answered:wrong", 8),
        ("liked", 14),
        ("liked:self", 2),
        ("replied", 8),
        ("checked-in", 6),
        ("passed:first", 4),
        ("passed:second", 2),
        ("completed:course", 2),
        ("accepted", 2),
        ("experienced", 2),  # no rule pays it
    ]
    kinds = [k for k, _w in weights]
    cum = [w for _k, w in weights]
    rows = []
    for _ in range(n):
        # Pareto-ish activity: a few members do a lot (and reach their caps).
        actor = min(int(rng.paretovariate(1.1)) - 1, GROUP - 1)
        actor = (actor * 7919) % GROUP  # spread the busy ones over the group
        other = rng.randrange(GROUP)
        rows.append(
            {
                "kind": rng.choices(kinds, cum)[0],
                "actor": actor,
                "other": other if other != actor else (other + 1) % GROUP,
                "hours_ago": rng.uniform(0, 72),
                "object": rng.randrange(1, 400),
            }
        )
    return rows


def make_activities(plan: list[dict], members: list[int], label: str, now) -> list[int]:
    """Log the plan for these members, `hours_ago` counted from `now` (the
    same for mirrored groups, or their days, hence caps, would differ)."""
    from activity.models import Activity

    run = f"{time.time():.6f}"
    acts = []
    for i, row in enumerate(plan):
        actor = members[row["actor"]]
        other = members[row["other"]]
        kind = row["kind"]
        verb, _sep, variant = kind.partition(":")
        fields = {"result": {}, "context": {}}
        if kind == "completed:lesson":
            object_type = "lesson"
        elif kind == "completed:course":
            object_type = "course"
        elif verb == "answered":
            object_type = "question"
            fields["result"] = {"success": variant == "ok"}
        elif verb == "liked":
            object_type = "post"
            fields["context"] = {"owner_id": actor if variant == "self" else other}
        elif verb == "replied":
            object_type = "post"
            fields["context"] = {"length": 40 + row["object"]}
        elif verb == "checked-in":
            object_type = "site"
        elif verb == "passed":
            object_type = "quiz"
            fields["result"] = {"success": True}
            fields["context"] = {"attempt": 1 if variant == "first" else 2}
        elif verb == "accepted":
            object_type = "answer"
            fields["context"] = {"owner_id": other}
        else:
            object_type = "lesson"
        acts.append(
            Activity(
                actor_id=actor,
                verb=verb,
                object_type=object_type,
                object_id=str(row["object"]),
                idempotency_key=f"bench-aw:{label}:{run}:{i}",
                timestamp=now - timedelta(hours=row["hours_ago"]),
                **fields,
            )
        )
    ids = [a.pk for a in Activity.objects.bulk_create(acts, batch_size=1000)]
    analyze()
    return ids


@contextmanager
def counting_queries():
    """Count statements without CaptureQueriesContext's bookkeeping."""
    from django.db import connection

    seen = {"n": 0}

    def count(execute, sql, params, many, context):
        seen["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield seen


def timed(fn, n: int) -> dict:
    with counting_queries() as seen:
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
    return {
        "activities": n,
        "seconds": round(elapsed, 3),
        "activities_per_s": round(n / elapsed, 1),
        "queries_per_activity": round(seen["n"] / n, 2),
    }


def dispatch_each(ids: list[int], only: str | None) -> None:
    from activity.services import activity_dispatch

    for activity_id in ids:
        activity_dispatch(activity_id=activity_id, only=only)


def dispatch_batched(ids: list[int], only: str | None) -> None:
    from activity.services import activity_dispatch_batch

    for first in range(0, len(ids), BATCH):
        activity_dispatch_batch(activity_ids=ids[first : first + BATCH], only=only)


def has_batches() -> bool:
    import activity.services

    return hasattr(activity.services, "activity_dispatch_batch")


def sweep_all() -> int:
    from activity.services import activity_sweep

    done = 0
    while True:
        swept = activity_sweep(grace_seconds=0, limit=100_000)
        done += swept
        if not swept:
            return done


def _sweep_in_child(_n: int) -> int:
    from django.db import connections

    connections.close_all()
    try:
        return sweep_all()
    finally:
        connections.close_all()


def ledger_of(members: list[int], ids: list[int]) -> list[tuple]:
    """The entries these activities wrote, with members as group indexes."""
    from gamification.models import PointsEntry

    index = {pk: i for i, pk in enumerate(members)}
    return sorted(
        (index[m], rule, day.isoformat(), amount, kind)
        for m, rule, day, amount, kind in PointsEntry.objects.filter(
            activity_id__in=ids
        ).values_list("member_id", "rule__name", "day", "amount", "kind")
    )


def caps_exceeded(members: list[int]) -> int:
    from django.db.models import F, Sum

    from gamification.models import PointsEntry

    return (
        PointsEntry.objects.filter(member_id__in=members, rule__daily_cap__isnull=False)
        .values("member_id", "rule_id", "day")
        .annotate(paid=Sum("amount"), cap=F("rule__daily_cap"))
        .filter(paid__gt=F("cap"))
        .count()
    )


def main() -> None:
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{ROOT / 'benchmarks' / '.bench.sqlite3-awarding'}"
    )
    setup_django()
    from django.db import connection, connections
    from django.db.models import Count
    from django.utils import timezone

    from activity.models import ConsumerReceipt
    from gamification.models import PointsEntry
    from gamification.scoreboard import score_counts_check
    from gamification.services import points_reconcile

    run = f"{time.time():.0f}"
    groups = make_members(run)
    out: dict = {
        "benchmark": "awarding",
        "database": connection.vendor,
        "batch_size": BATCH,
        "batched_dispatch": has_batches(),
        "drained_before": sweep_all(),  # leftovers of earlier runs
    }
    seed = int(time.time())
    now = timezone.now()

    # The points consumer: per activity (baseline) and batched, same mix.
    plan = activity_mix(seed, PER_ACTIVITY)
    one = make_activities(plan, groups["per_activity"], "one", now)
    out["points_per_activity"] = timed(lambda: dispatch_each(one, POINTS), len(one))
    if has_batches():
        mirrored = make_activities(plan, groups["mirror"], "mirror", now)
        out["points_batched_mirror"] = timed(
            lambda: dispatch_batched(mirrored, POINTS), len(mirrored)
        )
        out["batched_ledger_equals_per_activity"] = ledger_of(
            groups["per_activity"], one
        ) == ledger_of(groups["mirror"], mirrored)
        many = make_activities(
            activity_mix(seed + 1, BATCHED), groups["batched"], "b", now
        )
        out["points_batched"] = timed(lambda: dispatch_batched(many, POINTS), len(many))
        out["ratio_points_batched_to_per_activity"] = round(
            out["points_batched"]["activities_per_s"]
            / out["points_per_activity"]["activities_per_s"],
            1,
        )
        # The last guard: receipts gone (as if lost), the batch pays nothing.
        replay = many[:BATCH]
        paid_before = PointsEntry.objects.filter(activity_id__in=replay).count()
        ConsumerReceipt.objects.filter(activity_id__in=replay, consumer=POINTS).delete()
        dispatch_batched(replay, POINTS)
        out["replay_without_receipts_new_entries"] = (
            PointsEntry.objects.filter(activity_id__in=replay).count() - paid_before
        )
    out["drained_points_only_leftovers"] = sweep_all()

    # Every consumer (points, streaks, presence, …): per activity and swept.
    plan = activity_mix(seed + 2, PER_ACTIVITY)
    one = make_activities(plan[: PER_ACTIVITY // 2], groups["all_one"], "all-one", now)
    out["all_consumers_per_activity"] = timed(
        lambda: dispatch_each(one, None), len(one)
    )
    swept = make_activities(
        activity_mix(seed + 3, SWEPT), groups["all_sweep"], "all-sweep", now
    )
    result = {}
    out["all_consumers_sweep"] = timed(
        lambda: result.setdefault("n", sweep_all()), len(swept)
    )
    out["all_consumers_sweep"]["swept"] = result["n"]

    if connection.vendor == "postgresql":
        ids = make_activities(
            activity_mix(seed + 4, SWEPT), groups["parallel"], "parallel", now
        )
        connections.close_all()  # children must not share the parent's socket
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
            swept_by = pool.map(_sweep_in_child, range(WORKERS))
        elapsed = time.perf_counter() - start
        out[f"all_consumers_sweep_{WORKERS}_workers"] = {
            "activities": len(ids),
            "seconds": round(elapsed, 3),
            "activities_per_s": round(len(ids) / elapsed, 1),
            "swept_by_each": swept_by,
        }

    members = [m for name in GROUPS for m in groups[name]]
    out["invariants"] = {
        "reconcile_mismatches": len(points_reconcile()),
        "leaderboard_count_mismatches": len(score_counts_check()),
        "daily_caps_exceeded": caps_exceeded(members),
        "entries_per_activity_and_rule_max": (
            PointsEntry.objects.filter(member_id__in=members, activity__isnull=False)
            .values("activity_id", "rule_id")
            .order_by()
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("n", flat=True)
            .first()
        ),
    }
    out["targets"] = {"activities_per_s_postgresql": 1000}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
