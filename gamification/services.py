"""Write operations on points: awarding by the rules, reversing, spending and
reconciling the cached balances with the ledger. One transaction each."""

import functools
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Activity
from activity.services import activity_record

from . import scoreboard
from .levels import levels_crossed
from .models import (
    Level,
    MemberGameProfile,
    PeriodTotal,
    PointsBalance,
    PointsEntry,
    PointsRule,
)
from .periods import MONTH, WEEK, period_start
from .rules import payments_for

Kind = PointsEntry.Kind


# Profiles ---------------------------------------------------------------------


def game_profile_get(*, member_id: int) -> MemberGameProfile:
    profile, _created = MemberGameProfile.objects.get_or_create(member_id=member_id)
    return profile


def game_profile_peek(*, member_id: int) -> MemberGameProfile:
    """The member's profile, or an unsaved one with the defaults: the hot
    awarding path reads it and never needs to create it."""
    found = MemberGameProfile.objects.filter(member_id=member_id).first()
    return found or MemberGameProfile(member_id=member_id)


def member_local_date(profile: MemberGameProfile, moment: datetime) -> date:
    return timezone.localtime(moment, profile.zone).date()


@transaction.atomic
def game_profile_update(
    *, member, time_zone: str, leaderboard_listed: bool
) -> MemberGameProfile:
    """Save a member's time zone and leaderboard choice (the balance keeps a
    copy of the choice so ranks stay one index range)."""
    profile = game_profile_get(member_id=member.pk)
    was_listed = profile.leaderboard_listed
    profile.time_zone = time_zone
    profile.leaderboard_listed = leaderboard_listed
    profile.full_clean()
    profile.save()
    if was_listed == leaderboard_listed:
        return profile
    # Lock the balance so no award moves the counts while we do.
    balance = _balance_locked(profile)
    boards = [(scoreboard.ALL, balance.earned)] + [
        (scoreboard.board_key(period, start), total)
        for period, start, total in PeriodTotal.objects.filter(
            member_id=member.pk
        ).values_list("period", "start", "total")
    ]
    scoreboard.score_counts_move(
        [
            (board, None, score) if leaderboard_listed else (board, score, None)
            for board, score in boards
        ]
    )
    PointsBalance.objects.filter(member_id=member.pk).update(listed=leaderboard_listed)
    PeriodTotal.objects.filter(member_id=member.pk).update(listed=leaderboard_listed)
    return profile


# The ledger -------------------------------------------------------------------


def _balance_locked(profile: MemberGameProfile) -> PointsBalance:
    """The member's balance row, locked until the transaction ends: every write
    for one member is serialised, so daily caps hold under concurrency."""
    balance, _created = PointsBalance.objects.select_for_update().get_or_create(
        member_id=profile.member_id, defaults={"listed": profile.leaderboard_listed}
    )
    return balance


def _ledger_write(balance: PointsBalance, **fields) -> PointsEntry | None:
    """Append one entry and move the cached sums by it. Returns None when the
    database says this activity already paid under this rule."""
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(member_id=balance.member_id, **fields)
    except IntegrityError:
        return None
    earning = entry.kind in PointsEntry.EARNING_KINDS
    earned_before = balance.earned
    PointsBalance.objects.filter(pk=balance.pk).update(
        total=F("total") + entry.amount,
        earned=F("earned") + (entry.amount if earning else 0),
        updated_at=timezone.now(),
    )
    balance.total += entry.amount
    if earning:
        balance.earned += entry.amount
        moves = _period_totals_add(balance, amount=entry.amount, when=entry.created_at)
        if balance.listed:
            moves.append((scoreboard.ALL, earned_before, balance.earned))
            scoreboard.score_counts_move(moves)
        for level in levels_crossed(earned_before, balance.earned):
            _level_reached(
                member_id=balance.member_id, level=level, when=entry.created_at
            )
    return entry


