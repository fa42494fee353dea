"""Writes for the learner flow. Each service runs in one transaction, records its
activities (docs/ACTIVITY-VOCABULARY.md) in that transaction, and either does
everything or, with a ValidationError a learner can read, nothing."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from activity.models import Activity
from activity.services import activity_record

from . import grading
from .models import (
    CourseCompletion,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    QuestionResponse,
    QuizAttempt,
)

GRADING_ERRORS = {
    "unknown_question": _(
        "Your answers include a question that is not in this quiz. "
        "Reload the lesson and answer again."
    ),
    "unknown_choice": _(
        "One of your answers is not a choice of its question. "
        "Reload the lesson and answer again."
    ),
    "not_a_number": _("Answer with a number, for example 3.5."),
    "bad_response": _(
        "One of your answers could not be read. Reload the lesson and answer again."
    ),
    "bad_answers": _(
        "Your answers could not be read. Reload the lesson and try again."
    ),
}


@dataclass(frozen=True)
class QuestionFeedback:
    question_id: str
    correct: bool
    response: object
    explanation: object  # the question's rich-text explanation


@dataclass(frozen=True)
class QuizOutcome:
    """What a learner sees after submitting a quiz."""

    quiz_id: str
    attempt: QuizAttempt
    passed: bool
    raw: int
    max: int
    questions: dict[str, QuestionFeedback]
    lesson_completed: bool
    course_completed: bool

    @property
    def scaled(self) -> float:
        return self.raw / self.max if self.max else 0.0


# Enrolment -------------------------------------------------------------------


@transaction.atomic
def enrollment_create(*, user, course: CoursePage) -> Enrollment:
    """Enrol a learner (again, after withdrawing). Enrolling twice is harmless."""
    course = CoursePage.objects.filter(pk=course.pk).first()
    if course is None or not course.live:
        raise ValidationError(
            _("This course is not published, so it cannot be joined."),
            code="course_unpublished",
        )
    enrollment = (
        Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    )
    if enrollment is not None and enrollment.is_current:
        return enrollment
    if not course.enrolment_open:
        raise ValidationError(
            _(
                "Enrolment in “%(course)s” is closed. "
                "Browse the catalogue for another course."
            ),
            code="enrolment_closed",
            params={"course": course.title},
        )
    if course.has_ended():
        raise ValidationError(
            _("“%(course)s” has ended. Browse the catalogue for another course."),
            code="course_ended",
            params={"course": course.title},
        )
    now = timezone.now()
    completed = CourseCompletion.objects.filter(user=user, course=course).exists()
    status = Enrollment.Status.COMPLETED if completed else Enrollment.Status.ACTIVE
    if enrollment is None:
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(
                    user=user, course=course, status=status, enrolled_at=now
                )
        except IntegrityError:  # a concurrent request enrolled first
            return Enrollment.objects.get(user=user, course=course)
    else:
        enrollment.status, enrollment.enrolled_at = status, now
        enrollment.withdrawn_at = None
        enrollment.save(update_fields=["status", "enrolled_at", "withdrawn_at"])
    activity_record(
        actor=user,
        verb="registered",
        object_type="course",
        object_id=course.pk,
        idempotency_key=f"registered:{enrollment.pk}:{now.timestamp():.6f}",
        timestamp=now,
    )
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, user, course: CoursePage) -> Enrollment | None:
    """Leave a course; progress is kept for when the learner comes back.
    Records `left` (once per enrolment episode) for analytics and churn
    models. Withdrawing when not enrolled changes nothing."""
    enrollment = (
        Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    )
    if enrollment is None or not enrollment.is_current:
        return enrollment
    now = timezone.now()
    was_completed = enrollment.status == Enrollment.Status.COMPLETED
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.withdrawn_at = now
    enrollment.save(update_fields=["status", "withdrawn_at"])
    lessons_completed = LessonProgress.objects.filter(
        user=user, course=course, completed_at__isnull=False
    ).count()
    activity_record(
        actor=user,
        verb="left",
        object_type="course",
        object_id=course.pk,
        # One per enrolment episode: enrolling again starts a new one.
        idempotency_key=(
            f"left:course:{enrollment.pk}:{enrollment.enrolled_at.timestamp():.6f}"
        ),
        result={"duration": _iso_duration(now - enrollment.enrolled_at)},
        context={
            "enrolled_at": enrollment.enrolled_at.isoformat(),
            "lessons_completed": lessons_completed,
            "course_completed": was_completed,
            "last_activity_at": (
                enrollment.last_activity_at.isoformat()
                if enrollment.last_activity_at
                else None
            ),
        },
        timestamp=now,
    )
    return enrollment


# Lessons ---------------------------------------------------------------------


@transaction.atomic
def lesson_launch(*, user, lesson: LessonPage) -> LessonProgress:
    """Open a lesson: start its progress and make it the course's resume point."""
    lesson, course = _published_lesson(lesson)
    enrollment = _current_enrollment(user=user, course=course)
    now = timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"course": course, "started_at": now}
    )
    _touch(enrollment, lesson=lesson, now=now)
    activity_record(
        actor=user,
        verb="launched",
        object_type="lesson",
        object_id=lesson.pk,
        # One launch a day per lesson: enough for analytics, no flood on reloads.
        idempotency_key=f"launched:{user.pk}:{lesson.pk}:{timezone.localdate(now)}",
        context={"course": course.pk},
        timestamp=now,
    )
    return progress


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> LessonProgress:
    """Mark a lesson complete (again: harmless). A lesson with a quiz completes
    by passing it; completing the last required lesson completes the course."""
    lesson, course = _published_lesson(lesson)
    enrollment = _current_enrollment(user=user, course=course, lock=True)
    unpassed = set(lesson.quizzes()) - _passed_quiz_ids(user=user, lesson=lesson)
    if unpassed:
        raise ValidationError(
            _("Pass this lesson’s quiz to complete it."), code="quiz_not_passed"
        )
    progress, _completed = _lesson_mark_complete(
        user=user, lesson=lesson, course=course, enrollment=enrollment
    )
    return progress


