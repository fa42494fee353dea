"""The badges and challenges consumer of the activity log. Registered after
gamification.consumers (imported first, below), so within one dispatch the
streak is already counted when a streak badge is considered."""

from activity.registry import consumer

from . import consumers as _points_and_streaks  # noqa: F401 - registered first
from .badge_models import COUNTABLE_VERBS
from .badges import badges_award_for_activity
from .challenges import challenges_progress_for_activity

# Every verb a criterion may count, plus the ones the fixed criteria hear.
ACHIEVEMENT_VERBS = frozenset(COUNTABLE_VERBS) | {"mastered", "accepted", "completed"}


def award_achievements_batch(activities) -> None:
    """Many activities in the dispatcher's one transaction (the sweep,
    replays): each as the handler below would, members in id order and each
    member's activities in the order logged, so concurrent batches take the
    members' rows in the same order."""
    for activity in sorted(activities, key=lambda a: (a.actor_id, a.pk)):
        award_achievements(activity)


@consumer(
    "gamification.achievements",
    verbs=ACHIEVEMENT_VERBS,
    batch=award_achievements_batch,
)
def award_achievements(activity) -> None:
    """Complete challenges, then award badges. Both are no-ops (no query) for
    a verb that no active badge or running challenge listens to."""
    challenges_progress_for_activity(activity=activity)
    badges_award_for_activity(activity=activity)
