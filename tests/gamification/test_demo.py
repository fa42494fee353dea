import pytest

from activity.models import ConsumerReceipt
from gamification.demo import seed_gamification
from gamification.models import (
    LearningDay,
    MemberGameProfile,
    PointsBalance,
    PointsEntry,
)
from gamification.selectors import leaderboard, streak_status
from gamification.services import points_reconcile

from .conftest import at, make_activity, make_member

pytestmark = pytest.mark.django_db

NOW = at("2026-11-23 12:00")


@pytest.fixture
def learners():
    people = [make_member(username=name) for name in ("linh", "jonas", "mei")]
    # What the courses demo leaves behind: activities not yet dispatched.
    for n, person in enumerate(people):
        for _ in range(n + 1):
            make_activity(
                person, "completed", "lesson", timestamp=at("2026-11-23 09:00")
            )
        make_activity(
            person,
            "passed",
            "quiz",
            result={"success": True},
            context={"attempt": 1},
            timestamp=at("2026-11-23 09:30"),
        )
    return people


def snapshot():
    return (
        list(PointsBalance.objects.order_by("pk").values_list("member_id", "total")),
        PointsEntry.objects.count(),
        LearningDay.objects.count(),
        list(
            MemberGameProfile.objects.order_by("pk").values_list(
                "member_id", "streak_current", "freezes_held", "time_zone"
            )
        ),
    )


def test_demo_points_come_from_replayed_activities_and_streaks_look_alive(learners):
    counts = seed_gamification(learners=learners, now=NOW)
    linh, jonas, mei = learners
    # 10 a lesson, 20 for the quiz, 1 a day checked in.
    assert PointsBalance.objects.get(member=linh).total == 10 + 20 + 10
    assert PointsBalance.objects.get(member=mei).total == 30 + 20 + 14
    assert counts["check_ins"] == 10 + 4 + 14
    assert ConsumerReceipt.objects.filter(consumer="gamification.points").count() > 0
    assert points_reconcile() == []
    # Mei has 21 days of history and learned today.
    status = streak_status(member=mei, now=NOW)
    assert (status.current, status.learned_today, status.freezes_held) == (22, True, 2)
    assert MemberGameProfile.objects.get(member=linh).time_zone == "Asia/Ho_Chi_Minh"
    board = leaderboard(member=jonas, period="week", now=NOW)
    assert [row.name for row in board.top] == ["mei", "jonas", "linh"]


def test_seeding_again_changes_nothing(learners):
    seed_gamification(learners=learners, now=NOW)
    before = snapshot()
    counts = seed_gamification(learners=learners, now=NOW)
    assert counts == {"consumer_runs": 0, "check_ins": 0}
    assert snapshot() == before


def test_profiles_created_by_earlier_dispatch_still_get_their_demo_zone(learners):
    from activity.models import Activity
    from activity.services import activity_dispatch

    # seed_demo's courses step dispatches on commit, before this seed runs.
    for activity in Activity.objects.filter(actor=learners[0]):
        activity_dispatch(activity_id=activity.pk)
    assert MemberGameProfile.objects.get(member=learners[0]).time_zone == "UTC"
    seed_gamification(learners=learners, now=NOW)
    profile = MemberGameProfile.objects.get(member=learners[0])
    assert (profile.time_zone, profile.freezes_held) == ("Asia/Ho_Chi_Minh", 1)