# Quizzes ---------------------------------------------------------------------


@transaction.atomic
def quiz_submit(
    *,
    user,
    lesson: LessonPage,
    quiz_block_id: str,
    answers: Mapping[str, object],
    attempt_number: int | None = None,
) -> QuizOutcome:
    """Grade a quiz attempt from the published lesson and record it.

    `answers` maps question ids to responses: a choice id, a list of choice ids,
    a number or a text. `attempt_number`, when the form sends it, must be the next
    attempt, so a resubmitted (replayed) form is refused rather than counted."""
    lesson, course = _published_lesson(lesson)
    if course.has_ended():
        raise ValidationError(
            _("“%(course)s” has ended, so its quizzes no longer take answers."),
            code="course_ended",
            params={"course": course.title},
        )
    # Locking the enrolment serialises one learner's submissions (attempt numbers).
    enrollment = _current_enrollment(user=user, course=course, lock=True)
    quiz_value = lesson.quizzes().get(quiz_block_id)
    if quiz_value is None:
        raise ValidationError(
            _("This quiz is not part of the lesson any more. Reload the lesson."),
            code="quiz_not_found",
        )
    quiz = quiz_value.as_quiz(quiz_block_id)
    previous = QuizAttempt.objects.filter(
        user=user, lesson=lesson, quiz_block_id=quiz_block_id
    ).count()
    if quiz.attempts_allowed and previous >= quiz.attempts_allowed:
        raise ValidationError(
            _("You have used all %(allowed)d attempts at this quiz."),
            code="attempts_exhausted",
            params={"allowed": quiz.attempts_allowed},
        )
    if attempt_number is not None and attempt_number != previous + 1:
        raise ValidationError(
            _("These answers were already submitted. Your result is shown below."),
            code="replayed",
        )
    try:
        result = grading.grade_quiz(quiz, answers)
    except grading.GradingError as error:
        raise ValidationError(
            GRADING_ERRORS.get(error.code, GRADING_ERRORS["bad_answers"]),
            code=error.code,
            params={"question_id": error.question_id},
        ) from None

    now = timezone.now()
    attempt = QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        quiz_block_id=quiz_block_id,
        number=previous + 1,
        started_at=now,
        submitted_at=now,
        score_raw=result.raw,
        score_max=result.max,
        passed=result.passed,
        revision_id=lesson.live_revision_id,
    )
    QuestionResponse.objects.bulk_create(
        QuestionResponse(
            attempt=attempt,
            question_id=r.question_id,
            response=r.response,
            correct=r.correct,
        )
        for r in result.results
    )
    LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"course": course, "started_at": now}
    )
    context = {
        "course": course.pk,
        "lesson": lesson.pk,
        "quiz": quiz_block_id,
        "attempt": attempt.number,
    }
    for r in result.results:
        question = quiz.question(r.question_id)
        activity_record(
            actor=user,
            verb="answered",
            object_type="question",
            object_id=r.question_id,
            idempotency_key=f"answered:{attempt.pk}:{r.question_id}",
            result={
                "success": r.correct,
                "response": r.response,
                "score": {"raw": r.score, "max": 1, "scaled": float(r.score)},
            },
            context={
                **context,
                "skills": list(question.skill_ids),
                "difficulty": question.difficulty,
            },
            timestamp=now,
        )
    activity_record(
        actor=user,
        verb="passed" if result.passed else "failed",
        object_type="quiz",
        object_id=f"{lesson.pk}:{quiz_block_id}",
        idempotency_key=f"quiz:{attempt.pk}",
        result={
            "score": {"scaled": result.scaled, "raw": result.raw, "max": result.max},
            "success": result.passed,
        },
        context=context,
        timestamp=now,
    )

    lesson_completed = course_completed = False
    if result.passed and not set(lesson.quizzes()) - _passed_quiz_ids(
        user=user, lesson=lesson
    ):
        progress, course_completed = _lesson_mark_complete(
            user=user, lesson=lesson, course=course, enrollment=enrollment, now=now
        )
        lesson_completed = progress.completed_at is not None
    else:
        _touch(enrollment, lesson=lesson, now=now)

    explanations = {
        child.id: child.value.get("explanation") for child in quiz_value["questions"]
    }
    return QuizOutcome(
        quiz_id=quiz_block_id,
        attempt=attempt,
        passed=result.passed,
        raw=result.raw,
        max=result.max,
        questions={
            r.question_id: QuestionFeedback(
                question_id=r.question_id,
                correct=r.correct,
                response=r.response,
                explanation=explanations.get(r.question_id),
            )
            for r in result.results
        },
        lesson_completed=lesson_completed,
        course_completed=course_completed,
    )


