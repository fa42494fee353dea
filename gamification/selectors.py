"""Reads for the gamification pages and for other apps (notifications, forum)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from . import scoreboard
from .levels import LevelProgress, level_progress
from .models import (
    GamificationSettings,
    MemberGameProfile,
    PeriodTotal,
    PointsBalance,
    PointsEntry,
    Redemption,
    Reward,
)
from .periods import period_start


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


# Leaderboards -----------------------------------------------------------------
# Every read is a fixed number of queries on an index: (listed, score, member)
# ordered, so the top, a member's position (a COUNT of those above) and the
# rows around them never load the whole board.

PERIODS = ("all", "week", "month")


@dataclass(frozen=True)
class BoardRow:
    position: int
    member_id: int
    name: str
    points: int
    is_me: bool = False


@dataclass(frozen=True)
class Board:
    period: str
    top: list[BoardRow]
    me: BoardRow | None  # None: no points in the period yet
    around: list[BoardRow]  # up to n above and n below the member, with them
    listed: bool


def _scores(period: str, now: datetime | None):
    """(score rows of the board, score field, board key) for a period."""
    if period == "all":
        return PointsBalance.objects.all(), "earned", scoreboard.ALL
    if period not in PERIODS:
        raise ValueError(f"Unknown leaderboard period {period!r}")
    start = period_start(period, now or timezone.now())
    return (
        PeriodTotal.objects.filter(period=period, start=start),
        "total",
        scoreboard.board_key(period, start),
    )


def _rows(queryset, score: str, *, first_position: int, me_id: int | None) -> list:
    rows = []
    for offset, (member_id, points, username, display_name, first, last) in enumerate(
        queryset.values_list(
            "member_id",
            score,
            "member__username",
            "member__display_name",
            "member__first_name",
            "member__last_name",
        )
    ):
        name = display_name or f"{first} {last}".strip() or username
        rows.append(
            BoardRow(
                position=first_position + offset,
                member_id=member_id,
                name=name,
                points=points,
                is_me=member_id == me_id,
            )
        )
    return rows


def _count_above(listed, score: str, board: str, points: int, member_id: int) -> int:
    # Those with more points come from the score histogram (a sum over the
    # distinct scores above); ties before the member are one index range.
    ties = listed.filter(**{score: points, "member_id__lt": member_id}).count()
    return scoreboard.members_above(board, points) + ties


def _neighbours(listed, score: str, points: int, member_id: int, *, n: int, up: bool):
    """Up to n listed rows just above (or below) the member in board order,
    nearest first, each side read as two short index ranges."""
    if up:
        ties = listed.filter(**{score: points, "member_id__lt": member_id}).order_by(
            "-member_id"
        )
        beyond = listed.filter(**{f"{score}__gt": points}).order_by(score, "-member_id")
    else:
        ties = listed.filter(**{score: points, "member_id__gt": member_id}).order_by(
            "member_id"
        )
        beyond = listed.filter(**{f"{score}__lt": points}).order_by(
            f"-{score}", "member_id"
        )
    rows = _rows(ties[:n], score, first_position=0, me_id=None)
    if len(rows) < n:
        rows += _rows(beyond[: n - len(rows)], score, first_position=0, me_id=None)
    return rows


def leaderboard_position(
    *, member, period: str = "all", now: datetime | None = None
) -> tuple[int, int] | None:
    """(points, position) of the member among listed members, ties broken by
    who joined first; None if they have no score row for the period."""
    scores, score, board = _scores(period, now)
    mine = scores.filter(member_id=member.pk).values_list(score, flat=True).first()
    if mine is None:
        return None
    listed = scores.filter(listed=True)
    return mine, 1 + _count_above(listed, score, board, mine, member.pk)


def leaderboard(
    *, member, period: str = "all", top: int = 10, around: int = 5, now=None
) -> Board:
    """The top of the board and the member's neighbourhood ("5 above and 5
    below you"). A constant number of queries however many members there are."""
    scores, score, _board = _scores(period, now)
    listed = scores.filter(listed=True)
    ordered = listed.order_by(f"-{score}", "member_id")
    top_rows = _rows(ordered[:top], score, first_position=1, me_id=member.pk)
    found = leaderboard_position(member=member, period=period, now=now)
    profile_listed = (
        MemberGameProfile.objects.filter(member_id=member.pk)
        .values_list("leaderboard_listed", flat=True)
        .first()
    )
    is_listed = profile_listed is not False
    if found is None:
        return Board(period=period, top=top_rows, me=None, around=[], listed=is_listed)
    points, position = found
    above = _neighbours(listed, score, points, member.pk, n=around, up=True)
    below = _neighbours(listed, score, points, member.pk, n=around, up=False)
    # Hidden members hold no place: those below keep theirs.
    first_below = position + (1 if is_listed else 0)
    around_rows = [
        BoardRow(position - len(above) + i, r.member_id, r.name, r.points)
        for i, r in enumerate(reversed(above))
    ]
    around_rows.append(BoardRow(position, member.pk, member.name, points, is_me=True))
    around_rows += [
        BoardRow(first_below + i, r.member_id, r.name, r.points)
        for i, r in enumerate(below)
    ]
    return Board(
        period=period,
        top=top_rows,
        me=around_rows[len(above)],
        around=around_rows,
        listed=is_listed,
    )


def rewards_on_offer() -> list[Reward]:
    return list(Reward.objects.filter(active=True).select_related("image"))


def redemptions_of(*, member, limit: int = 20) -> list[Redemption]:
    return list(
        Redemption.objects.filter(member_id=member.pk).select_related("reward")[:limit]
    )
