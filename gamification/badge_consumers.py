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


@consumer("gamification.achievements", verbs=ACHIEVEMENT_VERBS)
def award_achievements(activity) -> None:
    """Complete challenges, then award badges. Both are no-ops (no query) for
    a verb that no active badge or running challenge listens to."""
    challenges_progress_for_activity(activity=activity)
    badges_award_for_activity(activity=activity)
