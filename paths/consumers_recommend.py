"""Recommendations follow what members do: an activity that shows interest in
an item (or a newly mastered skill) schedules a refresh of the actor's list,
debounced so a burst of activity refreshes once. Scheduling is idempotent, so
a replayed activity only schedules another harmless refresh."""

from django.core.cache import cache
from django.db import transaction

from activity.registry import consumer

from .recommendations import EVIDENCE_VERBS

DEBOUNCE_SECONDS = 120


def pending_key(member_id: int) -> str:
    return f"paths:recommendations:pending:{member_id}"


@consumer("paths.recommend", verbs=set(EVIDENCE_VERBS) | {"mastered"})
def schedule_refresh(activity) -> None:
    member_id = activity.actor_id
    if not cache.add(pending_key(member_id), 1, DEBOUNCE_SECONDS):
        return  # a refresh is already on its way
    from .tasks import refresh_member_recommendations

    transaction.on_commit(
        lambda: refresh_member_recommendations.apply_async(
            args=[member_id], countdown=DEBOUNCE_SECONDS // 4
        )
    )
