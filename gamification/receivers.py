"""Signal receivers: keep this process's rule cache fresh after an edit."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .levels import levels_clear_cache
from .models import Level, PointsRule
from .rules import rules_clear_cache


@receiver(post_save, sender=PointsRule)
@receiver(post_delete, sender=PointsRule)
def points_rules_changed(**kwargs) -> None:
    rules_clear_cache()


@receiver(post_save, sender=Level)
@receiver(post_delete, sender=Level)
def levels_changed(**kwargs) -> None:
    levels_clear_cache()
