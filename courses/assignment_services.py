"""Handing in assignments and grading them. Each write is one transaction that
records its activity (`submitted`, `scored`) in that transaction, or changes
nothing and raises an error the member can read."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record

from .models import AssignmentSubmission, CourseInstructor, CoursePage, LessonPage
from .services import _current_enrollment, _published_lesson
from .validators import accepted_extensions, validate_submission_file

Status = AssignmentSubmission.Status


@dataclass(frozen=True)
class AssignmentSpec:
    """An assignment block's settings, as the services need them."""

    block_id: str
    title: str
    accepts_text: bool
    accepts_files: bool
    extensions: frozenset[str]
    max_bytes: int
    max_score: int


def assignment_spec(lesson: LessonPage, block_id: str) -> AssignmentSpec | None:
    for child in lesson.body:
        if child.block_type == "assignment" and child.id == block_id:
            value = child.value
            return AssignmentSpec(
                block_id=block_id,
                title=value["title"],
                accepts_text=bool(value["accepts_text"]),
                accepts_files=bool(value["accepts_files"]),
                extensions=frozenset(accepted_extensions(value["file_extensions"])),
                max_bytes=int(value["max_file_mb"] or 1) * 1024 * 1024,
                max_score=int(value.get("max_score") or 100),
            )
    return None


# Reads -----------------------------------------------------------------------


def assignment_can_grade(*, user, course: CoursePage) -> bool:
    """Staff, and the course's instructors."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or (
        CourseInstructor.objects.filter(course=course, user=user).exists()
    )


def assignment_is_grader(*, user) -> bool:
    """Whether the member grades anything at all (staff or any instructor)."""
    return user.is_staff or CourseInstructor.objects.filter(user=user).exists()


def assignments_to_grade(*, user, status: str | None = Status.SUBMITTED):
    """Submissions in the courses this member may grade, oldest first."""
    submissions = AssignmentSubmission.objects.select_related(
        "user", "lesson", "course", "graded_by"
    ).order_by("submitted_at", "pk")
    if not user.is_staff:
        submissions = submissions.filter(course__instructor_links__user=user)
    if status:
        submissions = submissions.filter(status=status)
    return submissions


def assignment_block_context(value, parent_context) -> dict:
    """For the assignment block template: the learner's submission and, when
    they may hand in, the form's address."""
    page, user = parent_context.get("page"), parent_context.get("user")
    block_id = parent_context.get("id") or ""
    progress = parent_context.get("progress")
    submission = None
    if getattr(user, "is_authenticated", False) and isinstance(page, LessonPage):
        submission = AssignmentSubmission.objects.filter(
            user=user, lesson=page, block_id=block_id
        ).first()
    can_submit = bool(
        block_id
        and isinstance(page, LessonPage)
        and progress is not None
        and progress.is_enrolled
        and not (submission and submission.is_graded)
    )
    extensions = sorted(accepted_extensions(value["file_extensions"]))
    return {
        "assignment_id": block_id,
        "submission": submission,
        "submit_url": reverse(
            "courses:assignment_submit",
            kwargs={"lesson_id": page.pk, "block_id": block_id},
        )
        if can_submit
        else "",
        "accept": ",".join(f".{ext}" for ext in extensions),
        "extensions": extensions,
    }


# Writes ----------------------------------------------------------------------


@transaction.atomic
def assignment_submit(
    *, user, lesson: LessonPage, block_id: str, text: str = "", file=None
) -> AssignmentSubmission:
    """Hand in (or replace, until graded) a learner's work for an assignment."""
    lesson, course = _published_lesson(lesson)
    _current_enrollment(user=user, course=course)
    if course.has_ended():
        raise ValidationError(
            _("“%(course)s” has ended, so it no longer takes assignments."),
            code="course_ended",
            params={"course": course.title},
        )
    spec = assignment_spec(lesson, block_id)
    if spec is None:
        raise ValidationError(
            _("This assignment is not part of the lesson any more. Reload it."),
            code="assignment_not_found",
        )
    text = (text or "").strip()
    if text and not spec.accepts_text:
        raise ValidationError(
            _("This assignment takes files only; attach your work as a file."),
            code="text_not_accepted",
        )
    if file and not spec.accepts_files:
        raise ValidationError(
            _("This assignment takes text only; paste your work into the box."),
            code="files_not_accepted",
        )
    if not text and not file:
        raise ValidationError(
            _("Add your work (text or a file) before handing in."), code="empty"
        )
    if file:
        validate_submission_file(
            file, extensions=set(spec.extensions), max_bytes=spec.max_bytes
        )
    submission = (
        AssignmentSubmission.objects.select_for_update()
        .filter(user=user, lesson=lesson, block_id=block_id)
        .first()
    )
    if submission is not None and submission.is_graded:
        raise ValidationError(
            _("This assignment has been graded, so it cannot be handed in again."),
            code="already_graded",
        )
    now = timezone.now()
    if submission is None:
        submission = AssignmentSubmission(
            user=user, lesson=lesson, course=course, block_id=block_id, version=0
        )
    old_file = submission.file.name if submission.file else ""
    submission.version += 1
    submission.text = text
    submission.submitted_at = now
    submission.max_score = spec.max_score
    if file:
        submission.file_name = file.name[:255]
        submission.file.save(file.name, file, save=False)
    else:
        submission.file, submission.file_name = None, ""
    submission.full_clean(exclude=["file"])
    submission.save()
    if old_file and old_file != submission.file.name:
        storage = submission.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    activity_record(
        actor=user,
        verb="submitted",
        object_type="assignment",
        object_id=f"{lesson.pk}:{block_id}",
        idempotency_key=f"submitted:{submission.pk}:{submission.version}",
        context={"course": course.pk, "lesson": lesson.pk},
        timestamp=now,
    )
    return submission


@transaction.atomic
def assignment_grade(
    *, by, submission: AssignmentSubmission, score: int, feedback: str = ""
) -> AssignmentSubmission:
    """Score a submission (0 to the block's maximum) with feedback; only the
    course's instructors and staff may, and only once."""
    submission = (
        AssignmentSubmission.objects.select_for_update()
        .select_related("course", "lesson", "user")
        .get(pk=submission.pk)
    )
    if not assignment_can_grade(user=by, course=submission.course):
        raise PermissionDenied(
            _("Only this course’s instructors and staff can grade its assignments.")
        )
    if submission.is_graded:
        raise ValidationError(
            _("This submission is already graded."), code="already_graded"
        )
    spec = assignment_spec(submission.lesson, submission.block_id)
    maximum = spec.max_score if spec else submission.max_score or 100
    if (
        isinstance(score, bool)
        or not isinstance(score, int)
        or not (0 <= score <= maximum)
    ):
        raise ValidationError(
            _("Give a whole-number score from 0 to %(max)d."),
            code="bad_score",
            params={"max": maximum},
        )
    now = timezone.now()
    submission.status = Status.GRADED
    submission.score, submission.max_score = score, maximum
    submission.feedback = (feedback or "").strip()
    submission.graded_by, submission.graded_at = by, now
    submission.full_clean(exclude=["file"])
    submission.save()
    activity_record(
        actor=submission.user,
        verb="scored",
        object_type="assignment",
        object_id=f"{submission.lesson_id}:{submission.block_id}",
        idempotency_key=f"scored:{submission.pk}",
        result={"score": {"raw": score, "max": maximum, "scaled": score / maximum}},
        context={
            "course": submission.course_id,
            "lesson": submission.lesson_id,
            "graded_by": by.pk,
        },
        timestamp=now,
    )
    return submission
