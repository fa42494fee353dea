"""What learners hand in for a lesson's assignment blocks, and its grading."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage, LessonPage


def submission_upload_to(instance, filename: str) -> str:
    # An unguessable name: files are served only through a permission-checked
    # view, and the learner's own file name is kept in `file_name`.
    suffix = PurePath(filename).suffix.lower()
    return f"assignments/{instance.lesson_id}/{uuid.uuid4().hex}{suffix}"


class AssignmentSubmission(models.Model):
    """A learner's current hand-in for one assignment block: one row per learner
    and assignment, replaced on resubmission until an instructor grades it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        GRADED = "graded", _("Graded")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment_submissions",
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="assignment_submissions"
    )
    # Denormalised from the page tree so an instructor's queue is one query.
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="assignment_submissions"
    )
    block_id = models.CharField(_("assignment block id"), max_length=64)
    text = models.TextField(_("text"), blank=True, max_length=20000)
    file = models.FileField(_("file"), upload_to=submission_upload_to, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # How many times this learner handed in; part of the activity key.
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("maximum score"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True, max_length=20000)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("graded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment submission")
        verbose_name_plural = _("assignment submissions")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="one_submission_each"
            )
        ]
        indexes = [models.Index(fields=["course", "status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.lesson_id}/{self.block_id} ({self.status})"

    @property
    def is_graded(self) -> bool:
        return self.status == self.Status.GRADED
