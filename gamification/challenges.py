"""Challenges: progress counted from the activity log inside each challenge's
window, and completing one once per member (reward points, a `completed`
activity with object type `challenge`, which “win a challenge” badges hear).

Everyone in a challenge's audience takes part: there is nothing to join.
The running challenges are read once per process and indexed by verb (kept
CHALLENGES_TTL seconds; saving one clears this process's copy), so an
activity no challenge counts costs no query."""

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_record
from courses.models import Enrollment

from . import services
from .badge_models import BadgeClass
from .challenge_models import Challenge, ChallengeCompletion
from .goals import (
    Goal,
    goal_count,
    goal_count_expression,
    goal_filter,
    member_activities,
)
from .models import PointsEntry

CHALLENGES_TTL = 30.0
# Activities dispatched late (a queue outage, a replay) still count for a
# challenge that ended up to this long ago, if they happened inside its window.
LATE_GRACE = timedelta(days=7)
# How long a finished challenge stays on the page.
FINISHED_SHOWN = timedelta(days=30)

_cache: dict[str, object] = {"at": 0.0, "by_verb": None}


def challenges_clear_cache() -> None:
    _cache["at"] = 0.0
    _cache["by_verb"] = None


def _challenges_by_verb() -> dict[str, list[Challenge]]:
    now = time.monotonic()
    if _cache["by_verb"] is None or now - _cache["at"] > CHALLENGES_TTL:
        by_verb: dict[str, list[Challenge]] = {}
        current = Challenge.objects.filter(
            active=True, ends_at__gt=timezone.now() - LATE_GRACE
        ).order_by("pk")
        for challenge in current:
            by_verb.setdefault(challenge.verb, []).append(challenge)
        _cache["by_verb"], _cache["at"] = by_verb, now
    return _cache["by_verb"]  # type: ignore[return-value]


def challenge_goal(challenge: Challenge) -> Goal:
    return Goal(
        verb=challenge.verb,
        object_type=challenge.object_type,
        success_only=challenge.success_only,
        distinct_objects=challenge.distinct_objects,
    )


def _counts_towards(challenge: Challenge, activity: Activity) -> bool:
    if challenge.object_type and challenge.object_type != activity.object_type:
        return False
    if challenge.success_only and (activity.result or {}).get("success") is not True:
        return False
    return challenge.starts_at <= activity.timestamp < challenge.ends_at


def challenge_eligible(challenge: Challenge, *, member_id: int) -> bool:
    if challenge.audience == Challenge.Audience.EVERYONE:
        return True
    if challenge.course_id is None:
        return False  # its course was deleted: nobody takes part any more
    return (
        Enrollment.objects.filter(user_id=member_id, course_id=challenge.course_id)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .exists()
    )


def challenges_progress_for_activity(
    *, activity: Activity
) -> list[ChallengeCompletion]:
    """Complete the challenges this activity takes the member to the goal of.
    Runs inside the consumer's transaction."""
    candidates = [
        c
        for c in _challenges_by_verb().get(activity.verb, [])
        if _counts_towards(c, activity)
    ]
    if not candidates:
        return []
    member_id = activity.actor_id
    done = set(
        ChallengeCompletion.objects.filter(
            member_id=member_id, challenge__in=[c.pk for c in candidates]
        ).values_list("challenge_id", flat=True)
    )
    completions = []
    for challenge in candidates:
        if challenge.pk in done or not challenge_eligible(
            challenge, member_id=member_id
        ):
            continue
        reached = goal_count(
            member_id=member_id,
            goal=challenge_goal(challenge),
            since=challenge.starts_at,
            until=challenge.ends_at,
        )
        if reached >= challenge.goal:
            completion = challenge_complete(
                challenge=challenge, member_id=member_id, when=activity.timestamp
            )
            if completion is not None:
                completions.append(completion)
    return completions


def _pay_reward(
    *, challenge: Challenge, member_id: int, activity: Activity, when: datetime
) -> PointsEntry | None:
    """The reward as an award entry of the points ledger. services.py offers
    no public call for an amount that no points rule sets, so this uses its
    ledger primitives exactly as its own spend and refund do (locked balance,
    cached sums, period totals, levels), without changing them."""
    profile = services.game_profile_peek(member_id=member_id)
    balance = services._balance_locked(profile)
    return services._ledger_write(
        balance,
        amount=challenge.reward_points,
        kind=PointsEntry.Kind.AWARD,
        reason=f"Challenge: {challenge.title}"[:200],
        activity=activity,
        object_key=f"challenge:{challenge.pk}",
        day=services.member_local_date(profile, when),
        created_at=when,
    )


