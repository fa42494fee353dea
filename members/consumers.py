"""What members does with the activity log."""

from django.db.models import F
from django.utils import timezone

from activity.registry import consumer

from .models import PresenceDay


@consumer("members.presence")
def record_presence(activity) -> None:
    """Count the member as present on the activity's day (days visited feed
    trust levels, streaks and daily-active counts)."""
    moment = activity.timestamp
    day = timezone.localdate(moment)
    presence, created = PresenceDay.objects.get_or_create(
        user_id=activity.actor_id,
        day=day,
        defaults={"first_seen": moment, "actions": 1},
    )
    if not created:
        PresenceDay.objects.filter(pk=presence.pk).update(actions=F("actions") + 1)
        if moment < presence.first_seen:
            PresenceDay.objects.filter(pk=presence.pk).update(first_seen=moment)
