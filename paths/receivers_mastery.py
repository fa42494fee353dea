"""When an operator switches the active mastery fit in the admin, the cached
parameters go and every estimate is recomputed with the new ones (the nightly
refit does both itself when it activates a fit it has just created). Saved
mastery settings clear their cache."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import MasteryModelFit, MasterySettings


@receiver(post_save, sender=MasteryModelFit, dispatch_uid="paths.mastery_fit_saved")
def mastery_fit_saved(sender, instance, created, **kwargs) -> None:
    if created:
        return
    from .mastery import PARAMS_CACHE_KEY
    from .tasks import recompute_mastery_estimates

    def after_commit():
        cache.delete(PARAMS_CACHE_KEY)
        recompute_mastery_estimates.delay()

    transaction.on_commit(after_commit)


@receiver(
    post_save, sender=MasterySettings, dispatch_uid="paths.mastery_settings_saved"
)
def mastery_settings_saved(sender, instance, **kwargs) -> None:
    """Operators' changes apply at once (and again after commit, in case another
    process cached the old values meanwhile)."""
    from .mastery import SETTINGS_CACHE_KEY

    cache.delete(SETTINGS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SETTINGS_CACHE_KEY))
