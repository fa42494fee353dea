"""Demo gamification for `make run` (the integrator wires it into `seed_demo`):
points come from the learners' real activities, replayed through the
consumers exactly as `manage.py activity_replay` would, plus a few weeks of
check-ins and learning-streak history so the pages look lived in.

Deterministic and idempotent: replays skip what a consumer already handled,
check-ins are keyed by day, and streak days already counted are left alone.
Time zones and freezes are set only on learners' profiles still at their
defaults (the site's zone, no freezes)."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_dispatch

from .models import MemberGameProfile
from .streak_services import checkin_record, streak_record_learning

CONSUMERS = ("gamification.points", "gamification.streaks")

# Per learner, in order: time zone, days of streak history before today,
# days checked in (of the last 14), freezes held.
LEARNER_PLANS = (
    ("Asia/Ho_Chi_Minh", 12, 10, 1),
    ("Europe/Berlin", 5, 4, 0),
    ("Asia/Shanghai", 21, 14, 2),
    ("Asia/Kolkata", 3, 6, 0),
    ("America/Mexico_City", 8, 7, 1),
    ("Asia/Riyadh", 0, 2, 0),
    ("Africa/Lagos", 1, 3, 0),
)


def _local_moment(profile: MemberGameProfile, day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 30), tzinfo=profile.zone)


def _replay(learner) -> int:
    """Run the gamification consumers over the learner's activities that they
    have not handled yet (oldest first). Returns the consumer runs."""
    ran = 0
    pending = (
        Activity.objects.filter(actor=learner)
        .exclude(verb__in=["earned"])
        .order_by("timestamp", "pk")
    )
    for activity in pending:
        for name in CONSUMERS:
            ran += len(activity_dispatch(activity_id=activity.pk, only=name))
    return ran


@transaction.atomic
def seed_gamification(*, learners, now: datetime | None = None) -> dict:
    """Give the demo learners points, levels, check-ins and streaks."""
    now = now or timezone.now()
    counts = {"consumer_runs": 0, "check_ins": 0}
    for learner, plan in zip(learners, LEARNER_PLANS, strict=False):
        zone, history_days, check_in_days, freezes = plan
        profile, _created = MemberGameProfile.objects.get_or_create(member=learner)
        if profile.time_zone == settings.TIME_ZONE and not profile.freezes_held:
            # Still as the consumers created it (the courses demo's activities
            # reach them first): give the learner their own zone, once.
            profile.time_zone, profile.freezes_held = zone, freezes
            profile.save(update_fields=["time_zone", "freezes_held"])
        today = timezone.localtime(now, profile.zone).date()
        # Streak history first, so that today's replayed learning extends it.
        for back in range(history_days, 0, -1):
            moment = _local_moment(profile, today - timedelta(days=back), 19)
            streak_record_learning(member_id=learner.pk, moment=moment)
        for back in range(check_in_days - 1, -1, -1):
            moment = min(now, _local_moment(profile, today - timedelta(days=back), 8))
            activity, new = checkin_record(member=learner, now=moment)
            counts["check_ins"] += int(new)
        counts["consumer_runs"] += _replay(learner)
    return counts
