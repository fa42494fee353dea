"""Writes for the learning streak: counting a day of real learning, bridging
missed days with freezes, buying freezes, and the daily check-in (which pays
points but never extends the streak by itself)."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Activity
from activity.services import activity_record

from .models import GamificationSettings, LearningDay, MemberGameProfile
from .services import member_local_date, points_spend


def activity_counts_for_streak(activity, *, reply_min_length: int) -> bool:
    """Only real learning counts: a completion, a graded answer, a passed quiz,
    an attended event, a substantive reply. Never views, log-ins or check-ins."""
    verb = activity.verb
    if verb in {"completed", "passed", "attended"}:
        return True
    if verb == "answered":
        return isinstance((activity.result or {}).get("success"), bool)
    if verb == "replied":
        length = (activity.context or {}).get("length") or 0
        return isinstance(length, int) and length >= reply_min_length
    return False


def _profile_locked(member_id: int) -> MemberGameProfile:
    profile, _created = MemberGameProfile.objects.select_for_update().get_or_create(
        member_id=member_id
    )
    return profile


def _chain_length(member_id: int, last: date) -> int:
    """Learned days in the unbroken run of learned-or-frozen days ending at
    `last` (frozen days bridge the run but do not count)."""
    length, expected = 0, last
    for day, frozen in (
        LearningDay.objects.filter(member_id=member_id, day__lte=last)
        .order_by("-day")
        .values_list("day", "frozen")
        .iterator()
    ):
        if day != expected:
            break
        length += 0 if frozen else 1
        expected = day - timedelta(days=1)
    return length


@transaction.atomic
def streak_record_learning(*, member_id: int, moment: datetime) -> MemberGameProfile:
    """Count the member's local day of `moment` as a learning day and move the
    streak: the next day extends it; a gap is bridged by one held freeze per
    missed day if there are enough, else the streak restarts at 1. A day that
    arrives late (replays, a slow queue) is fitted in by recounting."""
    profile = _profile_locked(member_id)
    day = member_local_date(profile, moment)
    learned, created = LearningDay.objects.get_or_create(member_id=member_id, day=day)
    if not created and not learned.frozen:
        return profile  # this day already counts
    last = profile.streak_last_day
    if not created:
        # A freeze covered this day before its learning arrived: give it back.
        learned.frozen = False
        learned.save(update_fields=["frozen"])
        freezes_max = GamificationSettings.load().freezes_max
        profile.freezes_held = min(profile.freezes_held + 1, freezes_max)
        profile.streak_current = _chain_length(member_id, last)
    elif last is None or day > last:
        missed = 0 if last is None else (day - last).days - 1
        if last is None or missed > profile.freezes_held:
            profile.streak_current = 1
        else:
            LearningDay.objects.bulk_create(
                LearningDay(
                    member_id=member_id, day=last + timedelta(days=n), frozen=True
                )
                for n in range(1, missed + 1)
            )
            profile.freezes_held -= missed
            profile.streak_current += 1
        profile.streak_last_day = day
    else:
        profile.streak_current = _chain_length(member_id, last)
    profile.streak_longest = max(profile.streak_longest, profile.streak_current)
    profile.save(
        update_fields=[
            "streak_current",
            "streak_longest",
            "streak_last_day",
            "freezes_held",
        ]
    )
    return profile


@transaction.atomic
def streak_freeze_buy(*, member) -> MemberGameProfile:
    """Spend points on one streak freeze (up to the number a member may hold)."""
    settings = GamificationSettings.load()
    profile = _profile_locked(member.pk)
    if profile.freezes_held >= settings.freezes_max:
        raise ValidationError(
            _(
                "You already hold %(max)d streak freezes, the most you can. One is "
                "used for you on each day you miss."
            ),
            code="freezes_full",
            params={"max": settings.freezes_max},
        )
    points_spend(member=member, amount=settings.freeze_cost, reason="Streak freeze")
    profile.freezes_held += 1
    profile.save(update_fields=["freezes_held"])
    return profile


def checkin_record(*, member, now: datetime | None = None) -> tuple[Activity, bool]:
    """The daily check-in: at most one a day (the member's day). Returns the
    activity and whether it is new today."""
    now = now or timezone.now()
    profile, _created = MemberGameProfile.objects.get_or_create(member_id=member.pk)
    day = member_local_date(profile, now)
    key = f"checked-in:{member.pk}:{day.isoformat()}"
    with transaction.atomic():
        existed = Activity.objects.filter(idempotency_key=key).exists()
        activity = activity_record(
            actor=member,
            verb="checked-in",
            object_type="site",
            object_id="daily",
            idempotency_key=key,
            context={"day": day.isoformat()},
            timestamp=now,
        )
    return activity, not existed
