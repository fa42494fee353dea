"""Batches at once on a real database: overlapping batches run each consumer
exactly once per activity, and sweeps running together share the backlog
(each claims different activities) instead of doing the same work twice."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections

from activity import registry
from activity.models import Activity, ConsumerReceipt
from activity.services import activity_dispatch, activity_dispatch_batch, activity_sweep
from tests.probe.models import ProbeRun

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="concurrent writers need PostgreSQL (row locks, SKIP LOCKED); the "
        "SQLite test database fails a second writer instead of waiting. CI's "
        "PostgreSQL leg runs these",
    ),
]


def run_in_threads(targets) -> list:
    """Start the targets together; returns their results, raising the first
    error."""
    start = threading.Barrier(len(targets), timeout=20)
    results: list = [None] * len(targets)
    errors: list[BaseException] = []

    def wrap(n, target):
        try:
            start.wait()
            results[n] = target()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=wrap, args=(n, t)) for n, t in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def slow_batches():
    """A batch consumer slow enough that batches overlap in time; one
    ProbeRun per activity it handles (pid: the thread's number)."""
    calls: list[tuple[str, list[int]]] = []
    lock = threading.Lock()

    def one(activity):
        ProbeRun.objects.create(activity_id=activity.pk, pid=0)

    def many(activities):
        with lock:
            calls.append((threading.current_thread().name, [a.pk for a in activities]))
        time.sleep(0.2)  # hold the receipts while the others arrive
        ProbeRun.objects.bulk_create(
            ProbeRun(activity_id=a.pk, pid=0) for a in activities
        )

    registry.consumer("test.slow-batch", verbs={"experienced"}, batch=many)(one)
    yield calls
    registry.unregister("test.slow-batch")


def make(member, n):
    # "experienced" pays no points, so no consumer logs follow-up activities.
    return [
        Activity.objects.create(
            actor=member,
            verb="experienced",
            object_type="lesson",
            object_id=str(i),
            idempotency_key=f"conc:{i}",
        )
        for i in range(n)
    ]


def test_overlapping_batches_and_single_dispatches_run_each_consumer_once(
    member, slow_batches
):
    ids = [a.pk for a in make(member, 60)]
    results = run_in_threads(
        [
            lambda: activity_dispatch_batch(activity_ids=ids[:40]),
            lambda: activity_dispatch_batch(activity_ids=ids[20:]),
            lambda: {pk: activity_dispatch(activity_id=pk) for pk in ids[10:50]},
        ]
    )

    for pk in ids:
        runs = [name for ran in results for name in ran.get(pk, [])]
        # Every consumer ran once for it, in exactly one of the threads.
        assert sorted(runs) == sorted(
            c.name for c in registry.consumers_for("experienced")
        )
    assert sorted(ProbeRun.objects.values_list("activity_id", flat=True)) == ids
    assert ConsumerReceipt.objects.filter(consumer="test.slow-batch").count() == 60
    assert not Activity.objects.filter(dispatched_at__isnull=True).exists()


def test_sweeps_running_at_once_claim_different_activities(member, slow_batches):
    activities = make(member, 200)
    swept = run_in_threads(
        [
            lambda: activity_sweep(grace_seconds=0, limit=10_000, batch_size=20)
            for _ in range(3)
        ]
    )

    assert sum(swept) == 200  # nothing swept twice, nothing left
    assert all(n > 0 for n in swept)  # all three took part
    handled = [pk for _thread, batch in slow_batches for pk in batch]
    assert sorted(handled) == [a.pk for a in activities]
    assert ProbeRun.objects.count() == 200
    assert not Activity.objects.filter(dispatched_at__isnull=True).exists()
    assert not Activity.objects.filter(retry_after__isnull=False).exists()
