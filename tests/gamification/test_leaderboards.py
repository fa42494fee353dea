from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gamification.models import PeriodTotal, PointsBalance
from gamification.periods import period_start
from gamification.scoreboard import score_counts_check
from gamification.selectors import leaderboard, leaderboard_position
from gamification.services import game_profile_update

from .conftest import at, make_member, record

pytestmark = pytest.mark.django_db


def members_with_points(*points: int, period: str | None = None):
    """Members with the given all-time (and this period's) points, directly."""
    User = get_user_model()
    start = timezone.now()
    members = User.objects.bulk_create(
        User(username=f"p{n}-{p}-{start.timestamp()}", display_name=f"Player {n}")
        for n, p in enumerate(points)
    )
    PointsBalance.objects.bulk_create(
        PointsBalance(member=m, total=p, earned=p)
        for m, p in zip(members, points, strict=True)
    )
    for name in ("week", "month"):
        PeriodTotal.objects.bulk_create(
            PeriodTotal(member=m, period=name, start=period_start(name, start), total=p)
            for m, p in zip(members, points, strict=True)
        )
    score_counts_check(fix=True)  # written directly: rebuild the histogram
    return members


def test_awards_feed_the_week_and_month_totals(member):
    record(member, "completed", "lesson", timestamp=at("2026-11-23 10:00"))  # Mon
    record(member, "completed", "lesson", timestamp=at("2026-11-29 10:00"))  # Sun
    record(member, "completed", "lesson", timestamp=at("2026-11-30 10:00"))  # Mon
    record(member, "completed", "lesson", timestamp=at("2026-12-01 10:00"))  # Tue
    weeks = dict(
        PeriodTotal.objects.filter(member=member, period="week").values_list(
            "start", "total"
        )
    )
    assert weeks == {
        at("2026-11-23 00:00").date(): 20,
        at("2026-11-30 00:00").date(): 20,
    }
    months = dict(
        PeriodTotal.objects.filter(member=member, period="month").values_list(
            "start", "total"
        )
    )
    assert months == {
        at("2026-11-01 00:00").date(): 30,
        at("2026-12-01 00:00").date(): 10,
    }


def test_spending_does_not_lower_a_leaderboard_score(member):
    from gamification.services import points_spend

    for _ in range(6):
        record(member, "completed", "lesson")
    points_spend(member=member, amount=50, reason="Streak freeze")
    assert leaderboard_position(member=member, period="all") == (60, 1)
    assert leaderboard_position(member=member, period="week") == (60, 1)


def test_position_counts_members_above_and_breaks_ties_by_seniority():
    a, b, c, d = members_with_points(30, 50, 30, 10)
    assert leaderboard_position(member=b) == (50, 1)
    assert leaderboard_position(member=a) == (30, 2)
    assert leaderboard_position(member=c) == (30, 3)
    assert leaderboard_position(member=d, period="week") == (10, 4)


def test_members_who_opt_out_are_hidden_from_everyone_else():
    a, b, c = members_with_points(90, 50, 10)
    game_profile_update(member=a, time_zone="UTC", leaderboard_listed=False)
    board = leaderboard(member=c, period="month")
    assert [r.name for r in board.top] == ["Player 1", "Player 2"]
    assert board.me.position == 2
    own = leaderboard(member=a, period="all")
    assert not own.listed and a.pk not in [r.member_id for r in own.top]
    assert own.me.position == 1  # where they would stand, shown only to them


def test_relative_view_shows_five_above_and_five_below():
    members = members_with_points(*range(200, 0, -10))  # 20 members
    me = members[9]  # 10th place with 110
    board = leaderboard(member=me, period="week")
    assert [r.position for r in board.around] == list(range(5, 16))
    assert [r.points for r in board.around] == list(range(160, 50, -10))
    assert [r.is_me for r in board.around].index(True) == 5
    top = leaderboard(member=members[0], period="all")
    assert [r.position for r in top.around] == list(range(1, 7))


def test_someone_without_points_this_week_sees_the_board_but_no_position(member):
    members_with_points(5)
    record(member, "completed", "lesson", timestamp=timezone.now() - timedelta(days=40))
    board = leaderboard(member=member, period="week")
    assert board.me is None and len(board.top) == 1


def test_the_leaderboard_page_costs_the_same_queries_for_10_or_300_members(
    client, django_assert_num_queries
):
    small = members_with_points(*range(10))
    client.force_login(small[3])
    url = reverse("gamification:leaderboard") + "?period=week"
    client.get(url)  # warm the session and settings rows
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Read now: the next request's request_started signal clears the log.
    small_queries = len(captured.captured_queries)
    assert response.status_code == 200
    big = members_with_points(*range(300))
    client.force_login(big[150])
    client.get(url)
    with django_assert_num_queries(small_queries):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('data-testid="board-row"') == 10 + 11


def test_leaderboard_page_has_tabs_and_marks_the_member(client, member):
    members_with_points(40, 20)
    record(member, "completed", "lesson")
    client.force_login(member)
    html = client.get(
        reverse("gamification:leaderboard") + "?period=all"
    ).content.decode()
    assert 'href="?period=all" aria-current="page"' in html
    assert "You are number 3 with 10 points." in html
    assert "game-board__row--me" in html
    assert (
        client.get(reverse("gamification:leaderboard") + "?period=bogus").status_code
        == 200
    )


def test_leaderboard_needs_an_account(client):
    assert client.get(reverse("gamification:leaderboard")).status_code == 302


def test_the_score_histogram_follows_awards_reversals_and_opting_out(member):
    other = make_member()
    activities = [record(m, "completed", "course") for m in (member, other, member)]
    record(other, "voided", "activity", object_id=str(activities[1].pk))
    assert score_counts_check() == []
    assert leaderboard_position(member=member, period="week") == (100, 1)
    game_profile_update(member=member, time_zone="UTC", leaderboard_listed=False)
    assert score_counts_check() == []
    game_profile_update(member=member, time_zone="UTC", leaderboard_listed=True)
    assert score_counts_check() == []


def test_reconcile_reports_and_rebuilds_wrong_leaderboard_counts(member, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from gamification.models import ScoreCount

    record(member, "completed", "lesson")
    ScoreCount.objects.filter(board="all").update(members=7)
    with pytest.raises(CommandError, match="1 leaderboard count"):
        call_command("points_reconcile")
    assert "leaderboard all: 7 member(s) counted at 10 points, 1 really there" in (
        capsys.readouterr().out
    )
    call_command("points_reconcile", "--fix")
    assert score_counts_check() == []
