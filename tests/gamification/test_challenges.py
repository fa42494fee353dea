"""Challenges: progress inside the window (time zones included), completing
once with the reward, the course audience, and the page."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_dispatch
from courses.models import Enrollment
from gamification.badge_models import BadgeAward, BadgeClass
from gamification.challenge_models import ChallengeCompletion
from gamification.challenges import (
    challenge_complete,
    challenge_goal,
    challenges_overview,
)
from gamification.goals import goal_count
from gamification.models import PointsBalance, PointsEntry
from gamification.services import points_reconcile
from tests.courses.conftest import make_course

from .badge_builders import make_badge, make_challenge
from .conftest import make_member, record

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def progress(challenge, member) -> int:
    return goal_count(
        member_id=member.pk,
        goal=challenge_goal(challenge),
        since=challenge.starts_at,
        until=challenge.ends_at,
    )


def test_only_activities_inside_the_window_count(member):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    challenge = make_challenge(
        starts_at=start, ends_at=start + timedelta(days=7), goal=3
    )
    second = timedelta(seconds=1)
    record(member, "completed", "lesson", timestamp=start - second)  # too early
    record(member, "completed", "lesson", timestamp=start)  # the first moment
    record(member, "completed", "lesson", timestamp=challenge.ends_at - second)
    record(member, "completed", "lesson", timestamp=challenge.ends_at)  # too late
    record(member, "completed", "course", timestamp=start + second)  # other type
    assert progress(challenge, member) == 2
    assert not ChallengeCompletion.objects.exists()


def test_a_window_set_in_paris_time_holds_for_a_member_anywhere():
    """Start and end are moments: a challenge from midnight in Paris starts
    on the previous evening in UTC, and on the afternoon before for a member
    in Los Angeles; their activities count from that moment on."""
    angeleno = make_member(time_zone="America/Los_Angeles")
    today_in_paris = timezone.localtime(timezone.now(), PARIS).date()
    start = datetime.combine(today_in_paris - timedelta(days=1), time(0), PARIS)
    challenge = make_challenge(starts_at=start, ends_at=start + timedelta(days=7))
    challenge.refresh_from_db()
    assert challenge.starts_at.astimezone(UTC).hour in (22, 23)
    half_hour = timedelta(minutes=30)
    record(angeleno, "completed", "lesson", timestamp=start - half_hour)
    assert progress(challenge, angeleno) == 0
    record(angeleno, "completed", "lesson", timestamp=start + half_hour)
    assert progress(challenge, angeleno) == 1


def test_reaching_the_goal_completes_once_with_points_and_an_activity(member):
    challenge = make_challenge(goal=2, reward_points=40, title="Two lessons")
    record(member, "completed", "lesson")
    assert not ChallengeCompletion.objects.exists()
    second = record(member, "completed", "lesson")
    record(member, "completed", "lesson")
    completion = ChallengeCompletion.objects.get()
    assert completion.member == member and completion.challenge == challenge
    assert completion.completed_at == second.timestamp
    entry = completion.points
    assert (entry.amount, entry.kind, entry.reason) == (
        40,
        "award",
        "Challenge: Two lessons",
    )
    assert entry.activity == completion.activity
    done = Activity.objects.get(verb="completed", object_type="challenge")
    assert done == completion.activity and done.object_id == str(challenge.pk)
    assert done.idempotency_key == f"completed:challenge:{challenge.pk}:{member.pk}"
    # 3 lessons at 10 points each, plus the reward: it counts as earned.
    balance = PointsBalance.objects.get(member=member)
    assert (balance.total, balance.earned) == (70, 70)
    assert points_reconcile() == []


def test_completing_twice_pays_once(member):
    challenge = make_challenge(goal=1, reward_points=25)
    first = challenge_complete(challenge=challenge, member_id=member.pk)
    assert first is not None
    assert challenge_complete(challenge=challenge, member_id=member.pk) is None
    assert PointsEntry.objects.filter(reason__startswith="Challenge").count() == 1
    assert points_reconcile() == []


def test_a_challenge_without_points_pays_none(member):
    make_challenge(goal=1, reward_points=0)
    record(member, "completed", "lesson")
    assert ChallengeCompletion.objects.get().points is None
    assert not PointsEntry.objects.filter(reason__startswith="Challenge").exists()


def test_winning_a_challenge_awards_its_badge(
    member, django_capture_on_commit_callbacks
):
    challenge = make_challenge(goal=1)
    badge = make_badge(kind=BadgeClass.Kind.CHALLENGE, challenge=challenge)
    record(member, "completed", "lesson")
    done = Activity.objects.get(verb="completed", object_type="challenge")
    activity_dispatch(activity_id=done.pk)
    assert BadgeAward.objects.get(member=member).badge == badge


def test_the_goal_may_count_successes_only(member):
    make_challenge(verb="answered", object_type="question", success_only=True, goal=2)
    record(member, "answered", "question", result={"success": True})
    record(member, "answered", "question", result={"success": False})
    assert not ChallengeCompletion.objects.exists()
    record(member, "answered", "question", result={"success": True})
    assert ChallengeCompletion.objects.count() == 1


def test_late_activities_inside_a_finished_window_still_count(member):
    now = timezone.now()
    make_challenge(
        starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=1), goal=1
    )
    record(member, "completed", "lesson", timestamp=now - timedelta(days=2))
    assert ChallengeCompletion.objects.count() == 1


def test_an_inactive_or_future_challenge_does_not_complete(member):
    now = timezone.now()
    make_challenge(goal=1, active=False)
    make_challenge(
        goal=1, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    record(member, "completed", "lesson")
    assert not ChallengeCompletion.objects.exists()


def test_a_course_audience_takes_only_its_enrolled_learners(member):
    course = make_course()
    challenge = make_challenge(goal=1, audience="course", course=course)
    outsider = make_member()
    record(outsider, "completed", "lesson")
    assert not ChallengeCompletion.objects.exists()
    Enrollment.objects.create(user=member, course=course)
    record(member, "completed", "lesson")
    assert ChallengeCompletion.objects.get().member == member
    overview = challenges_overview(member=outsider)
    assert overview["running"][0].challenge == challenge
    assert overview["running"][0].eligible is False


def test_challenges_are_validated():
    now = timezone.now()
    with pytest.raises(ValidationError, match="end after it starts"):
        make_challenge(starts_at=now, ends_at=now)
    with pytest.raises(ValidationError, match="takes only these object types"):
        make_challenge(verb="replied", object_type="lesson")
    with pytest.raises(ValidationError, match="Choose the course"):
        make_challenge(audience="course")
    with pytest.raises(ValidationError):
        make_challenge(verb="earned", object_type="badge")


def test_the_overview_groups_and_measures_in_constant_queries(
    member, django_assert_max_num_queries
):
    now = timezone.now()

    def add(n):
        for i in range(n):
            make_challenge(title=f"Running {i}", goal=4)
            make_challenge(
                title=f"Finished {i}",
                starts_at=now - timedelta(days=10),
                ends_at=now - timedelta(days=3),
                goal=1,
            )
            make_challenge(
                title=f"Soon {i}",
                starts_at=now + timedelta(days=2),
                ends_at=now + timedelta(days=9),
                goal=1,
            )

    add(1)
    record(member, "completed", "lesson", timestamp=now - timedelta(days=5))
    record(member, "completed", "lesson")
    with django_assert_max_num_queries(5) as few:
        overview = challenges_overview(member=member)
    assert [s.challenge.title for s in overview["running"]] == ["Running 0"]
    assert [s.challenge.title for s in overview["upcoming"]] == ["Soon 0"]
    assert [s.challenge.title for s in overview["finished"]] == ["Finished 0"]
    running, finished = overview["running"][0], overview["finished"][0]
    assert (running.progress, running.percent, running.completed) == (1, 25, False)
    assert (finished.progress, finished.percent, finished.completed) == (1, 100, True)
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        overview = challenges_overview(member=member)
    assert len(overview["running"]) == 5


def test_the_challenges_page_shows_progress_bars(client, member):
    make_challenge(title="Lesson sprint", goal=4, reward_points=30)
    make_badge(kind=BadgeClass.Kind.CHALLENGE, name="Sprinter")
    record(member, "completed", "lesson")
    anonymous = client.get("/challenges/").content.decode()
    assert "Lesson sprint" in anonymous and "<progress" not in anonymous
    client.force_login(member)
    html = client.get("/challenges/").content.decode()
    assert "1 of 4" in html and 'value="25"' in html
    assert "30 points" in html and "Sprinter" in html
