"""Demo recommendations and segments (wired into `seed_demo`): one demo
learner offers mentoring (the one with the surest skill estimate; mentors are
suggested for the skills they master, i.e. at or above the mastery threshold,
so they appear once their estimates get there), then the
recommender is fitted on the demo's activity log, every member's list is
computed, and today's segments and churn scores are stored — what the nightly
tasks do. Idempotent: lists are replaced, segment spells of the same day are
updated in place."""

from django.db.models import F, Max

from members.models import LearningProfile

from .recommendations import recommendations_refresh_all
from .segmentation import segments_compute


def seed_recommendations_demo(*, learners) -> dict:
    learners = list(learners)
    mentor = None
    if learners:
        from django.contrib.auth import get_user_model

        mentor = (
            get_user_model()
            .objects.filter(pk__in=[m.pk for m in learners])
            .annotate(best=Max("skill_masteries__probability"))
            .order_by(F("best").desc(nulls_last=True), "pk")
            .first()
        )
        LearningProfile.objects.update_or_create(
            user=mentor, defaults={"mentoring_available": True}
        )
    lists = recommendations_refresh_all()
    segments = segments_compute()
    return {
        "mentor": mentor.username if mentor else None,
        "recommendation_lists": lists,
        "segmented_members": segments["members"],
    }
