"""Write operations on points: awarding by the rules, reversing, spending and
reconciling the cached balances with the ledger. One transaction each."""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
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


def game_profiles_peek(*, member_ids: Iterable[int]) -> dict[int, MemberGameProfile]:
    """`game_profile_peek` for many members in one query: {member id: profile}."""
    member_ids = list(member_ids)
    found = {
        p.member_id: p
        for p in MemberGameProfile.objects.filter(member_id__in=member_ids)
    }
    return {m: found.get(m) or MemberGameProfile(member_id=m) for m in member_ids}


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


# Awarding in batches ------------------------------------------------------------
# The points consumer pays many activities with a fixed number of statements:
# the rules come from the process cache; one query each for voided activities,
# profiles, the locked balances, payments already made, once-per-object awards
# and the day totals the caps need; one INSERT for the entries, one UPDATE for
# the balances, one upsert for the period totals and one for the leaderboard
# histogram. Levels crossed are logged per member once per batch.


def points_award_for_activity(*, activity: Activity) -> list[PointsEntry]:
    """Pay what the active rules say this activity is worth, honouring daily
    caps (the recipient's day) and once-per-object rules. Runs inside the
    consumer's transaction; the (activity, rule) constraint makes a second
    payment impossible."""
    return points_award_for_activities(activities=[activity])


def points_award_for_activities(*, activities: Sequence[Activity]) -> list[PointsEntry]:
    """`points_award_for_activity` on each activity in order, in one go: the
    same entries, caps and levels. Every recipient's balance is locked first
    (in member order, so concurrent batches cannot deadlock), so caps and
    once-per-object rules see every earlier payment, committed or in this
    batch; an activity voided by now pays nothing."""
    work = [(a, payments) for a in activities if (payments := payments_for(a))]
    if not work:
        return []
    voided = _voided_ids([a.pk for a, _payments in work])
    work = [(a, payments) for a, payments in work if a.pk not in voided]
    if not work:
        return []
    member_ids = sorted({p.member_id for _a, payments in work for p in payments})
    with transaction.atomic(savepoint=False):
        profiles = game_profiles_peek(member_ids=member_ids)
        balances = _balances_locked(profiles)
        paid = set(
            PointsEntry.objects.filter(
                activity_id__in=[a.pk for a, _payments in work], rule__isnull=False
            ).values_list("activity_id", "rule_id")
        )
        planned = [
            (
                activity,
                payment,
                member_local_date(profiles[payment.member_id], activity.timestamp),
            )
            for activity, payments in work
            for payment in payments
            if (activity.pk, payment.rule.pk) not in paid
        ]
        taken = _awarded_objects(planned)
        so_far = _day_totals(planned)
        entries = []
        for activity, payment, day in planned:
            rule, member_id = payment.rule, payment.member_id
            object_key = f"{activity.object_type}:{activity.object_id}"
            once = (member_id, rule.pk, object_key)
            if rule.once_per_object and once in taken:
                continue
            amount = rule.points
            if rule.daily_cap is not None:
                key = (member_id, rule.pk, day)
                amount = max(0, min(rule.points, rule.daily_cap - so_far.get(key, 0)))
                if amount == 0:
                    continue
                so_far[key] = so_far.get(key, 0) + amount
            if rule.once_per_object:
                taken.add(once)
            entries.append(
                PointsEntry(
                    member_id=member_id,
                    amount=amount,
                    kind=Kind.AWARD,
                    reason=rule.name,
                    activity=activity,
                    rule=rule,
                    object_key=object_key,
                    day=day,
                    created_at=activity.timestamp,
                )
            )
        return _ledger_append(balances, entries)


def _voided_ids(activity_ids: list[int]) -> set[int]:
    """Which of these activities a `voided` activity cancels (by now)."""
    return {
        int(object_id)
        for object_id in Activity.objects.filter(
            verb="voided",
            object_type="activity",
            object_id__in=[str(pk) for pk in activity_ids],
        ).values_list("object_id", flat=True)
    }


def _balances_locked(
    profiles: dict[int, MemberGameProfile],
) -> dict[int, PointsBalance]:
    """`_balance_locked` for many members: their balance rows, created where
    missing, locked in member order until the transaction ends."""
    member_ids = sorted(profiles)

    def lock(ids):
        return {
            b.member_id: b
            for b in PointsBalance.objects.select_for_update()
            .filter(member_id__in=ids)
            .order_by("member_id")
        }

    balances = lock(member_ids)
    missing = [m for m in member_ids if m not in balances]
    if missing:
        PointsBalance.objects.bulk_create(
            [
                PointsBalance(member_id=m, listed=profiles[m].leaderboard_listed)
                for m in missing
            ],
            ignore_conflicts=True,  # created meanwhile: locked just below
        )
        balances.update(lock(missing))
    return balances


