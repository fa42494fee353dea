import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import CourseCompletion, CourseInstructor
from courses.services import enrollment_create, lesson_complete, quiz_submit

from .conftest import make_course, make_lesson, make_module, make_user, paragraph

pytestmark = pytest.mark.django_db

MY_LEARNING = reverse("courses:my_learning")


def test_my_learning_needs_a_signed_in_member(client):
    response = client.get(MY_LEARNING)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_learning_shows_progress_resume_point_and_attempts(client, world):
    learner = world.learner
    lesson_complete(user=learner, lesson=world.reading)
    quiz_submit(
        user=learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.WRONG,
    )
    client.force_login(learner)

    html = client.get(MY_LEARNING).content.decode()

    # 1 of the 2 required lessons (the optional one does not count).
    assert "Statistics 101" in html
    assert "1 of 2 lessons · 50 %" in html
    assert f'href="{world.quiz_lesson.url}">Resume: Practice' in html
    assert 'data-testid="quiz-attempt"' in html and "0/2" in html
    assert "not passed" in html


def test_the_header_links_to_my_learning_for_members_only(client, learner):
    home = client.get("/").content.decode()
    assert MY_LEARNING not in home
    client.force_login(learner)
    assert f'href="{MY_LEARNING}"' in client.get("/").content.decode()


def test_a_completed_course_links_to_its_public_certificate(client, world):
    learner = world.learner
    learner.display_name = "Ada Lovelace"
    learner.save()
    teacher = make_user(display_name="Grace Hopper")
    CourseInstructor.objects.create(course=world.course, user=teacher)
    lesson_complete(user=learner, lesson=world.reading)
    quiz_submit(
        user=learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.RIGHT,
    )
    completion = CourseCompletion.objects.get(user=learner, course=world.course)
    certificate_url = reverse("courses:certificate", args=[completion.certificate_id])

    client.force_login(learner)
    html = client.get(MY_LEARNING).content.decode()
    assert 'data-testid="course-completed"' in html
    assert certificate_url in html

    client.logout()  # shareable: anyone with the link can open it
    response = client.get(certificate_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in html and "Statistics 101" in html
    assert "Grace Hopper" in html
    assert str(completion.certificate_id) in html
    assert "@media print" not in html  # printable styles live in the stylesheet


def test_an_unknown_certificate_is_not_found(client):
    url = reverse("courses:certificate", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_my_learning_queries_do_not_grow_with_courses_and_attempts(client, learner):
    def build(n):
        for _ in range(n):
            course = make_course()
            module = make_module(course)
            lessons = [make_lesson(module, body=[paragraph()]) for _ in range(3)]
            enrollment_create(user=learner, course=course)
            lesson_complete(user=learner, lesson=lessons[0])

    client.force_login(learner)
    build(1)
    client.get(MY_LEARNING)
    with CaptureQueriesContext(connection) as small:
        client.get(MY_LEARNING)
    build(6)
    with CaptureQueriesContext(connection) as large:
        html = client.get(MY_LEARNING).content.decode()
    assert html.count('data-testid="course-in-progress"') == 7
    assert len(small) == len(large)


def test_my_learning_lists_submitted_assignments_with_grades(client, world):
    from courses.assignment_services import assignment_grade, assignment_submit

    from .conftest import assignment

    teacher = make_user(username="grader")
    CourseInstructor.objects.create(course=world.course, user=teacher)
    graded_lesson = make_lesson(
        world.module, title="Chart project", body=[paragraph(), assignment()]
    )
    waiting_lesson = make_lesson(
        world.module, title="Essay", body=[paragraph(), assignment()]
    )
    graded = assignment_submit(
        user=world.learner,
        lesson=graded_lesson,
        block_id="assignment",
        text="My chart, explained.",
    )
    assignment_grade(by=teacher, submission=graded, score=8, feedback="Clear.")
    assignment_submit(
        user=world.learner,
        lesson=waiting_lesson,
        block_id="assignment",
        text="A first draft.",
    )
    client.force_login(world.learner)

    html = client.get(MY_LEARNING).content.decode()

    rows = html.split('data-testid="assignment-submission"')[1:]
    assert len(rows) == 2
    graded_row = next(row for row in rows if "Chart project" in row)
    waiting_row = next(row for row in rows if "Essay" in row)
    assert "Graded" in graded_row and "8/10" in graded_row
    assert "Submitted" in waiting_row and "—" in waiting_row

    # Another learner's submissions never show.
    client.force_login(make_user(username="someone-else"))
    assert (
        'data-testid="assignment-submission"'
        not in client.get(MY_LEARNING).content.decode()
    )
