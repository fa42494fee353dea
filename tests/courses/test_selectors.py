from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import ModulePage
from courses.selectors import (
    course_catalogue,
    course_progress,
    quiz_attempts_for_learner,
)
from courses.services import enrollment_create, lesson_complete, quiz_submit

from .conftest import (
    make_course,
    make_lesson,
    make_module,
    make_skill,
    make_topic,
    make_user,
    paragraph,
    quiz,
    single_choice,
)

pytestmark = pytest.mark.django_db


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def render_cards(courses) -> list:
    """Touch everything a catalogue card shows."""
    return [
        (
            course.title,
            course.topic and course.topic.name,
            course.cover_image,
            [str(f) for f in course.formats.all()],
            [link.user.name for link in course.instructor_links.all()],
        )
        for course in courses
    ]


def test_catalogue_filters(topic):
    other_topic = make_topic(name="Design", slug="design")
    pandas = make_skill(topic=topic, name="pandas", slug="pandas")
    short = make_course(
        title="Pandas in a day",
        topic=topic,
        level="beginner",
        estimated_hours=Decimal(3),
        formats=["text", "hands-on"],
        language="en",
    )
    short.skills = [pandas]
    short.save()
    long = make_course(
        title="Typography",
        topic=other_topic,
        level="advanced",
        estimated_hours=Decimal(30),
        formats=["video"],
        language="de",
    )
    make_course(title="Draft course", topic=topic).unpublish()

    def titles(**filters):
        return [course.title for course in course_catalogue(**filters)]

    assert titles() == ["Pandas in a day", "Typography"]
    assert titles(topic="data-science") == ["Pandas in a day"]
    assert titles(skill="pandas") == ["Pandas in a day"]
    assert titles(level="advanced") == ["Typography"]
    assert titles(format_code="hands-on") == ["Pandas in a day"]
    assert titles(format_code="live") == []
    assert titles(language="de") == ["Typography"]
    assert titles(length="short") == ["Pandas in a day"]
    assert titles(length="medium") == []
    assert titles(length="long") == ["Typography"]
    assert titles(search="typo") == ["Typography"]
    assert titles(topic="design", level="beginner") == []
    # A course teaching a topic's skill is found under that topic too.
    long.skills = [pandas]
    long.save()
    assert titles(topic="data-science") == ["Pandas in a day", "Typography"]


def _add_courses(count: int, topic, instructor) -> None:
    for n in range(count):
        course = make_course(
            title=f"Course {n:03}",
            topic=topic,
            formats=["text", "video"],
            instructors=[instructor, make_user()],
        )
        course.skills = [make_skill(topic=topic)]
        course.save()


def test_catalogue_queries_do_not_grow_with_courses(topic):
    instructor = make_user()
    _add_courses(2, topic, instructor)
    small = count_queries(lambda: render_cards(course_catalogue(topic=topic.slug)))

    _add_courses(25, topic, instructor)
    large = count_queries(lambda: render_cards(course_catalogue(topic=topic.slug)))

    assert len(course_catalogue()) == 27
    assert small == large
    assert large <= 5


def _grow_course(course, learner, modules: int, lessons_per_module: int) -> None:
    for m in range(modules):
        module = make_module(course, title=f"Module {m}")
        for n in range(lessons_per_module):
            lesson = make_lesson(
                module,
                body=[paragraph(), quiz(single_choice(id=f"q{m}-{n}"))],
            )
            quiz_submit(
                user=learner,
                lesson=lesson,
                quiz_block_id="quiz",
                answers={f"q{m}-{n}": f"q{m}-{n}-b"},  # wrong: an attempt, no pass
            )
            if n % 2:
                quiz_submit(
                    user=learner,
                    lesson=lesson,
                    quiz_block_id="quiz",
                    answers={f"q{m}-{n}": f"q{m}-{n}-a"},
                )


def test_course_progress_queries_do_not_grow_with_lessons_or_progress(learner):
    course = make_course()
    enrollment_create(user=learner, course=course)
    _grow_course(course, learner, modules=1, lessons_per_module=2)

    def syllabus():
        progress = course_progress(course=course, user=learner)
        return (
            progress.percent,
            progress.next_lesson,
            [(row.lesson.title, row.completed) for row in progress.lessons],
        )

    small = count_queries(syllabus)
    _grow_course(course, learner, modules=4, lessons_per_module=6)
    large = count_queries(syllabus)

    assert small == large <= 4
    progress = course_progress(course=course, user=learner)
    assert len(progress.lessons) == 26
    assert progress.completed_required == 13  # every second lesson passed
    assert progress.percent == 50


def test_lesson_attempt_history_is_one_query(learner):
    course = make_course()
    enrollment_create(user=learner, course=course)
    lesson = make_lesson(make_module(course), body=[quiz(single_choice())])
    for _ in range(3):
        quiz_submit(
            user=learner,
            lesson=lesson,
            quiz_block_id="quiz",
            answers={"q-single": "q-single-b"},
        )

    with CaptureQueriesContext(connection) as queries:
        history = quiz_attempts_for_learner(user=learner, lesson=lesson)

    assert len(queries) == 1
    assert [a.number for a in history["quiz"]] == [1, 2, 3]


def test_progress_counts_required_lessons_and_skips_unpublished_modules(learner):
    course = make_course()
    enrollment_create(user=learner, course=course)
    module = make_module(course)
    first = make_lesson(module, body=[paragraph()])
    second = make_lesson(module, body=[paragraph()])
    make_lesson(module, body=[paragraph()], required=False)
    hidden = make_module(course)
    make_lesson(hidden, body=[paragraph()])
    ModulePage.objects.filter(pk=hidden.pk).update(live=False)

    lesson_complete(user=learner, lesson=first)
    progress = course_progress(course=course, user=learner)

    assert (progress.completed_required, progress.total_required) == (1, 2)
    assert progress.next_lesson == second
    assert progress.neighbours(second)[0] == first
    assert len(progress.lessons) == 3
