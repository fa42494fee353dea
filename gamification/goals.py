"""Counting what members did, from the activity log, for badge criteria and
challenge goals: one indexed query per count, voided activities left out."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from activity.models import Activity


@dataclass(frozen=True)
class Goal:
    """What to count: a verb, optionally one object type, optionally only
    successful results, each object once or every time."""

    verb: str
    object_type: str = ""
    success_only: bool = False
    distinct_objects: bool = True


def not_voided() -> Exists:
    """True for an activity that no `voided` activity cancels."""
    return ~Exists(
        Activity.objects.filter(
            verb="voided",
            object_type="activity",
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
    )


def goal_filter(goal: Goal, *, since=None, until=None) -> Q:
    """The condition an activity meets to count towards `goal` within
    [since, until)."""
    condition = Q(verb=goal.verb)
    if goal.object_type:
        condition &= Q(object_type=goal.object_type)
    if goal.success_only:
        condition &= Q(result__success=True)
    if since is not None:
        condition &= Q(timestamp__gte=since)
    if until is not None:
        condition &= Q(timestamp__lt=until)
    return condition


def goal_count_expression(goal: Goal, condition: Q) -> Count:
    if not goal.distinct_objects:
        return Count("pk", filter=condition)
    if goal.object_type:
        return Count("object_id", filter=condition, distinct=True)
    key = Concat("object_type", Value(":"), "object_id", output_field=CharField())
    return Count(key, filter=condition, distinct=True)


def member_activities(member_id: int) -> QuerySet:
    return Activity.objects.filter(actor_id=member_id).filter(not_voided())


def goal_count(
    *, member_id: int, goal: Goal, since: datetime | None = None, until=None
) -> int:
    """How many times the member did it (in the window, if given)."""
    condition = goal_filter(goal, since=since, until=until)
    return (
        member_activities(member_id)
        .filter(condition)
        .aggregate(n=goal_count_expression(goal, Q()))["n"]
    )


def accepted_answers_count(*, member_id: int) -> int:
    """Answers by the member that someone else accepted (and that stayed
    accepted: replacing an accepted answer voids its activity)."""
    return (
        Activity.objects.filter(
            verb="accepted", object_type="answer", context__owner_id=member_id
        )
        .exclude(actor_id=member_id)
        .filter(not_voided())
        .aggregate(n=Count("object_id", distinct=True))["n"]
    )