# Internals -------------------------------------------------------------------


def _published_lesson(lesson: LessonPage) -> tuple[LessonPage, CoursePage]:
    """The lesson as published (the page row; drafts live only in revisions)
    and its course, or an error if either, or the module between, is not live."""
    published = LessonPage.objects.live().filter(pk=lesson.pk).first()
    course = CoursePage.objects.ancestor_of(lesson).first() if published else None
    if (
        published is None
        or course is None
        or Page.objects.ancestor_of(published)
        .filter(depth__gte=course.depth)
        .not_live()
        .exists()
    ):
        raise ValidationError(
            _(
                "This lesson is not published. "
                "Go back to the course and choose another."
            ),
            code="lesson_unpublished",
        )
    return published, course


def _current_enrollment(*, user, course: CoursePage, lock: bool = False) -> Enrollment:
    enrollments = Enrollment.objects.filter(user=user, course=course)
    if lock:
        enrollments = enrollments.select_for_update()
    enrollment = enrollments.first()
    if enrollment is None or not enrollment.is_current:
        raise ValidationError(
            _("Enrol in “%(course)s” to take part in its lessons."),
            code="not_enrolled",
            params={"course": course.title},
        )
    return enrollment


def _passed_quiz_ids(*, user, lesson: LessonPage) -> set[str]:
    return set(
        QuizAttempt.objects.filter(user=user, lesson=lesson, passed=True).values_list(
            "quiz_block_id", flat=True
        )
    )


