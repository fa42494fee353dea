"""Re-planning from the activity log: a member's path follows what they do.

Not on every `answered`: a quiz's answers are followed by its `passed` or
`failed`, which re-plans once with the mastery the answers moved; a skill
crossing the threshold arrives as `mastered`."""

from activity.registry import consumer

from .models import LearningPath
from .services import path_replan


@consumer(
    "paths.replan", verbs={"passed", "failed", "completed", "mastered", "attended"}
)
def replan_on_progress(activity) -> None:
    """Re-plan the actor's path (idempotent: the same state gives the same
    path). A completed path is the planner's own news, not a reason to plan."""
    if activity.verb == "completed" and activity.object_type == "path":
        return
    if not LearningPath.objects.filter(member_id=activity.actor_id).exists():
        return
    path_replan(member=activity.actor)