@functools.cache
def _period_upsert_sql() -> str:
    table = connection.ops.quote_name(PeriodTotal._meta.db_table)
    return (
        f"INSERT INTO {table} (member_id, period, start, total, listed) "  # noqa: S608 - no user input
        "VALUES (%s, %s, %s, %s, %s), (%s, %s, %s, %s, %s) "
        "ON CONFLICT (member_id, period, start) "
        f"DO UPDATE SET total = {table}.total + excluded.total "
        "RETURNING period, start, total"
    )


def _period_totals_add(
    balance: PointsBalance, *, amount: int, when: datetime
) -> list[tuple[str, int, int]]:
    """Add to this week's and this month's totals in one statement (an upsert
    that both SQLite and PostgreSQL understand). Returns (board, old, new)."""
    params = []
    for period in (WEEK, MONTH):
        params += [balance.member_id, period, period_start(period, when), amount]
        params.append(balance.listed)
    with connection.cursor() as cursor:
        cursor.execute(_period_upsert_sql(), params)
        rows = cursor.fetchall()
    moves = []
    for period, start, total in rows:
        if isinstance(start, str):  # SQLite returns dates as text here
            start = date.fromisoformat(start)
        moves.append((scoreboard.board_key(period, start), total - amount, total))
    return moves


def _level_reached(*, member_id: int, level: Level, when: datetime) -> None:
    """Log the level as earned (once: the key names member and level), so
    notifications and analytics hear of it. Falling back below a threshold
    after a reversal takes nothing back."""
    activity_record(
        actor=get_user_model()(pk=member_id),
        verb="earned",
        object_type="level",
        object_id=level.number,
        idempotency_key=f"earned:level:{level.number}:{member_id}",
        result={"score": {"raw": level.threshold}},
        context={"level_name": level.name},
        timestamp=when,
    )


def _voided(activity: Activity) -> bool:
    return Activity.objects.filter(
        verb="voided", object_type="activity", object_id=str(activity.pk)
    ).exists()


def _capped_amount(rule: PointsRule, *, member_id: int, day: date) -> int:
    if rule.daily_cap is None:
        return rule.points
    so_far = (
        PointsEntry.objects.filter(member_id=member_id, rule=rule, day=day).aggregate(
            s=Sum("amount")
        )["s"]
        or 0
    )
    return max(0, min(rule.points, rule.daily_cap - so_far))


def points_award_for_activity(*, activity: Activity) -> list[PointsEntry]:
    """Pay what the active rules say this activity is worth, honouring daily
    caps (the recipient's day) and once-per-object rules. Runs inside the
    consumer's transaction; the (activity, rule) constraint makes a second
    payment impossible."""
    payments = payments_for(activity)
    if not payments or _voided(activity):
        return []
    entries = []
    object_key = f"{activity.object_type}:{activity.object_id}"
    with transaction.atomic():
        for payment in payments:
            rule = payment.rule
            profile = game_profile_peek(member_id=payment.member_id)
            balance = _balance_locked(profile)
            day = member_local_date(profile, activity.timestamp)
            if (
                rule.once_per_object
                and PointsEntry.objects.filter(
                    member_id=payment.member_id,
                    rule=rule,
                    object_key=object_key,
                    kind=Kind.AWARD,
                ).exists()
            ):
                continue
            amount = _capped_amount(rule, member_id=payment.member_id, day=day)
            if amount == 0:
                continue
            entry = _ledger_write(
                balance,
                amount=amount,
                kind=Kind.AWARD,
                reason=rule.name,
                activity=activity,
                rule=rule,
                object_key=object_key,
                day=day,
                created_at=activity.timestamp,
            )
            if entry is not None:
                entries.append(entry)
    return entries


