"""What gamification does with the activity log."""

from activity.registry import consumer

from .models import PAYABLE_VERBS, GamificationSettings
from .services import points_award_for_activity, points_reverse_activity
from .streak_services import activity_counts_for_streak, streak_record_learning


@consumer("gamification.points", verbs=PAYABLE_VERBS)
def award_points(activity) -> None:
    """Pay by the points rules; a `voided` activity reverses what it cancels."""
    if activity.verb == "voided":
        points_reverse_activity(voiding=activity)
    else:
        points_award_for_activity(activity=activity)


@consumer(
    "gamification.streaks",
    verbs={"completed", "answered", "passed", "attended", "replied"},
)
def count_learning_day(activity) -> None:
    """Real learning extends the member's daily streak (see streak_services)."""
    # The settings row is read only for the one verb that needs it.
    min_length = (
        GamificationSettings.load().reply_min_length
        if activity.verb == "replied"
        else 0
    )
    if activity_counts_for_streak(activity, reply_min_length=min_length):
        streak_record_learning(member_id=activity.actor_id, moment=activity.timestamp)
