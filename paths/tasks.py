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
