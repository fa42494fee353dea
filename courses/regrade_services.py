"""Regrading a quiz after an instructor corrected it.

Attempts keep every learner's response as graded (`QuestionResponse`), so when
an instructor fixes a question's correct answer, its attempts can be graded
again on the server from the published lesson. What changes is corrected in
the log the xAPI way: the earlier `answered` and `passed`/`failed` activities
are voided (consumers undo what they paid) and new ones are recorded, keyed by
the attempt's regrade number, with the attempt's own timestamp (a regrade is
not a new learning day). Lesson and course completion follow the new results.

Rules of a regrade
- Only questions the attempt answered and the quiz still has count; questions
  removed since drop out of the score, questions added since are not held
  against attempts made before them.
- A learner whose quiz is now passed completes the lesson (and, if enrolled,
  possibly the course); one whose quiz is no longer passed has the lesson's
  completion — and the course's, when the lesson is required — taken back.
- Running it again changes nothing: only attempts whose result differs from
  what is stored are touched."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Activity
from activity.services import activity_record

from . import grading
from .instructor_services import course_ids_editable_by
from .models import (
    CourseCompletion,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    QuestionResponse,
    QuizAttempt,
)
from .services import _lesson_mark_complete, _published_lesson


@dataclass(frozen=True)
class RegradeReport:
    """What a regrade changed, for the instructor's confirmation message."""

    attempts: int  # attempts of the quiz looked at
    changed: int  # attempts whose score or result changed
    learners: int  # learners with at least one changed attempt
    lessons_completed: int  # learners who now complete the lesson
    courses_completed: int  # … and with it the course
    lessons_reopened: int  # learners whose lesson completion was taken back
    courses_reopened: int  # learners whose course completion was taken back


