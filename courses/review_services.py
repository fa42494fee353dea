"""Rating and reviewing a course."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record

from .content_cache import cached
from .models import CoursePage, CourseReview, Enrollment

REVIEWS_SHOWN = 20


@dataclass(frozen=True)
class ReviewSummary:
    average: float | None
    count: int
    reviews: list[CourseReview]
    own: CourseReview | None
    can_review: bool


def course_reviews(
    *,
    course: CoursePage,
    user,
    limit: int = REVIEWS_SHOWN,
    enrolled: bool | None = None,
):
    """The course's rating and latest reviews (cached), and the member's own:
    0 queries for a visitor, 1 for a member (2 unless the caller knows
    `enrolled`), however many reviews there are."""
    reviews = CourseReview.objects.filter(course=course)

    def listing():
        return reviews.summary(), list(reviews.for_listing()[:limit])

    # The same for every visitor: cached with the course content, which a
    # saved or deleted review changes (courses/receivers.py).
    summary, latest = cached(f"reviews:{course.pk}:{limit}", listing)
    own = None
    can_review = False
    if getattr(user, "is_authenticated", False):
        own = reviews.filter(user=user).first()
        can_review = (
            enrolled if enrolled is not None else _is_enrolled(user=user, course=course)
        )
    return ReviewSummary(
        average=summary["average"],
        count=summary["count"],
        reviews=latest,
        own=own,
        can_review=can_review,
    )


@transaction.atomic
def review_upsert(
    *, user, course: CoursePage, rating: int, text: str = ""
) -> CourseReview:
    """Rate and review a course, or edit one's review; only learners enrolled
    (or finished) may. Each saved change records a `rated` activity."""
    if not CoursePage.objects.live().filter(pk=course.pk).exists():
        raise ValidationError(
            _("This course is not published, so it cannot be reviewed."),
            code="course_unpublished",
        )
    if not _is_enrolled(user=user, course=course):
        raise ValidationError(
            _("Enrol in “%(course)s” to review it."),
            code="not_enrolled",
            params={"course": course.title},
        )
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError(
            _("Choose a rating from 1 to 5 stars."), code="bad_rating"
        )
    text = (text or "").strip()
    now = timezone.now()
    review = (
        CourseReview.objects.select_for_update()
        .filter(user=user, course=course)
        .first()
    )
    if review is None:
        review = CourseReview(user=user, course=course, created_at=now)
    elif review.rating == rating and review.text == text:
        return review  # nothing changed: record nothing
    review.rating, review.text, review.updated_at = rating, text, now
    review.full_clean(validate_unique=False)
    review.save()
    activity_record(
        actor=user,
        verb="rated",
        object_type="course",
        object_id=course.pk,
        idempotency_key=f"rated:{review.pk}:{now.timestamp():.6f}",
        result={"score": {"raw": rating, "min": 1, "max": 5, "scaled": rating / 5}},
        timestamp=now,
    )
    return review


def _is_enrolled(*, user, course: CoursePage) -> bool:
    return (
        Enrollment.objects.filter(user=user, course=course)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .exists()
    )
