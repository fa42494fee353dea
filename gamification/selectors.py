"""Reads for the gamification pages and for other apps (notifications, forum)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from .levels import LevelProgress, level_progress
from .models import GamificationSettings, MemberGameProfile, PointsBalance, PointsEntry


@dataclass(frozen=True)
class PointsSummary:
    total: int  # spendable
    earned: int  # levels and leaderboards
    progress: LevelProgress


def points_summary(*, member) -> PointsSummary:
    row = (
        PointsBalance.objects.filter(member_id=member.pk)
        .values_list("total", "earned")
        .first()
    )
    total, earned = row or (0, 0)
    return PointsSummary(total=total, earned=earned, progress=level_progress(earned))


def ledger_recent(*, member, limit: int = 20) -> list[PointsEntry]:
    return list(PointsEntry.objects.filter(member_id=member.pk)[:limit])


def member_has_privilege(*, member, privilege: str) -> bool:
    """`privilege` is a Level flag: "can_create_polls" or "offered_moderation"."""
    level = points_summary(member=member).progress.level
    return bool(level and getattr(level, privilege))


@dataclass(frozen=True)
class StreakStatus:
    current: int  # 0 once the streak is broken
    longest: int
    freezes_held: int
    freezes_max: int
    freeze_cost: int
    today: date
    learned_today: bool
    at_risk: bool  # it breaks at the member's midnight unless they learn today
    will_use_freeze: bool  # missing today would spend a freeze


def streak_status(*, member, now: datetime | None = None) -> StreakStatus:
    """The member's streak as of `now` in their own time zone. Freezes are
    spent when the next learning day arrives; until then a gap no longer than
    the freezes held keeps the streak alive."""
    settings = GamificationSettings.load()
    profile = MemberGameProfile.objects.filter(member_id=member.pk).first()
    profile = profile or MemberGameProfile(member_id=member.pk)
    today = timezone.localtime(now or timezone.now(), profile.zone).date()
    last = profile.streak_last_day
    current = profile.streak_current
    missed = (today - last).days - 1 if last else 0  # full days missed so far
    alive = last is not None and missed <= profile.freezes_held
    learned_today = last == today
    return StreakStatus(
        current=current if alive else 0,
        longest=profile.streak_longest,
        freezes_held=profile.freezes_held,
        freezes_max=settings.freezes_max,
        freeze_cost=settings.freeze_cost,
        today=today,
        learned_today=learned_today,
        at_risk=alive and not learned_today and missed + 1 > profile.freezes_held,
        will_use_freeze=alive
        and not learned_today
        and missed + 1 <= profile.freezes_held,
    )


def streak_at_risk(member, *, now: datetime | None = None) -> bool:
    """For notifications: the member has a streak and loses it at their
    midnight unless they learn something today (no freeze would cover it)."""
    return streak_status(member=member, now=now).at_risk
