"""Courses' part of the privacy registry: enrolments, lesson progress, quiz
attempts and answers, assignment submissions, completions. Learning records
stay after erasure, attached to the anonymised member row (course statistics);
the text and files of assignment submissions are erased."""

from django.utils.translation import gettext_lazy as _

from members.privacy import register_eraser, register_exporter, rows

from .models import (
    AssignmentSubmission,
    CourseCompletion,
    Enrollment,
    LessonProgress,
    QuestionResponse,
    QuizAttempt,
)


def courses_export(member) -> dict:
    return {
        "enrolments": rows(
            Enrollment.objects.filter(user=member).order_by("enrolled_at"),
            ["course_id", "course__title", "status", "enrolled_at", "withdrawn_at"],
        ),
        "lesson_progress": rows(
            LessonProgress.objects.filter(user=member).order_by("started_at"),
            ["lesson_id", "lesson__title", "started_at", "completed_at"],
        ),
        "quiz_attempts": rows(
            QuizAttempt.objects.filter(user=member).order_by("started_at"),
            [
                "id",
                "lesson_id",
                "lesson__title",
                "number",
                "submitted_at",
                "score_raw",
                "score_max",
                "passed",
            ],
        ),
        "answers": rows(
            QuestionResponse.objects.filter(attempt__user=member).order_by("id"),
            ["attempt_id", "question_id", "response", "correct"],
        ),
        "assignment_submissions": rows(
            AssignmentSubmission.objects.filter(user=member).order_by("submitted_at"),
            [
                "lesson__title",
                "text",
                "file_name",
                "submitted_at",
                "status",
                "score",
                "max_score",
                "feedback",
            ],
        ),
        "completions": rows(
            CourseCompletion.objects.filter(user=member).order_by("completed_at"),
            ["course__title", "completed_at", "certificate_id"],
        ),
    }


def courses_erase(member) -> None:
    from django.db import transaction

    submissions = AssignmentSubmission.objects.filter(user=member)
    files = [s.file for s in submissions.exclude(file="").only("file")]
    submissions.exclude(text="", file="", file_name="").update(
        text="", file="", file_name=""
    )
    for file in files:
        transaction.on_commit(lambda f=file: f.storage.delete(f.name))


register_exporter(
    "courses",
    courses_export,
    label=_("Courses: enrolments, progress, answers and submissions"),
    purpose=_(
        "To show your progress, grade your quizzes and assignments and issue "
        "certificates."
    ),
    retention=_(
        "Progress and scores are kept without your name after you delete your "
        "account; the text and files of your submissions are erased."
    ),
)
register_eraser("courses", courses_erase)