def quiz_regrade_allowed(*, user, lesson: LessonPage) -> bool:
    """Superusers and whoever may edit the lesson's course (its instructors)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    course = CoursePage.objects.ancestor_of(lesson).first()
    return course is not None and course.pk in course_ids_editable_by(user)


@transaction.atomic
def quiz_regrade(*, by, lesson: LessonPage, quiz_block_id: str) -> RegradeReport:
    """Grade every attempt at one quiz of a published lesson again from the
    stored responses, and correct attempts, progress, completion and the
    activity log where the result changed. Idempotent."""
    if not quiz_regrade_allowed(user=by, lesson=lesson):
        raise PermissionDenied(
            _("Only the course’s instructors can regrade its quizzes.")
        )
    lesson, course = _published_lesson(lesson)
    quiz_value = lesson.quizzes().get(quiz_block_id)
    if quiz_value is None:
        raise ValidationError(
            _("This quiz is not part of the published lesson. Reload and try again."),
            code="quiz_not_found",
        )
    quiz = quiz_value.as_quiz(quiz_block_id)
    attempts_q = QuizAttempt.objects.filter(lesson=lesson, quiz_block_id=quiz_block_id)
    # Lock in quiz_submit's order (enrolment, then attempts) so a learner
    # submitting meanwhile waits instead of deadlocking.
    enrollments = {
        enrollment.user_id: enrollment
        for enrollment in Enrollment.objects.select_for_update()
        .filter(course=course, user_id__in=attempts_q.values("user_id"))
        .order_by("pk")
    }
    attempts = list(
        attempts_q.select_for_update(of=("self",))
        .select_related("user")
        .prefetch_related("responses")
        .order_by("user_id", "number")
    )
    now = timezone.now()
    changed_users: set[int] = set()
    changed = 0
    for attempt in attempts:
        if _regrade_attempt(
            attempt, quiz=quiz, lesson=lesson, course=course, by=by, now=now
        ):
            changed += 1
            changed_users.add(attempt.user_id)

    completed = courses_completed = reopened = courses_reopened = 0
    users = {attempt.user_id: attempt.user for attempt in attempts}
    for user_id, user in users.items():
        outcome = _align_completion(
            user=user,
            lesson=lesson,
            course=course,
            enrollment=enrollments.get(user_id),
            by=by,
            now=now,
        )
        completed += outcome in ("completed", "course_completed")
        courses_completed += outcome == "course_completed"
        reopened += outcome in ("reopened", "course_reopened")
        courses_reopened += outcome == "course_reopened"
    return RegradeReport(
        attempts=len(attempts),
        changed=changed,
        learners=len(changed_users),
        lessons_completed=completed,
        courses_completed=courses_completed,
        lessons_reopened=reopened,
        courses_reopened=courses_reopened,
    )


def quiz_regrade_pending(*, lesson: LessonPage) -> dict[str, int]:
    """Per quiz of the lesson, how many attempts were graded against an
    earlier revision of the lesson than the published one (and might now
    grade differently). 1 query."""
    counts = dict.fromkeys(lesson.quizzes(), 0)
    rows = (
        QuizAttempt.objects.filter(lesson=lesson, quiz_block_id__in=list(counts))
        .exclude(revision_id=lesson.live_revision_id)
        .values_list("quiz_block_id")
    )
    for (quiz_id,) in rows:
        counts[quiz_id] += 1
    return counts


# Internals -------------------------------------------------------------------


def _regrade_attempt(
    attempt: QuizAttempt, *, quiz: grading.Quiz, lesson, course, by, now
) -> bool:
    """Grade one attempt again; store and log the difference. Returns whether
    anything changed."""
    responses = {row.question_id: row for row in attempt.responses.all()}
    results: list[tuple[QuestionResponse, grading.Question, bool]] = []
    for question in quiz.questions:
        row = responses.get(question.id)
        if row is None:
            continue  # added after this attempt: not held against it
        results.append((row, question, _is_correct(question, row.response)))
    raw = sum(1 for _row, _q, correct in results if correct)
    maximum = len(results)
    passed = maximum > 0 and raw * 100 >= quiz.pass_mark * maximum
    flipped = [
        (row, q, correct) for row, q, correct in results if row.correct != correct
    ]
    score_changed = (attempt.score_raw, attempt.score_max, attempt.passed) != (
        raw,
        maximum,
        passed,
    )
    if not flipped and not score_changed:
        return False

    number = attempt.regrade_count + 1
    for row, _question, correct in flipped:
        row.correct = correct
    QuestionResponse.objects.bulk_update([row for row, _q, _c in flipped], ["correct"])
    attempt.score_raw, attempt.score_max, attempt.passed = raw, maximum, passed
    attempt.regrade_count, attempt.regraded_at = number, now
    attempt.revision_id = lesson.live_revision_id
    attempt.save(
        update_fields=[
            "score_raw",
            "score_max",
            "passed",
            "regrade_count",
            "regraded_at",
            "revision_id",
        ]
    )

    user = attempt.user
    context = {
        "course": course.pk,
        "lesson": lesson.pk,
        "quiz": quiz.id,
        "attempt": attempt.number,
        "regrade": number,
    }
    for row, question, correct in flipped:
        key = f"answered:{attempt.pk}:{question.id}"
        _void_current(user=user, base_key=key, by=by, regrade=number)
        activity_record(
            actor=user,
            verb="answered",
            object_type="question",
            object_id=question.id,
            idempotency_key=f"{key}:r{number}",
            result={
                "success": correct,
                "response": row.response,
                "score": {"raw": int(correct), "max": 1, "scaled": float(correct)},
            },
            context={
                **context,
                "skills": list(question.skill_ids),
                "difficulty": question.difficulty,
            },
            timestamp=attempt.submitted_at or now,
        )
    if score_changed:
        key = f"quiz:{attempt.pk}"
        _void_current(user=user, base_key=key, by=by, regrade=number)
        activity_record(
            actor=user,
            verb="passed" if passed else "failed",
            object_type="quiz",
            object_id=f"{lesson.pk}:{quiz.id}",
            idempotency_key=f"{key}:r{number}",
            result={
                "score": {
                    "scaled": raw / maximum if maximum else 0.0,
                    "raw": raw,
                    "max": maximum,
                },
                "success": passed,
            },
            context=context,
            timestamp=attempt.submitted_at or now,
        )
    return True


def _is_correct(question: grading.Question, stored: object) -> bool:
    """Whether a stored (already cleaned) response answers the corrected
    question; a response the question can no longer read counts as wrong."""
    try:
        return grading.is_correct(question, stored)
    except (ArithmeticError, TypeError, ValueError):
        return False


def _align_completion(*, user, lesson, course, enrollment, by, now) -> str | None:
    """Complete or reopen the lesson (and the course) to match the quizzes
    the learner now passes. Returns what changed: "completed",
    "course_completed", "reopened", "course_reopened" or None."""
    passed = set(
        QuizAttempt.objects.filter(user=user, lesson=lesson, passed=True).values_list(
            "quiz_block_id", flat=True
        )
    )
    all_passed = not set(lesson.quizzes()) - passed
    progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    is_complete = progress is not None and progress.completed_at is not None
    if all_passed and not is_complete:
        if enrollment is None or not enrollment.is_current:
            return None  # left the course: completes on passing after return
        _progress, course_done = _lesson_mark_complete(
            user=user, lesson=lesson, course=course, enrollment=enrollment, now=now
        )
        return "course_completed" if course_done else "completed"
    if not all_passed and is_complete:
        progress.completed_at = None
        progress.save(update_fields=["completed_at"])
        for verb in ("completed", "experienced"):
            _void_current(
                user=user,
                base_key=f"{verb}:lesson:{lesson.pk}:{user.pk}",
                by=by,
                regrade=None,
            )
        if lesson.required and _course_reopen(user=user, course=course, by=by):
            if (
                enrollment is not None
                and enrollment.status == Enrollment.Status.COMPLETED
            ):
                enrollment.status = Enrollment.Status.ACTIVE
                enrollment.save(update_fields=["status"])
            return "course_reopened"
        return "reopened"
    return None


def _course_reopen(*, user, course: CoursePage, by) -> bool:
    """Take back a course completion (and void its activity)."""
    deleted, _per_model = CourseCompletion.objects.filter(
        user=user, course=course
    ).delete()
    if not deleted:
        return False
    _void_current(
        user=user,
        base_key=f"completed:course:{course.pk}:{user.pk}",
        by=by,
        regrade=None,
    )
    return True


def _void_current(*, user, base_key: str, by, regrade: int | None) -> None:
    """Void the learner's activity recorded under `base_key` or one of its
    later versions (a regrade's `:r<n>`, a re-completion's timestamp) that is
    not voided yet."""
    voided = Activity.objects.filter(
        verb="voided",
        object_type="activity",
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    current = (
        Activity.objects.filter(actor=user)
        .filter(
            Q(idempotency_key=base_key) | Q(idempotency_key__startswith=base_key + ":")
        )
        .exclude(verb="voided")
        .exclude(Exists(voided))
    )
    for activity in current:
        activity_record(
            actor=user,
            verb="voided",
            object_type="activity",
            object_id=activity.pk,
            idempotency_key=f"voided:{activity.pk}",
            context={"reason": "regrade", "by": by.pk, "regrade": regrade},
        )
