"""An instructor corrects a quiz after learners answered it and regrades: scores,
progress, completion and the activity log (and with it points) follow."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.urls import reverse

from activity.models import Activity
from courses.models import (
    CourseCompletion,
    Enrollment,
    LessonPage,
    LessonProgress,
    QuestionResponse,
    QuizAttempt,
)
from courses.regrade_services import quiz_regrade, quiz_regrade_pending
from courses.services import lesson_complete, quiz_submit
from gamification.models import PointsEntry

from .conftest import (
    choice,
    make_user,
    numeric,
    paragraph,
    quiz,
    single_choice,
)

pytestmark = pytest.mark.django_db


def republish(lesson, *questions, **quiz_options):
    """Publish the lesson again with corrected questions (same block ids)."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    quiz_options.setdefault("pass_mark", 50)
    quiz_options.setdefault("attempts_allowed", 2)
    lesson.body = [paragraph(), quiz(*questions, **quiz_options)]
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk)


def b_is_right():
    """q-single with its second choice marked right instead of the first."""
    return single_choice(
        choices=[
            choice("q-single-a", "Right"),
            choice("q-single-b", "Wrong", True),
            choice("q-single-c", "Also wrong"),
        ]
    )


@pytest.fixture
def instructor(world):
    from courses.instructor_services import course_instructor_add

    member = make_user(username="teacher")
    course_instructor_add(course=world.course, user=member)
    return member


def submit(world, answers):
    return quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=answers,
    )


def live(verb, **filters):
    """Activities of `verb` that no `voided` activity cancels."""
    voided = Activity.objects.filter(verb="voided").values_list("object_id", flat=True)
    return Activity.objects.filter(verb=verb, **filters).exclude(
        pk__in=[int(pk) for pk in voided]
    )


def test_a_corrected_answer_turns_a_failed_attempt_into_a_pass(world, instructor):
    outcome = submit(world, world.WRONG)  # b and 2: both wrong
    assert not outcome.passed
    old_quiz_activity = Activity.objects.get(verb="failed")

    lesson = republish(world.quiz_lesson, b_is_right(), numeric())
    assert quiz_regrade_pending(lesson=lesson) == {"quiz": 1}
    report = quiz_regrade(by=instructor, lesson=lesson, quiz_block_id="quiz")

    assert (report.attempts, report.changed, report.learners) == (1, 1, 1)
    assert report.lessons_completed == 1
    attempt = QuizAttempt.objects.get()
    assert (attempt.score_raw, attempt.score_max, attempt.passed) == (1, 2, True)
    assert (attempt.regrade_count, attempt.revision_id) == (1, lesson.live_revision_id)
    assert QuestionResponse.objects.get(question_id="q-single").correct
    assert quiz_regrade_pending(lesson=lesson) == {"quiz": 0}

    # The old result is voided, the corrected one recorded with the attempt's
    # own time and a regrade number in its key.
    assert Activity.objects.filter(
        verb="voided", object_id=str(old_quiz_activity.pk)
    ).exists()
    [passed] = live("passed")
    assert passed.idempotency_key == f"quiz:{attempt.pk}:r1"
    assert passed.timestamp == attempt.submitted_at
    assert passed.context["regrade"] == 1 and passed.context["attempt"] == 1
    [answered] = live("answered", object_id="q-single")
    assert answered.result["success"] is True
    assert answered.idempotency_key.endswith(":r1")
    # The numeric answer was wrong and stays wrong: its activity is untouched.
    assert live("answered", object_id="q-num").get().idempotency_key == (
        f"answered:{attempt.pk}:q-num"
    )
    progress = LessonProgress.objects.get(lesson=world.quiz_lesson)
    assert progress.completed_at is not None
    assert live("completed", object_type="lesson").count() == 1


def test_regrading_twice_changes_nothing_the_second_time(world, instructor):
    submit(world, world.WRONG)
    lesson = republish(world.quiz_lesson, b_is_right(), numeric())
    quiz_regrade(by=instructor, lesson=lesson, quiz_block_id="quiz")
    activities = Activity.objects.count()
    attempt = QuizAttempt.objects.get()

    report = quiz_regrade(by=instructor, lesson=lesson, quiz_block_id="quiz")

    assert (report.attempts, report.changed, report.lessons_completed) == (1, 0, 0)
    assert Activity.objects.count() == activities
    assert QuizAttempt.objects.get().regrade_count == attempt.regrade_count == 1


