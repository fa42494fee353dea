"""Badges and challenges under concurrent dispatch on a real database: once
per member, whatever runs at the same time."""

import pytest
from django.db import connection

from activity.models import Activity
from activity.services import activity_dispatch
from gamification.badge_models import BadgeAward
from gamification.challenge_models import ChallengeCompletion
from gamification.challenges import challenge_complete
from gamification.models import PointsEntry
from gamification.services import points_reconcile

from .badge_builders import make_badge, make_challenge
from .conftest import make_activity, make_member
from .test_concurrency import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


@pytest.fixture(autouse=True)
def needs_concurrent_writers(default_rules):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "SQLite's shared-cache in-memory test database fails a second writer "
            "with SQLITE_LOCKED instead of waiting; run with DATABASE_URL set to "
            "PostgreSQL (CI's PostgreSQL leg does)"
        )


def test_eight_activities_reaching_a_badge_at_once_award_it_once():
    """Eight lessons of one member dispatched at the same moment: each sees
    enough lessons for the badge, one insert wins."""
    member = make_member()
    badge = make_badge(count=1)
    repeatable = make_badge(count=4, repeatable=True)
    lessons = [make_activity(member, "completed", "lesson") for _ in range(THREADS)]
    errors = run_in_threads(
        [lambda a=a: activity_dispatch(activity_id=a.pk) for a in lessons]
    )
    assert errors == []
    assert BadgeAward.objects.filter(badge=badge, member=member).count() == 1
    assert sorted(
        BadgeAward.objects.filter(badge=repeatable).values_list("occurrence", flat=True)
    ) == ["1", "2"]
    assert Activity.objects.filter(verb="earned", object_type="badge").count() == 3


def test_the_same_activity_dispatched_from_eight_threads_awards_once():
    member = make_member()
    badge = make_badge(count=1)
    activity = make_activity(member, "completed", "lesson")
    errors = run_in_threads(
        [lambda: activity_dispatch(activity_id=activity.pk)] * THREADS
    )
    assert errors == []
    assert BadgeAward.objects.filter(badge=badge).count() == 1


def test_a_challenge_completed_from_eight_threads_pays_once():
    member = make_member()
    challenge = make_challenge(goal=1, reward_points=25)
    errors = run_in_threads(
        [
            lambda: challenge_complete(challenge=challenge, member_id=member.pk)
            for _ in range(THREADS)
        ]
    )
    assert errors == []
    assert ChallengeCompletion.objects.filter(challenge=challenge).count() == 1
    assert PointsEntry.objects.filter(reason__startswith="Challenge").count() == 1
    assert points_reconcile() == []


def test_reaching_a_challenge_goal_with_parallel_lessons_completes_once():
    member = make_member()
    challenge = make_challenge(goal=3, reward_points=10)
    lessons = [make_activity(member, "completed", "lesson") for _ in range(THREADS)]
    errors = run_in_threads(
        [lambda a=a: activity_dispatch(activity_id=a.pk) for a in lessons]
    )
    assert errors == []
    assert ChallengeCompletion.objects.filter(challenge=challenge).count() == 1
    assert points_reconcile() == []
