"""Routing below the catalogue and what the course pages cost in queries,
measured against a plain standard page of the same site so that what
base.html adds counts on both sides."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from courses.services import enrollment_create, quiz_submit
from website.models import StandardPage

from .conftest import (
    make_course,
    make_event,
    make_lesson,
    make_module,
    make_user,
    paragraph,
    quiz,
    single_choice,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    client.get(url)  # warm the per-process and content caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.fixture
def course_tree(learner):
    course = make_course(slug="stats")
    module = make_module(course, slug="week-1")
    first = make_lesson(module, slug="intro", body=[paragraph()])
    lesson = make_lesson(
        module, slug="means", body=[paragraph(), quiz(single_choice())]
    )
    enrollment_create(user=learner, course=course)
    quiz_submit(
        user=learner,
        lesson=lesson,
        quiz_block_id="quiz",
        answers={"q-single": "q-single-b"},
    )
    standard = (
        course.get_parent()
        .get_parent()
        .add_child(instance=StandardPage(title="About", slug="about"))
    )
    return course, module, first, lesson, standard


# Routing -----------------------------------------------------------------------


def test_course_module_and_lesson_urls_resolve_below_the_catalogue(client, course_tree):
    course, module, first, lesson, _standard = course_tree

    assert lesson.url == "/courses/stats/week-1/means/"
    assert client.get(course.url).status_code == 200
    assert client.get(first.url).status_code == 200
    response = client.get(module.url)
    assert response.status_code == 302
    assert response["Location"] == f"{course.url}#module-{module.pk}"


@pytest.mark.parametrize(
    "path",
    [
        "/courses/nope/",
        "/courses/stats/nope/",
        "/courses/stats/week-1/nope/",
        "/courses/stats/week-1/means/extra/",
        "/courses/week-1/",  # a module's slug at the course level
        "/courses/stats/means/",  # a lesson's slug at the module level
    ],
)
def test_unknown_paths_below_the_catalogue_are_not_found(client, course_tree, path):
    assert client.get(path).status_code == 404


def test_an_unpublished_lesson_is_not_found(client, course_tree):
    *_, lesson, _standard = course_tree
    lesson.unpublish()

    assert client.get("/courses/stats/week-1/means/").status_code == 404


def test_a_private_course_still_asks_visitors_to_log_in(client, course_tree):
    course, _module, first, _lesson, _standard = course_tree
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )

    for url in (course.url, first.url):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(make_user())
    assert client.get(first.url).status_code == 200


def test_a_private_catalogue_restricts_the_lessons_below_it(client, course_tree):
    course, *_rest = course_tree
    PageViewRestriction.objects.create(
        page=course.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )

    response = client.get("/courses/stats/week-1/intro/")
    assert response.status_code == 302 and "login" in response["Location"]


# Query budgets ------------------------------------------------------------------


def test_lesson_page_costs_what_a_standard_page_costs_plus_the_learner(
    client, learner, course_tree
):
    """Anonymous: the lesson page is found with one query below the catalogue
    and checks its privacy with one, so it costs no more than a standard page.
    An enrolled learner adds their enrolment, lesson progress and quiz attempts."""
    _course, _module, _first, lesson, standard = course_tree

    assert count_queries(client, lesson.url) <= count_queries(client, standard.url)

    client.force_login(learner)
    baseline = count_queries(client, standard.url)
    assert count_queries(client, lesson.url) <= baseline + 3


def test_course_page_costs_a_standard_page_plus_the_learner_and_events(
    client, learner, course_tree
):
    """The syllabus, instructors, events and reviews are cached: a visitor pays
    one query for the seats of the course's events; an enrolled learner adds
    their enrolment, progress and own review."""
    course, *_rest, standard = course_tree
    make_event(course=course)

    anonymous = count_queries(client, course.url)
    assert anonymous <= count_queries(client, standard.url) + 1

    client.force_login(learner)
    baseline = count_queries(client, standard.url)
    assert count_queries(client, course.url) <= baseline + 4
