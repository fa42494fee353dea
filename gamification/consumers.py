"""What gamification does with the activity log. Each consumer also has a
batch handler for the sweep and replays, with the same effects as its
per-activity handler on each activity in order."""

from activity.registry import consumer

from .models import PAYABLE_VERBS, GamificationSettings, LearningDay
from .services import (
    game_profiles_peek,
    member_local_date,
    points_award_for_activities,
    points_award_for_activity,
    points_reverse_activity,
)
from .streak_services import activity_counts_for_streak, streak_record_learning


def award_points_batch(activities) -> None:
    """Awards in runs between `voided` activities, each run in one go; a
    voiding is applied where it stands, so later awards see its reversal (a
    reversal gives back room under a daily cap)."""
    run = []
    for activity in activities:
        if activity.verb == "voided":
            points_award_for_activities(activities=run)
            run = []
            points_reverse_activity(voiding=activity)
        else:
            run.append(activity)
    points_award_for_activities(activities=run)


@consumer("gamification.points", verbs=PAYABLE_VERBS, batch=award_points_batch)
def award_points(activity) -> None:
    """Pay by the points rules; a `voided` activity reverses what it cancels."""
    if activity.verb == "voided":
        points_reverse_activity(voiding=activity)
    else:
        points_award_for_activity(activity=activity)


def count_learning_days(activities) -> None:
    """Counts each member's day once: a day that is already a learning day (in
    the database or earlier in this batch) would change nothing, so only the
    first activity of a new day goes through the streak service."""
    min_length = (
        GamificationSettings.load().reply_min_length
        if any(a.verb == "replied" for a in activities)
        else 0
    )
    # Member by member (each member's activities still in order): the streak
    # service locks the member's profile, and batches running at once must
    # take those locks in the same order.
    learning = sorted(
        (
            a
            for a in activities
            if activity_counts_for_streak(a, reply_min_length=min_length)
        ),
        key=lambda a: a.actor_id,
    )
    if not learning:
        return
    profiles = game_profiles_peek(member_ids={a.actor_id for a in learning})
    days = [
        (a.actor_id, member_local_date(profiles[a.actor_id], a.timestamp))
        for a in learning
    ]
    counted = set(
        LearningDay.objects.filter(
            member_id__in=profiles, day__in={day for _m, day in days}, frozen=False
        ).values_list("member_id", "day")
    )
    for activity, member_day in zip(learning, days, strict=True):
        if member_day in counted:
            continue
        counted.add(member_day)
        streak_record_learning(member_id=activity.actor_id, moment=activity.timestamp)


@consumer(
    "gamification.streaks",
    verbs={"completed", "answered", "passed", "attended", "replied"},
    batch=count_learning_days,
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