def _awarded_objects(planned) -> set[tuple[int, int, str]]:
    """(member, rule, object key) already awarded under once-per-object rules
    among those this batch might pay."""
    wanted = {
        (p.member_id, p.rule.pk, f"{a.object_type}:{a.object_id}")
        for a, p, _day in planned
        if p.rule.once_per_object
    }
    if not wanted:
        return set()
    rows = PointsEntry.objects.filter(
        kind=Kind.AWARD,
        member_id__in={m for m, _r, _k in wanted},
        rule_id__in={r for _m, r, _k in wanted},
        object_key__in={k for _m, _r, k in wanted},
    ).values_list("member_id", "rule_id", "object_key")
    return set(rows) & wanted


def _day_totals(planned) -> dict[tuple[int, int, date], int]:
    """What each capped (member, rule, day) of this batch has paid so far."""
    wanted = {
        (p.member_id, p.rule.pk, day)
        for _a, p, day in planned
        if p.rule.daily_cap is not None
    }
    if not wanted:
        return {}
    rows = (
        PointsEntry.objects.filter(
            member_id__in={m for m, _r, _d in wanted},
            rule_id__in={r for _m, r, _d in wanted},
            day__in={d for _m, _r, d in wanted},
        )
        .values_list("member_id", "rule_id", "day")
        .annotate(paid=Sum("amount"))
        .order_by()
    )
    return {(m, r, d): paid for m, r, d, paid in rows if (m, r, d) in wanted and paid}


def _ledger_append(
    balances: dict[int, PointsBalance], entries: list[PointsEntry]
) -> list[PointsEntry]:
    """`_ledger_write` for many entries of locked members: append them (an
    entry the (activity, rule) constraint refuses is dropped, never paid) and
    move the cached sums, period totals and leaderboard counts by what was
    written, then log the levels crossed on the way."""
    entries = _entries_insert(entries)
    if not entries:
        return []
    deltas: dict[int, list[int]] = {}  # member: [total, earned]
    periods: dict[tuple[int, str, date], int] = {}
    steps: dict[int, list[tuple[int, datetime]]] = {}  # earning amounts in order
    for entry in entries:
        earning = entry.kind in PointsEntry.EARNING_KINDS
        delta = deltas.setdefault(entry.member_id, [0, 0])
        delta[0] += entry.amount
        if earning:
            delta[1] += entry.amount
            steps.setdefault(entry.member_id, []).append(
                (entry.amount, entry.created_at)
            )
            for period in (WEEK, MONTH):
                key = (entry.member_id, period, period_start(period, entry.created_at))
                periods[key] = periods.get(key, 0) + entry.amount
    _balances_add(deltas)
    moves: list[tuple[str, int | None, int | None]] = []
    for member_id, (total, earned) in deltas.items():
        balance = balances[member_id]
        earned_before = balance.earned
        balance.total += total
        balance.earned += earned
        if balance.listed and earned:
            moves.append((scoreboard.ALL, earned_before, balance.earned))
    for member_id, board, old, new in _period_totals_add_many(periods, balances):
        if balances[member_id].listed:
            moves.append((board, old, new))
    scoreboard.score_counts_move(moves)
    for member_id, amounts in sorted(steps.items()):
        _levels_reached(
            member_id=member_id,
            earned_before=balances[member_id].earned - deltas[member_id][1],
            steps=amounts,
        )
    return entries


def _bulk_rows(columns: tuple[str, ...], rows: list[tuple]):
    """Rows for one INSERT … SELECT / UPDATE … FROM statement each: (row
    source SQL, parameters). PostgreSQL gets one array per column (`unnest`):
    thousands of placeholders cost the driver more than the rows cost the
    server. Elsewhere a VALUES list, as many rows as the driver allows.
    `columns` are PostgreSQL types, in row order."""
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{column}[]" for column in columns)
        columns_of_rows = [list(c) for c in zip(*rows, strict=True)]
        yield f"SELECT * FROM unnest({arrays})", columns_of_rows  # noqa: S608 - types only
        return
    per_statement = max(
        1, (connection.features.max_query_params or 999) // len(columns)
    )
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for first in range(0, len(rows), per_statement):
        chunk = rows[first : first + per_statement]
        yield (
            "VALUES " + ", ".join([row] * len(chunk)),
            [value for row_values in chunk for value in row_values],
        )


