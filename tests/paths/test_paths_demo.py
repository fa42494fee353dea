"""The demo's career tracks, curated path and onboarded learners."""

import pytest

from activity.models import Activity
from courses.demo import seed_courses
from members.demo import seed_members
from members.models import LearningProfile, User
from paths.demo import seed_paths
from paths.models import CareerTrack, CuratedPathPage, LearningPath, PathStep
from paths.selectors import path_overview

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    models = [CareerTrack, CuratedPathPage, LearningPath, PathStep, Activity]
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_has_tracks_a_curated_path_and_onboarded_learners():
    seed_members()
    authors = list(User.objects.filter(groups__name="Instructors"))
    learners = list(User.objects.filter(is_staff=False, groups__isnull=True))
    seed_courses(instructors=authors, learners=learners)

    result = seed_paths(learners=learners)
    first = _counts()
    seed_paths(learners=learners)
    assert _counts() == first

    assert {t.slug for t in result["tracks"]} == {
        "data-analyst",
        "front-end-developer",
    }
    assert all(t.skills.exists() and t.courses.exists() for t in result["tracks"])
    assert result["curated"].live and len(result["curated"].step_page_ids()) == 3
    assert len(result["paths"]) == 2

    linh = User.objects.get(email="linh.nguyen@lyceum.local")
    profile = LearningProfile.objects.get(user=linh)
    assert profile.onboarded_at is not None and profile.city == "Hanoi"
    overview = path_overview(member=linh)
    assert overview.goal_label == "Data analyst"
    rows = [row for week in overview.weeks for row in week.steps]
    assert rows and all(row.reason.startswith("You want Data analyst") for row in rows)
    assert overview.path.eta is not None

    jonas = User.objects.get(email="jonas.weber@lyceum.local")
    path = LearningPath.objects.get(member=jonas)
    assert path.goal_curated_id == result["curated"].pk
    steps = path.steps.filter(status="todo")
    assert steps.count() > 3
    assert all(step.origin == "curated" for step in steps)
    # A newcomer: a gentle start.
    assert steps.filter(week=0).count() <= 3
