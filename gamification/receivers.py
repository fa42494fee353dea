"""Signal receivers: keep this process's rule cache fresh after an edit."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import PointsRule
from .rules import rules_clear_cache


@receiver(post_save, sender=PointsRule)
@receiver(post_delete, sender=PointsRule)
def points_rules_changed(**kwargs) -> None:
    rules_clear_cache()
