"""The score histogram behind leaderboard ranks (`ScoreCount`): kept by the
ledger writes, checked and rebuilt by `points_reconcile`.

Members with a score of exactly 0 are not counted: a period row that an award
creates and one that a reversal brings back to 0 look the same from the
upsert, and nobody needs to be outranked by zero points."""

import functools
from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, Sum

from .models import PeriodTotal, PointsBalance, ScoreCount

ALL = "all"


def board_key(period: str, start=None) -> str:
    return ALL if period == "all" else f"{period}:{start.isoformat()}"


@functools.cache
def _upsert_sql(rows: int) -> str:
    table = connection.ops.quote_name(ScoreCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * rows)
    return (
        f"INSERT INTO {table} (board, score, members) VALUES {values} "  # noqa: S608 - no user input
        "ON CONFLICT (board, score) "
        f"DO UPDATE SET members = {table}.members + excluded.members"
    )


def score_counts_move(moves: list[tuple[str, int | None, int | None]]) -> None:
    """Apply (board, old score, new score) moves of listed members: one
    statement, rows in a fixed order so concurrent writers cannot deadlock."""
    delta: Counter = Counter()
    for board, old, new in moves:
        if old == new:
            continue
        if old:
            delta[(board, old)] -= 1
        if new:
            delta[(board, new)] += 1
    rows = sorted((key, d) for key, d in delta.items() if d)
    if not rows:
        return
    params = [value for (board, score), d in rows for value in (board, score, d)]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(len(rows)), params)


def members_above(board: str, score: int) -> int:
    return (
        ScoreCount.objects.filter(board=board, score__gt=score).aggregate(
            n=Sum("members")
        )["n"]
        or 0
    )


def _truth() -> Counter:
    truth: Counter = Counter()
    for score, n in (
        PointsBalance.objects.filter(listed=True)
        .exclude(earned=0)
        .values_list("earned")
        .annotate(n=Count("pk"))
        .values_list("earned", "n")
    ):
        truth[(ALL, score)] += n
    for period, start, score, n in (
        PeriodTotal.objects.filter(listed=True)
        .exclude(total=0)
        .values_list("period", "start", "total")
        .annotate(n=Count("pk"))
        .values_list("period", "start", "total", "n")
    ):
        truth[(board_key(period, start), score)] += n
    return truth


def score_counts_check(*, fix: bool = False) -> list[tuple[str, int, int, int]]:
    """(board, score, stored, true) for every wrong count; with `fix`, rebuild
    the histogram from the totals."""
    truth = _truth()
    stored = Counter(
        {
            (board, score): n
            for board, score, n in ScoreCount.objects.values_list(
                "board", "score", "members"
            )
            if n
        }
    )
    wrong = [
        (board, score, stored[(board, score)], truth[(board, score)])
        for board, score in sorted(truth.keys() | stored.keys())
        if stored[(board, score)] != truth[(board, score)]
    ]
    if fix and wrong:
        with transaction.atomic():
            ScoreCount.objects.all().delete()
            ScoreCount.objects.bulk_create(
                (
                    ScoreCount(board=board, score=score, members=n)
                    for (board, score), n in truth.items()
                ),
                batch_size=2000,
            )
    return wrong
