"""The points and streak consumers' batch handlers leave exactly what their
per-activity handlers leave when given the same activities one at a time:
the same entries (caps, once-per-object, self-reactions, voided before and
after payment), balances, period totals, levels and streaks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Activity
from activity.services import activity_dispatch, activity_dispatch_batch
from gamification.models import (
    LearningDay,
    MemberGameProfile,
    PeriodTotal,
    PointsBalance,
    PointsEntry,
)
from gamification.scoreboard import score_counts_check
from gamification.services import points_reconcile

from .conftest import at, make_activity, make_member

pytestmark = pytest.mark.django_db

CONSUMERS = ("gamification.points", "gamification.streaks")
ZONES = (None, "America/Los_Angeles", "Asia/Bangkok", None, "Europe/Berlin")
DAY = at("2026-11-23 12:00")


def script():
    """Two phases of (actor, verb, object type, fields) with members as
    indexes 0-4; ("void", n) voids the activity of step n. Each phase is
    logged, then dispatched: a void in the second phase reverses a payment
    of the first; one logged with its activity is never paid."""
    first = []
    # 25 correct answers in one day: the cap (40 at 2) pays 20 of them.
    for i in range(25):
        first.append((0, "answered", "question", {"result": {"success": True}}))
        if i == 3:
            first.append((0, "answered", "question", {"result": {"success": False}}))
    first.append((0, "answered", "question", {"result": {"success": True}, "day": 1}))
    # 22 reactions to member 2's posts: capped at 20.
    liked = len(first)
    for _ in range(22):
        first.append((1, "liked", "post", {"owner": 2}))
    first.append((1, "accepted", "answer", {"owner": 0}))
    first.append((0, "accepted", "answer", {"owner": 0}))  # one's own: nothing
    # Once per object: reviewing course 7 twice pays once.
    for course in ("7", "7", "8"):
        first.append((2, "rated", "course", {"object_id": course}))
    # 150 points in three courses: two levels crossed, each logged once.
    for _ in range(3):
        first.append((3, "completed", "course", {}))
    # Check-ins around midnight in three time zones, and quizzes.
    for hour in ("07:30", "08:30"):
        for member in (1, 2, 3):
            first.append((member, "checked-in", "site", {"at": f"2026-11-23 {hour}"}))
    first.append(
        (4, "passed", "quiz", {"result": {"success": True}, "context": {"attempt": 1}})
    )
    first.append(
        (4, "passed", "quiz", {"result": {"success": True}, "context": {"attempt": 2}})
    )
    # Learning on several days: a gap, a late day.
    for day in (0, 1, 3, 2, 1):
        first.append((4, "completed", "lesson", {"day": day}))
    second = [
        # A paid reaction is voided (a reversal), which makes room under the
        # cap for one more; a reaction to oneself pays nobody.
        ("void", liked + 17),
        (3, "liked", "post", {"owner": 2}),
        (3, "liked", "post", {"owner": 3}),
        # Voided before it was paid: never pays.
        (4, "completed", "lesson", {}),
        ("void", len(first) + 3),
        (1, "replied", "post", {"context": {"length": 100}, "day": 1}),
        (1, "replied", "post", {"context": {"length": 20}, "day": 2}),
    ]
    return [first, second]


def log(members: list, steps: list, done: list[Activity]) -> list[Activity]:
    logged = []
    for step in steps:
        n = len(done) + len(logged)
        if step[0] == "void":
            target = (done + logged)[step[1]]
            activity = make_activity(
                members[0],
                "voided",
                "activity",
                object_id=str(target.pk),
                timestamp=target.timestamp + timedelta(minutes=5),
            )
        else:
            actor, verb, object_type, fields = step
            kwargs = {
                "result": fields.get("result", {}),
                "context": dict(fields.get("context", {})),
                "timestamp": DAY + timedelta(days=fields.get("day", 0), seconds=n),
            }
            if "at" in fields:
                kwargs["timestamp"] = at(fields["at"])
            if "owner" in fields:
                kwargs["context"]["owner_id"] = members[fields["owner"]].pk
            if "object_id" in fields:
                kwargs["object_id"] = fields["object_id"]
            activity = make_activity(members[actor], verb, object_type, **kwargs)
        logged.append(activity)
    return logged


def state(members: list, activities: list[Activity]) -> dict:
    """Everything the consumers wrote, with members and activities as their
    index in the group and the script."""
    who = {m.pk: i for i, m in enumerate(members)}
    step = {a.pk: i for i, a in enumerate(activities)}
    entries = PointsEntry.objects.filter(member__in=members)
    return {
        "ledger": sorted(
            (who[m], step.get(a), rule, day, amount, kind, rev is not None)
            for m, a, rule, day, amount, kind, rev in entries.values_list(
                "member_id",
                "activity_id",
                "rule__name",
                "day",
                "amount",
                "kind",
                "reverses_id",
            )
        ),
        "balances": sorted(
            (who[m], total, earned)
            for m, total, earned in PointsBalance.objects.filter(
                member__in=members
            ).values_list("member_id", "total", "earned")
        ),
        "periods": sorted(
            (who[m], period, start, total)
            for m, period, start, total in PeriodTotal.objects.filter(
                member__in=members
            ).values_list("member_id", "period", "start", "total")
        ),
        "levels": sorted(
            (who[m], level)
            for m, level in Activity.objects.filter(
                actor__in=members, verb="earned"
            ).values_list("actor_id", "object_id")
        ),
        "streaks": sorted(
            (who[m], *rest)
            for m, *rest in MemberGameProfile.objects.filter(
                member__in=members
            ).values_list(
                "member_id",
                "streak_current",
                "streak_longest",
                "streak_last_day",
                "freezes_held",
            )
        ),
        "learning_days": sorted(
            (who[m], day, frozen)
            for m, day, frozen in LearningDay.objects.filter(
                member__in=members
            ).values_list("member_id", "day", "frozen")
        ),
    }


def group() -> list:
    return [make_member(time_zone=zone) for zone in ZONES]


def test_a_batch_pays_exactly_what_one_at_a_time_pays(default_rules):
    one_by_one, batched = group(), group()
    MemberGameProfile.objects.filter(member__in=[one_by_one[4], batched[4]]).update(
        freezes_held=1
    )
    first, second = [], []
    for steps in script():
        logged = log(one_by_one, steps, first)
        for activity in logged:
            for name in CONSUMERS:
                activity_dispatch(activity_id=activity.pk, only=name)
        first += logged
        logged = log(batched, steps, second)
        for name in CONSUMERS:
            activity_dispatch_batch(activity_ids=[a.pk for a in logged], only=name)
        second += logged

    expected = state(one_by_one, first)
    assert state(batched, second) == expected
    assert points_reconcile() == []
    assert score_counts_check() == []

    # And what both paid is right, not merely alike: member 0 — 20 answers
    # under the cap, one the next day, an answer accepted by member 1 (their
    # own accepted answer pays nothing); 1 — check-ins on two days (Los
    # Angeles), two replies; 2 — 20 reactions (cap), one reversed, one more
    # let in by it, a review per course, one check-in (Bangkok: one day);
    # 3 — three courses, one check-in, no self-reaction; 4 — a first-try quiz
    # and five lessons, not the voided one.
    balances = {i: total for i, total, _earned in expected["balances"]}
    assert balances == {0: 67, 1: 12, 2: 31, 3: 151, 4: 70}
    assert expected["levels"] == [(0, "2"), (3, "2"), (3, "3"), (4, "2")]
    reversals = [row for row in expected["ledger"] if row[5] == "reversal"]
    assert [(row[0], row[4]) for row in reversals] == [(2, -1)]
    assert len([row for row in expected["ledger"] if row[0] == 4]) == 6
    # Member 4 learned on days 0, 1, 3, then 2 (late: the freeze that covered
    # it comes back) and 1 again: four days in a row, the freeze held.
    streak = next(row for row in expected["streaks"] if row[0] == 4)
    assert streak[1:] == (4, 4, (DAY + timedelta(days=3)).date(), 1)


def test_awarding_a_batch_costs_the_same_queries_for_10_or_40_activities(
    default_rules,
):
    def cost(n: int) -> int:
        members = [make_member() for _ in range(n)]
        ids = [
            make_activity(m, "answered", "question", result={"success": True}).pk
            for m in members
        ]
        with CaptureQueriesContext(connection) as captured:
            activity_dispatch_batch(activity_ids=ids, only="gamification.points")
        assert PointsEntry.objects.filter(activity_id__in=ids).count() == n
        return len(captured.captured_queries)

    cost(5)  # the rules and levels are read once per process
    assert cost(10) == cost(40)
