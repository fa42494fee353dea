"""Reads for the gamification pages and for other apps (notifications, forum)."""

from dataclasses import dataclass

from .levels import LevelProgress, level_progress
from .models import PointsBalance, PointsEntry


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