def points_reverse_activity(*, voiding: Activity) -> list[PointsEntry]:
    """Undo what a voided activity paid: one reversal entry per payment, at most
    once (an entry can be reversed only once)."""
    try:
        voided_id = int(voiding.object_id)
    except ValueError:
        return []
    reversals = []
    with transaction.atomic():
        paid = PointsEntry.objects.filter(
            activity_id=voided_id, kind=Kind.AWARD, reversed_by__isnull=True
        ).order_by("pk")
        for entry in paid:
            profile = game_profile_peek(member_id=entry.member_id)
            balance = _balance_locked(profile)
            reversal = _ledger_write(
                balance,
                amount=-entry.amount,
                kind=Kind.REVERSAL,
                reason=f"Reversed: {entry.reason}"[:200],
                activity=voiding,
                rule=entry.rule,
                object_key=entry.object_key,
                reverses=entry,
                day=member_local_date(profile, voiding.timestamp),
                created_at=voiding.timestamp,
            )
            if reversal is not None:
                reversals.append(reversal)
    return reversals


@transaction.atomic
def points_spend(*, member, amount: int, reason: str) -> PointsEntry:
    """Take `amount` points from a member's balance; never below zero."""
    if amount <= 0:
        raise ValueError("Spend a positive number of points.")
    profile = game_profile_get(member_id=member.pk)
    balance = _balance_locked(profile)
    if balance.total < amount:
        raise ValidationError(
            _(
                "You need %(amount)d points for this and have %(total)d. Learn a "
                "little more and come back."
            ),
            code="insufficient_points",
            params={"amount": amount, "total": balance.total},
        )
    return _ledger_write(
        balance,
        amount=-amount,
        kind=Kind.SPEND,
        reason=reason,
        day=member_local_date(profile, timezone.now()),
    )


@transaction.atomic
def points_refund(*, member_id: int, amount: int, reason: str) -> PointsEntry:
    """Give back points that were spent (a cancelled redemption)."""
    if amount <= 0:
        raise ValueError("Refund a positive number of points.")
    profile = game_profile_peek(member_id=member_id)
    balance = _balance_locked(profile)
    return _ledger_write(
        balance,
        amount=amount,
        kind=Kind.REFUND,
        reason=reason,
        day=member_local_date(profile, timezone.now()),
    )


# Reconciliation ---------------------------------------------------------------


@dataclass(frozen=True)
class BalanceMismatch:
    member_id: int
    cached_total: int | None
    ledger_total: int
    cached_earned: int | None
    ledger_earned: int


def points_reconcile(*, fix: bool = False) -> list[BalanceMismatch]:
    """Compare every cached balance with its ledger sums; with `fix`, set the
    cache to the ledger (the ledger is the truth). Returns the mismatches."""
    ledger = {
        row["member_id"]: (row["total"], row["earned"] or 0)
        for row in PointsEntry.objects.values("member_id").annotate(
            total=Sum("amount"),
            earned=Sum("amount", filter=Q(kind__in=PointsEntry.EARNING_KINDS)),
        )
    }
    cached = {
        row[0]: (row[1], row[2])
        for row in PointsBalance.objects.values_list("member_id", "total", "earned")
    }
    mismatches = []
    for member_id in sorted(ledger.keys() | cached.keys()):
        ledger_total, ledger_earned = ledger.get(member_id, (0, 0))
        cached_total, cached_earned = cached.get(member_id, (None, None))
        if member_id not in cached and ledger_total == 0 and ledger_earned == 0:
            continue
        if (cached_total, cached_earned) != (ledger_total, ledger_earned):
            mismatches.append(
                BalanceMismatch(
                    member_id=member_id,
                    cached_total=cached_total,
                    ledger_total=ledger_total,
                    cached_earned=cached_earned,
                    ledger_earned=ledger_earned,
                )
            )
    if fix:
        with transaction.atomic():
            for m in mismatches:
                PointsBalance.objects.update_or_create(
                    member_id=m.member_id,
                    defaults={"total": m.ledger_total, "earned": m.ledger_earned},
                )
    return mismatches
