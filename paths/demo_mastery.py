"""Demo mastery estimates for `make run` (wired into `seed_demo`): the demo
learners' quiz answers, accepted forum answers and reviewed assignments are
replayed through the mastery consumer exactly as `manage.py activity_replay`
would, so "My skills" shows real estimates.

Deterministic and idempotent: the consumer's receipts make a second run skip
every activity it already handled."""

from django.db import transaction
from django.db.models import Q

from activity.models import Activity
from activity.services import activity_dispatch

CONSUMER = "paths.mastery"


@transaction.atomic
def seed_mastery_demo(members) -> dict:
    """Run the mastery consumer over the members' activities (oldest first)."""
    ran = 0
    # Evidence from an accepted answer goes to the answer's author, while the
    # activity's actor is the asker: replay the whole forum's acceptances.
    pending = Activity.objects.filter(
        Q(verb__in=("answered", "scored"), actor__in=list(members))
        | Q(verb__in=("accepted", "voided"))
    )
    for activity_id in pending.order_by("timestamp", "pk").values_list("pk", flat=True):
        ran += len(activity_dispatch(activity_id=activity_id, only=CONSUMER))
    return {"mastery_consumer_runs": ran}
