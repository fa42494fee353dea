import pytest
from django.utils import timezone

from activity.models import Activity
from courses.demo import seed_courses
from courses.models import (
    AssignmentSubmission,
    CourseReview,
    EventPage,
    EventRegistration,
)

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _counts():
    models = [EventPage, EventRegistration, AssignmentSubmission, CourseReview]
    return {m.__name__: m.objects.count() for m in [*models, Activity]}


def test_demo_has_events_work_and_reviews_and_seeding_twice_adds_nothing():
    instructors = [make_user(username="amara"), make_user(username="ines")]
    learners = [make_user(username=f"learner{n}") for n in range(5)]

    result = seed_courses(instructors=instructors, learners=learners)
    first = _counts()
    seed_courses(instructors=instructors, learners=learners)

    assert _counts() == first
    events = EventPage.objects.live().upcoming(timezone.now())
    assert events.count() >= 3 and len(result["events"]) >= 3
    assert events.exclude(online_url="").exists()
    assert events.filter(online_url="").exclude(city="").exists()
    assert events.exclude(course=None).exists()
    full = [
        e
        for e in events.annotate_seats()
        if e.seats_taken >= e.capacity
        and e.registrations.filter(status="waitlisted").exists()
    ]
    assert full, "one event should be full with a waitlist"
    graded = AssignmentSubmission.objects.filter(status="graded")
    assert graded.count() == 1 and graded.get().feedback
    assert AssignmentSubmission.objects.filter(status="submitted").exists()
    assert CourseReview.objects.count() >= 5
    assert result["reviews"] == CourseReview.objects.count()
