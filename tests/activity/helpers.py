"""Helpers shared by the activity tests."""

from datetime import timedelta

from django.utils import timezone

from activity import registry
from activity.models import Activity


def age(activity: Activity, seconds: int) -> None:
    """Pretend the activity was recorded `seconds` ago."""
    Activity.objects.filter(pk=activity.pk).update(
        recorded_at=timezone.now() - timedelta(seconds=seconds)
    )


def expected_consumers(verb: str) -> set[str]:
    return {c.name for c in registry.consumers_for(verb)}


def make_due(activity: Activity) -> None:
    """Pretend the activity's back-off after a failed dispatch has passed."""
    Activity.objects.filter(pk=activity.pk).update(
        retry_after=timezone.now() - timedelta(seconds=1)
    )
