"""A course page lists the course's events in the event's own time zone and,
in the browser, adds the time in the reader's zone when it differs."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from courses.models import CourseIndexPage, CoursePage, EventIndexPage, EventPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def course_with_event(site_tree):
    catalogue = site_tree.add_child(
        instance=CourseIndexPage(title="Courses", slug="courses")
    )
    course = catalogue.add_child(
        instance=CoursePage(
            title="Data clinic", slug="data-clinic", summary="A course."
        )
    )
    calendar = site_tree.add_child(
        instance=EventIndexPage(title="Events", slug="events")
    )
    day = datetime.date.today() + datetime.timedelta(days=10)
    starts = datetime.datetime(day.year, day.month, day.day, 14, 0, tzinfo=BERLIN)
    calendar.add_child(
        instance=EventPage(
            title="Live Q&A",
            slug="live-qa",
            course=course,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            time_zone="Europe/Berlin",
            online_url="https://meet.example.org/qa",
            capacity=10,
        )
    )
    return course, starts


def test_the_reader_sees_the_event_in_their_own_time_zone(
    browser, server, course_with_event
):
    course, starts = course_with_event
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    page = context.new_page()
    try:
        page.goto(server + course.url)
        events = page.get_by_test_id("course-events")
        expect(events).to_contain_text("Live Q&A")
        expect(events).to_contain_text("14:00–15:00 (Europe/Berlin)")
        local = starts.astimezone(NEW_YORK)
        expect(events.locator(".local-time")).to_contain_text("your time")
        expect(events.locator(".local-time")).to_contain_text(f"{local:%I:%M}")
    finally:
        context.close()

    context = browser.new_context(timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        page.goto(server + course.url)
        expect(page.get_by_test_id("course-events")).to_contain_text("Live Q&A")
        expect(page.locator(".local-time")).to_have_count(0)
    finally:
        context.close()