def challenge_complete(
    *, challenge: Challenge, member_id: int, when: datetime | None = None
) -> ChallengeCompletion | None:
    """Record that the member reached the goal, pay the reward points and log
    `completed` (object challenge), in one transaction. None if they had
    completed it already (the unique constraint decides)."""
    when = min(when or timezone.now(), timezone.now())
    with transaction.atomic():
        try:
            with transaction.atomic():
                completion = ChallengeCompletion.objects.create(
                    challenge=challenge, member_id=member_id, completed_at=when
                )
        except IntegrityError:
            return None
        member = get_user_model()(pk=member_id)
        completion.activity = activity_record(
            actor=member,
            verb="completed",
            object_type="challenge",
            object_id=challenge.pk,
            idempotency_key=f"completed:challenge:{challenge.pk}:{member_id}",
            result={"completion": True, "score": {"raw": challenge.reward_points}},
            context={"title": challenge.title},
            timestamp=when,
        )
        if challenge.reward_points:
            completion.points = _pay_reward(
                challenge=challenge,
                member_id=member_id,
                activity=completion.activity,
                when=when,
            )
        completion.save(update_fields=["activity", "points"])
    return completion


# Reads for the challenges page ------------------------------------------------


@dataclass
class ChallengeStatus:
    challenge: Challenge
    state: str  # "running", "upcoming" or "finished"
    progress: int = 0
    eligible: bool = True
    completed_at: datetime | None = None
    badges: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        if self.completed_at is not None:
            return 100
        return min(100, round(100 * self.progress / self.challenge.goal))

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


def challenges_overview(*, member=None, now: datetime | None = None) -> dict:
    """Running, upcoming and recently finished challenges, with the member's
    progress in each: five queries however many challenges there are."""
    now = now or timezone.now()
    challenges = list(
        Challenge.objects.filter(active=True, ends_at__gt=now - FINISHED_SHOWN)
        .select_related("course")
        .order_by("ends_at", "pk")
    )
    badges = list(
        BadgeClass.objects.filter(active=True, kind=BadgeClass.Kind.CHALLENGE)
        .select_related("image")
        .order_by("name")
    )
    statuses = []
    for challenge in challenges:
        state = (
            "upcoming"
            if now < challenge.starts_at
            else "running"
            if now < challenge.ends_at
            else "finished"
        )
        reward = [b for b in badges if b.challenge_id in (None, challenge.pk)]
        statuses.append(
            ChallengeStatus(challenge=challenge, state=state, badges=reward)
        )
    member_id = getattr(member, "pk", None)
    if member_id is not None and challenges:
        _fill_progress(statuses, member_id=member_id)
    grouped: dict[str, list[ChallengeStatus]] = {
        "running": [],
        "upcoming": [],
        "finished": [],
    }
    for status in statuses:
        grouped[status.state].append(status)
    grouped["finished"].reverse()  # the most recent first
    return grouped


def _fill_progress(statuses: list[ChallengeStatus], *, member_id: int) -> None:
    ids = [s.challenge.pk for s in statuses]
    completed = dict(
        ChallengeCompletion.objects.filter(
            member_id=member_id, challenge_id__in=ids
        ).values_list("challenge_id", "completed_at")
    )
    course_ids = {
        s.challenge.course_id
        for s in statuses
        if s.challenge.audience == Challenge.Audience.COURSE
    }
    enrolled = set()
    if course_ids:
        enrolled = set(
            Enrollment.objects.filter(user_id=member_id, course_id__in=course_ids)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .values_list("course_id", flat=True)
        )
    started = [s for s in statuses if s.state != "upcoming"]
    counts = {}
    if started:
        # One query: a filtered count per challenge over the member's
        # activities between the earliest start and the latest end.
        window = Q(timestamp__gte=min(s.challenge.starts_at for s in started))
        window &= Q(timestamp__lt=max(s.challenge.ends_at for s in started))
        expressions = {
            f"c{s.challenge.pk}": goal_count_expression(
                challenge_goal(s.challenge),
                goal_filter(
                    challenge_goal(s.challenge),
                    since=s.challenge.starts_at,
                    until=s.challenge.ends_at,
                ),
            )
            for s in started
        }
        counts = member_activities(member_id).filter(window).aggregate(**expressions)
    for status in statuses:
        challenge = status.challenge
        status.completed_at = completed.get(challenge.pk)
        status.progress = counts.get(f"c{challenge.pk}") or 0
        if challenge.audience == Challenge.Audience.COURSE:
            status.eligible = challenge.course_id in enrolled
