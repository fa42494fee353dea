"""The cached syllabus and catalogue listing follow content changes at once,
and reloading a lesson does not write on every view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.services import enrollment_create

from .conftest import make_course, make_lesson, make_module, paragraph

pytestmark = pytest.mark.django_db


def test_a_new_or_renamed_lesson_shows_on_the_course_page_at_once(client, world):
    client.force_login(world.learner)
    assert "Practice" in client.get(world.course.url).content.decode()

    make_lesson(world.module, title="Brand new lesson", body=[paragraph()])
    world.reading.title = "Renamed reading"
    world.reading.save_revision().publish()
    html = client.get(world.course.url).content.decode()
    assert "Brand new lesson" in html and "Renamed reading" in html

    world.extra.unpublish()
    assert "Extra" not in client.get(world.course.url).content.decode()


def test_the_catalogue_listing_follows_publishing(client):
    course = make_course(title="Visible course")
    catalogue = course.get_parent()
    assert "Visible course" in client.get(catalogue.url).content.decode()

    make_course(catalogue, title="Another course")
    course.unpublish()
    html = client.get(catalogue.url).content.decode()
    assert "Another course" in html and "Visible course" not in html


def test_reloading_a_lesson_does_not_write_again(client, learner):
    course = make_course()
    lesson = make_lesson(make_module(course), body=[paragraph()])
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    client.get(lesson.url)  # the launch: progress, resume point, activity
    with CaptureQueriesContext(connection) as reload:
        client.get(lesson.url)
    writes = [
        q["sql"]
        for q in reload.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
