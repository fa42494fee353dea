"""A course page lists the upcoming events the course owns, with times in the
event's own zone, online or in person, seats left and the waitlist."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.event_services import course_upcoming_events, event_register

from .conftest import make_course, make_event, make_user

pytestmark = pytest.mark.django_db


def events_section(html: str) -> str:
    start = html.find('data-testid="course-events"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_the_course_page_lists_its_upcoming_events_only(client):
    course = make_course()
    other = make_course()
    starts = (timezone.now() + datetime.timedelta(days=3)).replace(
        hour=16, minute=0, second=0, microsecond=0
    )
    make_event(
        course=course, title="Live Q&A", time_zone="Europe/Berlin", starts_at=starts
    )
    make_event(
        course=course,
        title="Meetup in Lyon",
        online_url="",
        venue="La Cordée",
        city="Lyon",
        starts_at=starts + datetime.timedelta(days=1),
    )
    make_event(course=other, title="Someone else's session")
    past = timezone.now() - datetime.timedelta(days=2)
    make_event(course=course, title="Last week", starts_at=past)
    make_event(course=course, title="Draft session").unpublish()
    private = make_event(course=course, title="Staff only")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )

    section = events_section(client.get(course.url).content.decode())

    assert "Live Q&amp;A" in section and "Meetup in Lyon" in section
    assert section.index("Live Q&amp;A") < section.index("Meetup in Lyon")
    for hidden in ("Someone else", "Last week", "Draft session", "Staff only"):
        assert hidden not in section
    assert "(Europe/Berlin)" in section and "In person, Lyon" in section
    assert "Online" in section
    # The start in the event's own zone, and a machine-readable instant the
    # page's script turns into the reader's own time.
    berlin = timezone.localtime(starts, zoneinfo.ZoneInfo("Europe/Berlin"))
    assert f'datetime="{berlin.isoformat()}" data-local-time' in section
    end = berlin + datetime.timedelta(hours=2)
    assert f"{berlin:%H:%M}–{end:%H:%M} (Europe/Berlin)" in section


def test_seats_left_waitlist_and_the_members_own_place(client):
    course = make_course()
    event = make_event(course=course, title="Small room", capacity=1)
    seated, waiting = make_user(), make_user()
    event_register(user=seated, event=event)
    event_register(user=waiting, event=event)

    section = events_section(client.get(course.url).content.decode())
    assert "Full — waitlist open" in section and "1 on the waitlist" in section
    assert "You have a seat" not in section

    client.force_login(waiting)
    assert "You are on the waitlist" in events_section(
        client.get(course.url).content.decode()
    )
    client.force_login(seated)
    assert "You have a seat" in events_section(client.get(course.url).content.decode())


def test_a_course_without_events_shows_no_section(client):
    course = make_course()
    assert 'data-testid="course-events"' not in client.get(course.url).content.decode()


def test_course_events_cost_one_query_however_many_registrations(client):
    course = make_course()
    events = [make_event(course=course, capacity=50) for _ in range(2)]
    member = make_user()
    course_upcoming_events(course=course, user=member)  # cache the events
    with CaptureQueriesContext(connection) as few:
        course_upcoming_events(course=course, user=member)

    events.append(make_event(course=course, capacity=50))
    for event in events:
        for _ in range(4):
            event_register(user=make_user(), event=event)
    event_register(user=member, event=events[0])
    course_upcoming_events(course=course, user=member)
    with CaptureQueriesContext(connection) as many:
        listed = course_upcoming_events(course=course, user=member)

    assert len(few) == len(many) == 1
    assert [item.seats_left for item in listed] == [45, 46, 46]
    assert listed[0].my_status == "registered"


def test_a_new_event_shows_at_once_despite_the_cache(client):
    course = make_course()
    assert course_upcoming_events(course=course) == []

    make_event(course=course, title="Fresh session")

    assert [item.event.title for item in course_upcoming_events(course=course)] == [
        "Fresh session"
    ]
