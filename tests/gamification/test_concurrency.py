"""Concurrent dispatch on a real database: the same activity pays exactly once,
and different activities for one member keep the balance equal to the ledger."""

import threading

import pytest
from django.db import connection, connections

from activity.services import activity_dispatch
from gamification.models import PointsBalance, PointsEntry
from gamification.scoreboard import score_counts_check
from gamification.services import points_reconcile

from .conftest import make_activity, make_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def needs_concurrent_writers(default_rules):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "SQLite's shared-cache in-memory test database fails a second writer "
            "with SQLITE_LOCKED instead of waiting; run with DATABASE_URL set to "
            "PostgreSQL (CI's PostgreSQL leg does)"
        )


def run_in_threads(targets) -> list[BaseException]:
    start = threading.Barrier(len(targets), timeout=20)
    errors: list[BaseException] = []

    def wrap(target):
        try:
            start.wait()
            target()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_the_same_activity_dispatched_from_six_threads_pays_once():
    member = make_member()
    activity = make_activity(member, "completed", "course")
    errors = run_in_threads([lambda: activity_dispatch(activity_id=activity.pk)] * 6)
    assert errors == []
    assert PointsEntry.objects.filter(activity=activity).count() == 1
    assert PointsBalance.objects.get(member=member).total == 50
    assert points_reconcile() == []
    assert score_counts_check() == []


def test_different_activities_for_one_member_at_once_keep_balance_equal_to_ledger():
    member = make_member()
    author = make_member()
    activities = [make_activity(member, "completed", "lesson") for _ in range(8)]
    # Reactions to the author's post, capped at 20 a day: 30 arrive at once.
    reactors = [make_member() for _ in range(6)]
    likes = [
        make_activity(r, "liked", "post", context={"owner_id": author.pk})
        for r in reactors
        for _ in range(5)
    ]
    work = activities + likes
    errors = run_in_threads(
        [
            (
                lambda chunk=work[i::6]: [
                    activity_dispatch(activity_id=a.pk) for a in chunk
                ]
            )
            for i in range(6)
        ]
    )
    assert errors == []
    assert PointsBalance.objects.get(member=member).total == 80
    assert PointsBalance.objects.get(member=author).total == 20  # the cap held
    assert points_reconcile() == []
    assert score_counts_check() == []


def test_fifty_concurrent_redemptions_of_a_stock_of_ten_sell_exactly_ten():
    from concurrent.futures import ThreadPoolExecutor

    from django.core.exceptions import ValidationError

    from gamification.models import Redemption, Reward
    from gamification.reward_services import reward_redeem

    reward = Reward.objects.create(name="Sticker pack", cost=30, stock=10)
    buyers = [make_member() for _ in range(45)]
    for buyer in buyers:
        for _ in range(3):  # 30 points each
            activity_dispatch(
                activity_id=make_activity(buyer, "completed", "lesson").pk
            )
    # One buyer tries six times at once with points for only one.
    attempts = buyers + [buyers[0]] * 5
    outcomes: list[str] = []

    def attempt(buyer):
        try:
            reward_redeem(member=buyer, reward_id=reward.pk)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(attempt, attempts))
    assert len(outcomes) == 50
    assert outcomes.count("ok") == 10
    reward.refresh_from_db()
    assert reward.stock == 0
    assert Redemption.objects.count() == 10
    assert not PointsBalance.objects.filter(total__lt=0).exists()
    assert points_reconcile() == []
    spent = PointsBalance.objects.filter(member__in=buyers, total=0).count()
    assert spent == 10
