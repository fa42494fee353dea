"""The learner's state, kept in ordinary models keyed to the course pages."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage, LessonPage


class Enrollment(models.Model):
    """A learner's place in a course: one row per learner and course, re-used
    when they withdraw and come back."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrollments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage,
        verbose_name=_("last lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where the learner resumes."),
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrol_once")
        ]
        indexes = [models.Index(fields=["course", "status", "enrolled_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.course_id} ({self.status})"

    @property
    def is_current(self) -> bool:
        """Active or completed: the learner may open lessons and answer quizzes."""
        return self.status != self.Status.WITHDRAWN


class LessonProgress(models.Model):
    """When a learner first opened a lesson and when they completed it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="progress"
    )
    # Denormalised from the page tree so a course's progress is one indexed query.
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_once")
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        state = "completed" if self.completed_at else "started"
        return f"{self.user} {state} lesson {self.lesson_id}"


class QuizAttempt(models.Model):
    """One graded submission of one quiz block of a lesson."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz_block_id = models.CharField(max_length=64)
    number = models.PositiveIntegerField(_("attempt number"))
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score_raw = models.PositiveIntegerField(default=0)
    score_max = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(default=False)
    # The lesson revision graded against, so statistics survive later edits.
    revision_id = models.PositiveBigIntegerField(null=True, blank=True)
    # How often an instructor's regrade changed this attempt's result (it
    # keys the corrected activities), and when it last did.
    regrade_count = models.PositiveIntegerField(_("regrades"), default=0)
    regraded_at = models.DateTimeField(_("regraded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["lesson", "quiz_block_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "quiz_block_id", "number"],
                name="quiz_attempt_number_once",
            )
        ]
        indexes = [models.Index(fields=["lesson", "quiz_block_id", "passed"])]

    def __str__(self) -> str:
        return f"{self.user} attempt {self.number} of quiz {self.quiz_block_id}"

    @property
    def score_scaled(self) -> float:
        return self.score_raw / self.score_max if self.score_max else 0.0


class QuestionResponse(models.Model):
    """A learner's answer to one question in one attempt, as graded."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="responses"
    )
    question_id = models.CharField(max_length=64)
    response = models.JSONField(null=True, blank=True)
    correct = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("question response")
        verbose_name_plural = _("question responses")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_id"], name="one_response_per_question"
            )
        ]
        indexes = [models.Index(fields=["question_id", "correct"])]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {self.correct}"


class CourseCompletion(models.Model):
    """Proof that a learner completed a course; its certificate id is shareable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_completions",
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(default=timezone.now)
    certificate_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="complete_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.course_id}"
