"""What gamification does with the activity log."""

from activity.registry import consumer

from .models import PAYABLE_VERBS
from .services import points_award_for_activity, points_reverse_activity


@consumer("gamification.points", verbs=PAYABLE_VERBS)
def award_points(activity) -> None:
    """Pay by the points rules; a `voided` activity reverses what it cancels."""
    if activity.verb == "voided":
        points_reverse_activity(voiding=activity)
    else:
        points_award_for_activity(activity=activity)
