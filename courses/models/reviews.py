"""Learners' ratings and reviews of courses."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage


class CourseReviewQuerySet(models.QuerySet):
    def for_listing(self) -> "CourseReviewQuerySet":
        """Newest first, with each reviewer fetched in the same query."""
        return self.select_related("user").order_by("-updated_at", "-pk")

    def summary(self) -> dict:
        """{"average": float | None, "count": int} in one query."""
        return self.aggregate(average=models.Avg("rating"), count=models.Count("pk"))


class CourseReview(models.Model):
    """One learner's rating (1–5) and review of a course; they may edit it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_reviews",
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = CourseReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("course review")
        verbose_name_plural = _("course reviews")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="review_once"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="review_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["course", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.user} rated {self.course_id}: {self.rating}"
