import pytest
from django.core.exceptions import ValidationError

from activity.models import Activity
from courses.models import (
    CourseCompletion,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuestionResponse,
    QuizAttempt,
)
from courses.services import (
    enrollment_create,
    enrollment_withdraw,
    lesson_complete,
    lesson_launch,
    quiz_submit,
)

from .conftest import make_course, make_user, numeric, quiz, single_choice

pytestmark = pytest.mark.django_db


def error_code(excinfo) -> str:
    return excinfo.value.code


# Enrolment -------------------------------------------------------------------


def test_enrolling_twice_keeps_one_enrolment_and_one_registration(learner):
    course = make_course()

    first = enrollment_create(user=learner, course=course)
    second = enrollment_create(user=learner, course=course)

    assert first.pk == second.pk
    assert first.status == Enrollment.Status.ACTIVE
    registered = Activity.objects.filter(actor=learner, verb="registered")
    assert [(a.object_type, a.object_id) for a in registered] == [
        ("course", str(course.pk))
    ]
    assert registered.get().idempotency_key.startswith(f"registered:{first.pk}:")


def test_closed_enrolment_is_refused_and_changes_nothing(learner):
    course = make_course(enrolment_open=False)

    with pytest.raises(ValidationError) as excinfo:
        enrollment_create(user=learner, course=course)

    assert error_code(excinfo) == "enrolment_closed"
    assert "is closed" in excinfo.value.messages[0]
    assert not Enrollment.objects.exists()
    assert not Activity.objects.exists()


def test_closing_enrolment_does_not_turn_away_enrolled_learners(learner):
    course = make_course()
    enrolled = enrollment_create(user=learner, course=course)
    CoursePage.objects.filter(pk=course.pk).update(enrolment_open=False)

    assert enrollment_create(user=learner, course=course).pk == enrolled.pk


def test_an_unpublished_course_cannot_be_joined(learner):
    course = make_course()
    CoursePage.objects.filter(pk=course.pk).update(live=False)

    with pytest.raises(ValidationError) as excinfo:
        enrollment_create(user=learner, course=course)

    assert error_code(excinfo) == "course_unpublished"
    assert not Enrollment.objects.exists()


def test_withdrawing_is_idempotent_and_rejoining_registers_again(learner):
    course = make_course()
    assert enrollment_withdraw(user=learner, course=course) is None

    enrollment_create(user=learner, course=course)
    enrollment_withdraw(user=learner, course=course)
    withdrawn = enrollment_withdraw(user=learner, course=course)
    assert withdrawn.status == Enrollment.Status.WITHDRAWN

    again = enrollment_create(user=learner, course=course)
    assert again.pk == withdrawn.pk and again.status == Enrollment.Status.ACTIVE
    assert Activity.objects.filter(verb="registered").count() == 2


def test_withdrawing_records_left_once_per_enrolment_episode(world):
    lesson_complete(user=world.learner, lesson=world.reading)
    enrollment_withdraw(user=world.learner, course=world.course)
    enrollment_withdraw(user=world.learner, course=world.course)

    [left] = Activity.objects.filter(verb="left")
    assert (left.actor, left.object_type) == (world.learner, "course")
    assert left.object_id == str(world.course.pk)
    assert left.context["lessons_completed"] == 1
    assert left.context["course_completed"] is False
    assert left.result["duration"].startswith("PT")

    # Coming back and leaving again is a new episode: a second `left`.
    enrollment_create(user=world.learner, course=world.course)
    enrollment_withdraw(user=world.learner, course=world.course)
    assert Activity.objects.filter(verb="left").count() == 2


# Lessons ---------------------------------------------------------------------


def test_launching_a_lesson_sets_the_resume_point_and_records_once_a_day(world):
    lesson_launch(user=world.learner, lesson=world.reading)
    progress = lesson_launch(user=world.learner, lesson=world.reading)

    assert progress.completed_at is None
    enrollment = Enrollment.objects.get(user=world.learner)
    assert enrollment.last_lesson_id == world.reading.pk
    launched = Activity.objects.get(verb="launched")
    assert launched.object_id == str(world.reading.pk)
    assert launched.context == {"course": world.course.pk}


def test_completing_a_lesson_is_idempotent(world):
    lesson_complete(user=world.learner, lesson=world.reading)
    progress = lesson_complete(user=world.learner, lesson=world.reading)

    assert progress.completed_at is not None
    completed = Activity.objects.get(verb="completed", object_type="lesson")
    assert completed.idempotency_key == (
        f"completed:lesson:{world.reading.pk}:{world.learner.pk}"
    )
    assert completed.result["completion"] is True
    assert completed.result["duration"].startswith("PT")
    assert Activity.objects.filter(verb="experienced").count() == 1