@functools.cache
def _entry_fields() -> tuple[list, tuple[str, ...], str]:
    """The ledger's columns (but the id), their PostgreSQL types and the
    INSERT's head."""
    fields = [f for f in PointsEntry._meta.concrete_fields if not f.primary_key]
    types = tuple(f.db_type(connection) for f in fields)
    table = connection.ops.quote_name(PointsEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return fields, types, f"INSERT INTO {table} ({columns}) "


def _entries_insert(entries: list[PointsEntry]) -> list[PointsEntry]:
    """Insert award entries in order; one the (activity, rule) constraint
    refuses (a payment that exists already) is skipped. Returns the entries
    written, with their ids."""
    if not entries:
        return []
    fields, types, head = _entry_fields()
    if connection.vendor == "postgresql":
        rows = [tuple(getattr(e, f.attname) for f in fields) for e in entries]
    else:
        # Dates and times as the backend stores them; ints and strings as they
        # are (converting every value costs more than the insert).
        plain = (models.IntegerField, models.CharField, models.ForeignKey)
        rows = [
            tuple(
                value if isinstance(f, plain) else f.get_db_prep_save(value, connection)
                for f in fields
                for value in (getattr(e, f.attname),)
            )
            for e in entries
        ]
    ids = {}
    with connection.cursor() as cursor:
        for source, params in _bulk_rows(types, rows):
            cursor.execute(
                f"{head}{source} ON CONFLICT DO NOTHING "
                "RETURNING id, activity_id, rule_id",
                params,
            )
            ids.update({(a, r): pk for pk, a, r in cursor.fetchall()})
    written = []
    for entry in entries:
        pk = ids.get((entry.activity_id, entry.rule_id))
        if pk is not None:
            entry.pk = pk
            entry._state.adding = False
            written.append(entry)
    return written


def _balances_add(deltas: dict[int, list[int]]) -> None:
    """Move the cached sums of locked balances: {member: [total, earned]}."""
    if not deltas:
        return
    table = connection.ops.quote_name(PointsBalance._meta.db_table)
    updated_at = PointsBalance._meta.get_field("updated_at").get_db_prep_save(
        timezone.now(), connection
    )
    rows = [(m, total, earned) for m, (total, earned) in sorted(deltas.items())]
    with connection.cursor() as cursor:
        for source, params in _bulk_rows(("bigint", "integer", "integer"), rows):
            cursor.execute(
                f"WITH delta (member_id, total, earned) AS ({source}) "  # noqa: S608 - no user input
                f"UPDATE {table} SET total = {table}.total + delta.total, "
                f"earned = {table}.earned + delta.earned, updated_at = %s "
                f"FROM delta WHERE {table}.member_id = delta.member_id",
                [*params, updated_at],
            )


def _period_totals_add_many(
    amounts: dict[tuple[int, str, date], int], balances: dict[int, PointsBalance]
) -> list[tuple[int, str, int, int]]:
    """`_period_totals_add` for many (member, period, start): amount, in one
    upsert. Returns (member, board, old total, new total)."""
    if not amounts:
        return []
    table = connection.ops.quote_name(PeriodTotal._meta.db_table)
    start_field = PeriodTotal._meta.get_field("start")
    rows = [
        (
            member_id,
            period,
            start_field.get_db_prep_save(start, connection),
            amount,
            balances[member_id].listed,
        )
        for (member_id, period, start), amount in sorted(amounts.items())
    ]
    types = ("bigint", "varchar", "date", "integer", "boolean")
    moves = []
    with connection.cursor() as cursor:
        for source, params in _bulk_rows(types, rows):
            cursor.execute(
                f"INSERT INTO {table} (member_id, period, start, total, listed) "
                f"{source} ON CONFLICT (member_id, period, start) "
                f"DO UPDATE SET total = {table}.total + excluded.total "
                "RETURNING member_id, period, start, total",
                params,
            )
            for member_id, period, start, total in cursor.fetchall():
                if isinstance(start, str):  # SQLite returns dates as text here
                    start = date.fromisoformat(start)
                added = amounts[(member_id, period, start)]
                board = scoreboard.board_key(period, start)
                moves.append((member_id, board, total - added, total))
    return moves


def _levels_reached(
    *, member_id: int, earned_before: int, steps: list[tuple[int, datetime]]
) -> None:
    """Log each level the member's earned points crossed on the way through
    these amounts (in order), at the moment of the entry that crossed it."""
    earned, reached = earned_before, {}
    for amount, when in steps:
        for level in levels_crossed(earned, earned + amount):
            reached.setdefault(level.number, (level, when))
        earned += amount
    for level, when in reached.values():
        _level_reached(member_id=member_id, level=level, when=when)


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