def test_a_pass_taken_back_reopens_the_lesson_and_the_course(world, instructor):
    lesson_complete(user=world.learner, lesson=world.reading)
    outcome = submit(world, world.RIGHT)
    assert outcome.course_completed
    certificate = CourseCompletion.objects.get()

    # The instructor finds both keys were wrong: c is right, and 5 ± 0.
    lesson = republish(
        world.quiz_lesson,
        single_choice(
            choices=[
                choice("q-single-a", "Right"),
                choice("q-single-b", "Wrong"),
                choice("q-single-c", "Also wrong", True),
            ]
        ),
        numeric(answer="5", tolerance="0"),
    )
    report = quiz_regrade(by=instructor, lesson=lesson, quiz_block_id="quiz")

    assert (report.lessons_reopened, report.courses_reopened) == (1, 1)
    assert not CourseCompletion.objects.filter(pk=certificate.pk).exists()
    assert Enrollment.objects.get(user=world.learner).status == "active"
    progress = LessonProgress.objects.get(lesson=world.quiz_lesson)
    assert progress.completed_at is None
    assert not live("completed", object_type="course").exists()
    assert not live("completed", object_id=str(world.quiz_lesson.pk)).exists()
    assert live("failed").count() == 1 and not live("passed").exists()

    # Passing again completes lesson and course again, recorded anew.
    outcome = submit(world, {"q-single": "q-single-c", "q-num": "5"})
    assert outcome.lesson_completed and outcome.course_completed
    assert live("completed", object_type="course").count() == 1
    assert live("completed", object_id=str(world.quiz_lesson.pk)).count() == 1


def test_points_follow_the_regrade(
    world, instructor, django_capture_on_commit_callbacks
):
    def balance() -> int:
        entries = PointsEntry.objects.filter(member_id=world.learner.pk)
        return entries.aggregate(total=Sum("amount"))["total"] or 0

    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=world.learner, lesson=world.reading)  # 10
        submit(world, world.WRONG)  # nothing for wrong answers
    assert balance() == 10

    lesson = republish(world.quiz_lesson, b_is_right(), numeric(answer="2"))
    with django_capture_on_commit_callbacks(execute=True):
        quiz_regrade(by=instructor, lesson=lesson, quiz_block_id="quiz")
    # Two right answers (2 each), passed first try (20), the lesson (10) and
    # with it the course (50), by the default points rules.
    assert balance() == 10 + 2 + 2 + 20 + 10 + 50

    lesson = republish(world.quiz_lesson, single_choice(), numeric())
    with django_capture_on_commit_callbacks(execute=True):
        quiz_regrade(by=instructor, lesson=lesson, quiz_block_id="quiz")
    assert balance() == 10  # every award of the pass reversed


def test_questions_removed_since_drop_out_of_the_score(world, instructor):
    submit(world, world.WRONG)
    lesson = republish(world.quiz_lesson, single_choice())  # numeric removed

    quiz_regrade(by=instructor, lesson=lesson, quiz_block_id="quiz")

    attempt = QuizAttempt.objects.get()
    assert (attempt.score_raw, attempt.score_max, attempt.passed) == (0, 1, False)


def test_only_the_course_instructors_may_regrade(world):
    for member in (world.learner, make_user()):
        with pytest.raises(PermissionDenied):
            quiz_regrade(by=member, lesson=world.quiz_lesson, quiz_block_id="quiz")


def test_the_admin_regrade_page_regrades_on_request(client, world, instructor):
    submit(world, world.WRONG)
    republish(world.quiz_lesson, b_is_right(), numeric())
    url = reverse("course_insights:regrade", args=[world.quiz_lesson.pk])

    client.force_login(world.learner)
    assert client.get(url).status_code in (302, 403)
    instructor.groups.add(*_admin_groups())
    client.force_login(instructor)
    html = client.get(url).content.decode()
    assert (
        "Regrade attempts of this quiz" in html and 'data-testid="regrade-row"' in html
    )
    insight = reverse("course_insights:course", args=[world.course.pk])
    assert url in client.get(insight).content.decode()

    response = client.post(url, {"quiz": "quiz"}, follow=True)

    assert "1 changed for 1 learners" in response.content.decode()
    assert QuizAttempt.objects.get().passed
    response = client.post(url, {"quiz": "nope"}, follow=True)
    assert "not part of the published lesson" in response.content.decode()


def test_the_lesson_editor_offers_the_regrade(client, world):
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)

    html = client.get(
        reverse("wagtailadmin_pages:edit", args=[world.quiz_lesson.pk])
    ).content.decode()

    assert reverse("course_insights:regrade", args=[world.quiz_lesson.pk]) in html
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=[world.reading.pk])
    ).content.decode()
    assert "/regrade/" not in html


def _admin_groups():
    from django.contrib.auth.models import Group

    return Group.objects.filter(name="Instructors")