def test_a_lesson_with_a_quiz_completes_only_by_passing_it(world):
    with pytest.raises(ValidationError) as excinfo:
        lesson_complete(user=world.learner, lesson=world.quiz_lesson)

    assert error_code(excinfo) == "quiz_not_passed"
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_learners_who_are_not_enrolled_cannot_open_lessons(world):
    stranger = make_user()

    with pytest.raises(ValidationError) as excinfo:
        lesson_launch(user=stranger, lesson=world.reading)

    assert error_code(excinfo) == "not_enrolled"
    assert not LessonProgress.objects.exists()


# Quizzes ---------------------------------------------------------------------


def test_a_wrong_then_right_attempt_records_answers_and_completes_the_lesson(world):
    first = quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.WRONG,
    )
    assert (first.passed, first.raw, first.max) == (False, 0, 2)
    assert first.attempt.number == 1
    assert not first.lesson_completed
    feedback = first.questions["q-single"]
    assert feedback.correct is False and feedback.response == "q-single-b"
    assert "Because of q-single" in str(feedback.explanation)

    second = quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.RIGHT,
    )
    assert (second.passed, second.raw, second.attempt.number) == (True, 2, 2)
    assert second.lesson_completed
    assert not second.course_completed  # the reading is still open

    progress = LessonProgress.objects.get(lesson=world.quiz_lesson)
    assert progress.completed_at is not None
    assert list(
        QuestionResponse.objects.filter(attempt=second.attempt)
        .order_by("question_id")
        .values_list("question_id", "response", "correct")
    ) == [("q-num", "3.14", True), ("q-single", "q-single-a", True)]


def test_quiz_activities_carry_skills_difficulty_and_scores(world):
    outcome = quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers={"q-single": "q-single-a", "q-num": "7"},
    )

    answered = Activity.objects.get(verb="answered", object_id="q-single")
    assert answered.object_type == "question"
    assert answered.idempotency_key == f"answered:{outcome.attempt.pk}:q-single"
    assert answered.context["skills"] == [world.skill.pk]
    assert answered.context["difficulty"] == 3
    assert answered.context["lesson"] == world.quiz_lesson.pk
    assert answered.result == {
        "success": True,
        "response": "q-single-a",
        "score": {"raw": 1, "max": 1, "scaled": 1.0},
    }
    wrong = Activity.objects.get(verb="answered", object_id="q-num")
    assert wrong.result["success"] is False and wrong.result["response"] == "7"

    quiz_activity = Activity.objects.get(verb="passed")  # 1 of 2 meets 50 %
    assert quiz_activity.object_type == "quiz"
    assert quiz_activity.object_id == f"{world.quiz_lesson.pk}:quiz"
    assert quiz_activity.idempotency_key == f"quiz:{outcome.attempt.pk}"
    assert quiz_activity.result == {
        "score": {"scaled": 0.5, "raw": 1, "max": 2},
        "success": True,
    }


def test_a_failed_quiz_records_failed(world):
    quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.WRONG,
    )

    failed = Activity.objects.get(verb="failed")
    assert failed.result["success"] is False
    assert failed.result["score"] == {"scaled": 0.0, "raw": 0, "max": 2}


def test_completing_every_required_lesson_completes_the_course_once(world):
    lesson_complete(user=world.learner, lesson=world.reading)
    outcome = quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.RIGHT,
    )

    assert outcome.course_completed  # the optional extra lesson is not needed
    completion = CourseCompletion.objects.get(user=world.learner)
    assert completion.course_id == world.course.pk
    enrollment = Enrollment.objects.get(user=world.learner)
    assert enrollment.status == Enrollment.Status.COMPLETED
    course_done = Activity.objects.get(verb="completed", object_type="course")
    assert course_done.idempotency_key == (
        f"completed:course:{world.course.pk}:{world.learner.pk}"
    )

    # Retaking the quiz or completing lessons again adds no completion.
    lesson_complete(user=world.learner, lesson=world.extra)
    again = quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.RIGHT,
    )
    assert not again.course_completed
    assert CourseCompletion.objects.count() == 1
    assert Activity.objects.filter(verb="completed", object_type="course").count() == 1


def test_a_course_is_not_complete_while_a_quiz_added_later_is_unpassed(world):
    # The reading was completed before the instructor added a quiz to it.
    lesson_complete(user=world.learner, lesson=world.reading)
    reading = LessonPage.objects.get(pk=world.reading.pk)
    reading.body = [quiz(single_choice(id="late"), id="late-quiz")]
    reading.save()

    outcome = quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.RIGHT,
    )

    assert outcome.lesson_completed and not outcome.course_completed
    assert not CourseCompletion.objects.exists()


