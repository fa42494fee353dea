import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.insights import course_insight, enrolments_per_week
from courses.models import CourseInstructor, Enrollment
from courses.services import enrollment_create, lesson_complete, quiz_submit
from members.services import member_set_roles

from .conftest import make_course, make_user

pytestmark = pytest.mark.django_db


def instructor_of(course):
    user = make_user()
    member_set_roles(user=user, instructor=True, moderator=False)
    CourseInstructor.objects.create(course=course, user=user)
    return user


def enrol_many(world, n):
    learners = [make_user() for _ in range(n)]
    for learner in learners:
        enrollment_create(user=learner, course=world.course)
    return learners


def url(course, **query):
    base = reverse("course_insights:course", args=[course.pk])
    return base + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )


def test_enrolments_are_counted_per_week_with_empty_weeks_filled(world):
    today = timezone.localdate()
    learners = enrol_many(world, 3)
    three_weeks_ago = timezone.now() - datetime.timedelta(weeks=3)
    Enrollment.objects.filter(user__in=learners[:2]).update(enrolled_at=three_weeks_ago)

    weeks = enrolments_per_week(course=world.course, today=today)

    assert [bar.count for bar in weeks] == [2, 0, 0, 2]  # +1 the world's learner
    assert weeks[-1].week == today - datetime.timedelta(days=today.weekday())


def test_funnel_and_quiz_items_count_what_learners_did(world):
    others = enrol_many(world, 2)
    for learner in [world.learner, *others]:
        lesson_complete(user=learner, lesson=world.reading)
    # Two learners pick the same wrong choice, one answers right.
    for learner in others:
        quiz_submit(
            user=learner,
            lesson=world.quiz_lesson,
            quiz_block_id="quiz",
            answers=world.WRONG,
        )
    quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.RIGHT,
    )

    insight = course_insight(course=world.course)

    assert insight.enrolled == 3
    funnel = {step.lesson.title: step for step in insight.funnel}
    assert [step.lesson.title for step in insight.funnel] == [
        "Reading",
        "Practice",
        "Extra",
    ]
    assert (funnel["Reading"].completed, funnel["Reading"].percent_of_enrolled) == (
        3,
        100,
    )
    assert (funnel["Practice"].started, funnel["Practice"].completed) == (3, 1)
    items = {item.question_id: item for item in insight.questions}
    assert items["q-single"].answers == 3
    assert items["q-single"].percent_correct == 33
    assert items["q-single"].top_wrong_choice == "Wrong"
    assert items["q-single"].top_wrong_count == 2
    assert items["q-num"].top_wrong_choice is None


def test_inactive_learners_follow_the_days_parameter(client, world):
    idle, busy = enrol_many(world, 2)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Enrollment.objects.filter(user=idle).update(
        enrolled_at=long_ago, last_activity_at=long_ago
    )
    Enrollment.objects.filter(user=world.learner).update(
        enrolled_at=long_ago,
        last_activity_at=timezone.now() - datetime.timedelta(days=10),
    )
    idle.display_name = "Idle Ida"
    idle.save()
    client.force_login(instructor_of(world.course))

    html = client.get(url(world.course)).content.decode()
    assert html.count('data-testid="inactive-row"') == 1 and "Idle Ida" in html

    html = client.get(url(world.course, inactive_days=7)).content.decode()
    assert html.count('data-testid="inactive-row"') == 2

    # Nonsense is read as the default rather than an error.
    assert client.get(url(world.course, inactive_days="soon")).status_code == 200


def test_the_report_shows_a_chart_and_tables_to_the_course_instructor(client, world):
    client.force_login(instructor_of(world.course))
    index = client.get(reverse("course_insights:index")).content.decode()
    assert "Statistics 101" in index
    html = client.get(url(world.course)).content.decode()
    assert 'data-testid="enrolment-chart"' in html and "<rect" in html
    assert html.count('data-testid="funnel-row"') == 3
    assert html.count('data-testid="question-row"') == 2


def test_other_instructors_and_learners_are_refused(client, world):
    other_course = make_course(title="Other")
    client.force_login(instructor_of(other_course))
    # Wagtail answers a refusal with a redirect to the dashboard and a message.
    response = client.get(url(world.course))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    index = client.get(reverse("course_insights:index")).content.decode()
    assert "Statistics 101" not in index and "Other" in index

    client.force_login(world.learner)  # no admin access at all
    for refused in (url(world.course), reverse("course_insights:index")):
        response = client.get(refused)
        # Wagtail sends members without admin access to its login page.
        assert response.status_code == 302, refused
        assert response["Location"].startswith("/admin/login/"), refused


def test_a_superuser_sees_every_course(client, world):
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(url(world.course)).status_code == 200


def test_report_queries_do_not_grow_with_learners_and_answers(client, world):
    client.force_login(instructor_of(world.course))
    client.get(url(world.course))
    with CaptureQueriesContext(connection) as small:
        client.get(url(world.course))
    for learner in enrol_many(world, 8):
        lesson_complete(user=learner, lesson=world.reading)
        quiz_submit(
            user=learner,
            lesson=world.quiz_lesson,
            quiz_block_id="quiz",
            answers=world.WRONG,
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url(world.course))
    assert len(small) == len(large)