def _touch(enrollment: Enrollment, *, lesson: LessonPage, now) -> None:
    enrollment.last_lesson, enrollment.last_activity_at = lesson, now
    enrollment.save(update_fields=["last_lesson", "last_activity_at"])


def _completion_episode(key: str, now) -> str:
    """ "" for a first completion; a suffix naming this one when an earlier
    completion under `key` was taken back (a regrade voided it), so the new
    completion is recorded rather than mistaken for a retry of the old."""
    if Activity.objects.filter(idempotency_key=key).exists():
        return f":{now.timestamp():.6f}"
    return ""


def _iso_duration(delta: datetime.timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{seconds}S"


def _lesson_mark_complete(
    *, user, lesson: LessonPage, course: CoursePage, enrollment: Enrollment, now=None
) -> tuple[LessonProgress, bool]:
    """Complete the lesson once; returns its progress and whether this
    completed the course."""
    now = now or timezone.now()
    progress, _created = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"course": course, "started_at": now}
    )
    _touch(enrollment, lesson=lesson, now=now)
    if progress.completed_at is not None:
        return progress, False
    progress.completed_at = now
    progress.save(update_fields=["completed_at"])
    duration = _iso_duration(now - progress.started_at)
    episode = _completion_episode(f"completed:lesson:{lesson.pk}:{user.pk}", now)
    for verb, result in (
        ("experienced", {"duration": duration}),
        ("completed", {"completion": True, "duration": duration}),
    ):
        activity_record(
            actor=user,
            verb=verb,
            object_type="lesson",
            object_id=lesson.pk,
            idempotency_key=f"{verb}:lesson:{lesson.pk}:{user.pk}{episode}",
            result=result,
            context={"course": course.pk},
            timestamp=now,
        )
    return progress, _course_complete_if_done(
        user=user, course=course, enrollment=enrollment, now=now
    )


def _course_complete_if_done(
    *, user, course: CoursePage, enrollment: Enrollment, now
) -> bool:
    """Complete the course when every required published lesson is complete and
    every quiz in them passed. Returns True only the first time."""
    required = dict(
        LessonPage.objects.live()
        .descendant_of(course)
        .filter(required=True)
        .values_list("pk", "body")
    )
    if not required:
        return False  # nothing to complete yet: never complete an empty course
    completed = set(
        LessonProgress.objects.filter(
            user=user, lesson_id__in=required, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    if completed != set(required):
        return False
    wanted = {
        (pk, child["id"])
        for pk, body in required.items()
        for child in body.raw_data
        if child["type"] == "quiz"
    }
    passed = set(
        QuizAttempt.objects.filter(
            user=user, lesson_id__in=required, passed=True
        ).values_list("lesson_id", "quiz_block_id")
    )
    if not wanted <= passed:
        return False
    completion, created = CourseCompletion.objects.get_or_create(
        user=user, course=course, defaults={"completed_at": now}
    )
    if enrollment.status != Enrollment.Status.COMPLETED:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.save(update_fields=["status"])
    if created:
        key = f"completed:course:{course.pk}:{user.pk}"
        activity_record(
            actor=user,
            verb="completed",
            object_type="course",
            object_id=course.pk,
            idempotency_key=key + _completion_episode(key, now),
            result={
                "completion": True,
                "duration": _iso_duration(now - enrollment.enrolled_at),
            },
            timestamp=now,
        )
    return created