def test_the_attempt_limit_is_enforced(world):
    for _ in range(2):
        quiz_submit(
            user=world.learner,
            lesson=world.quiz_lesson,
            quiz_block_id="quiz",
            answers=world.WRONG,
        )

    with pytest.raises(ValidationError) as excinfo:
        quiz_submit(
            user=world.learner,
            lesson=world.quiz_lesson,
            quiz_block_id="quiz",
            answers=world.RIGHT,
        )

    assert error_code(excinfo) == "attempts_exhausted"
    assert "all 2 attempts" in excinfo.value.messages[0]
    assert QuizAttempt.objects.count() == 2


def test_unlimited_attempts_when_the_limit_is_zero(world):
    lesson = world.quiz_lesson
    lesson.body = [quiz(single_choice(), attempts_allowed=0)]
    lesson.save()

    for _ in range(4):
        quiz_submit(
            user=world.learner,
            lesson=lesson,
            quiz_block_id="quiz",
            answers={"q-single": "q-single-b"},
        )

    assert QuizAttempt.objects.count() == 4


def test_grading_uses_the_published_lesson_not_a_draft(world):
    lesson = LessonPage.objects.get(pk=world.quiz_lesson.pk)
    lesson.save_revision().publish()
    # An instructor drafts a change that makes choice b right; not yet published.
    draft = LessonPage.objects.get(pk=lesson.pk)
    draft.body = [
        quiz(
            single_choice(
                choices=[
                    {
                        "type": "item",
                        "value": {"text": "A", "correct": False},
                        "id": "q-single-a",
                    },
                    {
                        "type": "item",
                        "value": {"text": "B", "correct": True},
                        "id": "q-single-b",
                    },
                ]
            ),
            numeric(),
            pass_mark=50,
        )
    ]
    draft.save_revision()

    outcome = quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers={"q-single": "q-single-a"},
    )

    assert outcome.questions["q-single"].correct
    published = LessonPage.objects.get(pk=lesson.pk).live_revision_id
    assert published is not None
    assert outcome.attempt.revision_id == published


def _state(world) -> dict:
    enrollment = Enrollment.objects.filter(user=world.learner).first()
    return {
        "attempts": QuizAttempt.objects.count(),
        "responses": QuestionResponse.objects.count(),
        "progress": list(LessonProgress.objects.values_list("lesson", "completed_at")),
        "completions": CourseCompletion.objects.count(),
        "activities": Activity.objects.count(),
        "resume": enrollment and enrollment.last_lesson_id,
    }


def _unpublish(page_model, page):
    page_model.objects.filter(pk=page.pk).update(live=False)


@pytest.mark.parametrize(
    ("code", "prepare", "kwargs"),
    [
        ("unknown_question", None, {"answers": {"q-single": "q-single-a", "x": "1"}}),
        ("unknown_choice", None, {"answers": {"q-single": "forged-choice-id"}}),
        ("bad_response", None, {"answers": {"q-single": ["q-single-a"]}}),
        ("not_a_number", None, {"answers": {"q-num": "three"}}),
        ("quiz_not_found", None, {"quiz_block_id": "no-such-quiz"}),
        ("replayed", None, {"attempt_number": 5}),
        (
            "not_enrolled",
            lambda w: enrollment_withdraw(user=w.learner, course=w.course),
            {},
        ),
        (
            "lesson_unpublished",
            lambda w: _unpublish(LessonPage, w.quiz_lesson),
            {},
        ),
        (
            "lesson_unpublished",
            lambda w: _unpublish(ModulePage, w.module),
            {},
        ),
        (
            "course_ended",
            lambda w: CoursePage.objects.filter(pk=w.course.pk).update(
                self_paced=False, starts_on="2020-01-01", ends_on="2020-02-01"
            ),
            {},
        ),
    ],
)
def test_every_refused_submission_changes_nothing(world, code, prepare, kwargs):
    if prepare:
        prepare(world)
    before = _state(world)
    arguments = {
        "user": world.learner,
        "lesson": world.quiz_lesson,
        "quiz_block_id": "quiz",
        "answers": world.RIGHT,
        **kwargs,
    }

    with pytest.raises(ValidationError) as excinfo:
        quiz_submit(**arguments)

    assert error_code(excinfo) == code
    assert excinfo.value.messages[0]  # a message a learner can read
    assert _state(world) == before


def test_a_replayed_form_is_refused_after_the_first_submission(world):
    quiz_submit(
        user=world.learner,
        lesson=world.quiz_lesson,
        quiz_block_id="quiz",
        answers=world.WRONG,
        attempt_number=1,
    )

    with pytest.raises(ValidationError) as excinfo:
        quiz_submit(
            user=world.learner,
            lesson=world.quiz_lesson,
            quiz_block_id="quiz",
            answers=world.WRONG,
            attempt_number=1,
        )

    assert error_code(excinfo) == "replayed"
    assert QuizAttempt.objects.count() == 1
