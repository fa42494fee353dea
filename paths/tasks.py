"""Celery tasks of the paths app: thin wrappers around services."""

from celery import shared_task


@shared_task(
    name="paths.tasks.refit_mastery_model",
    ignore_result=True,
    soft_time_limit=1500,
    time_limit=1800,
)
def refit_mastery_model(force: bool = False) -> int | None:
    """Nightly: refit the mastery model from the site's own answers once there
    are enough; activate the fit only if its held-out AUC is not worse."""
    from .mastery import mastery_refit

    fit = mastery_refit(force=force)
    return fit.pk if fit is not None else None


@shared_task(
    name="paths.tasks.recompute_mastery_estimates",
    ignore_result=True,
    soft_time_limit=1500,
    time_limit=1800,
)
def recompute_mastery_estimates() -> int:
    """Recompute every estimate with the active parameters (after an operator
    switched the active fit)."""
    from .mastery import mastery_recompute_all

    return mastery_recompute_all()


@shared_task(
    name="paths.tasks.refresh_recommendations",
    ignore_result=True,
    soft_time_limit=3000,
    time_limit=3600,
)
def refresh_recommendations() -> int:
    """Nightly: refit the recommender on the activity log and recompute every
    member's list."""
    from .recommendations import recommendations_refresh_all

    return recommendations_refresh_all()


@shared_task(
    name="paths.tasks.refresh_member_recommendations",
    ignore_result=True,
    soft_time_limit=120,
    time_limit=180,
)
def refresh_member_recommendations(member_id: int) -> int:
    """One member's list after their activity (debounced by the consumer)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from .consumers_recommend import pending_key
    from .recommendations import recommendations_refresh

    cache.delete(pending_key(member_id))
    member = get_user_model().objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        return 0
    return recommendations_refresh(member=member)


@shared_task(
    name="paths.tasks.compute_segments",
    ignore_result=True,
    soft_time_limit=3000,
    time_limit=3600,
)
def compute_segments() -> dict:
    """Daily: segments with history, the churn model and today's risk scores."""
    from .segmentation import segments_compute

    return segments_compute()
