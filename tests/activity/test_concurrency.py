"""Two workers dispatching the same activity at the same moment (a redelivered
message racing the sweep, say) run each consumer exactly once: the second
blocks on the receipt's unique key until the first commits, then skips."""

import threading
import time

import pytest
from django.db import connection, connections

from activity.models import Activity, ConsumerReceipt
from activity.services import activity_dispatch
from tests.probe.models import ProbeRun

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def needs_concurrent_writers():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "SQLite's shared-cache in-memory test database locks whole tables "
            "across connections and SQLITE_LOCKED ('database table is locked') "
            "ignores the busy timeout, so the second writer fails instead of "
            "waiting; this test runs in CI's PostgreSQL leg"
        )


def test_two_threads_dispatching_at_once_run_the_consumer_once(
    needs_concurrent_writers, member, add_consumer
):
    calls: list[str] = []
    lock = threading.Lock()

    def slow(activity):
        with lock:
            calls.append(threading.current_thread().name)
        time.sleep(0.5)  # hold the receipt's row lock while the other arrives
        ProbeRun.objects.create(activity_id=activity.pk, pid=0)

    # Created directly: activity_record would dispatch it at once (autocommit,
    # eager Celery) before the race starts.
    activity = Activity.objects.create(
        actor=member,
        verb="completed",
        object_type="lesson",
        object_id="1",
        idempotency_key="race",
    )
    add_consumer("test.slow", slow, verbs={"completed"})
    start = threading.Barrier(2, timeout=10)
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def worker():
        try:
            start.wait()
            results[threading.current_thread().name] = activity_dispatch(
                activity_id=activity.pk
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, name=f"w{i}") for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    assert len(calls) == 1
    assert ProbeRun.objects.filter(activity_id=activity.pk).count() == 1
    assert ConsumerReceipt.objects.filter(consumer="test.slow").count() == 1
    winners = [name for name, ran in results.items() if "test.slow" in ran]
    assert winners == calls
    assert sorted(results) == ["w0", "w1"]
    activity.refresh_from_db()
    assert activity.dispatched_at is not None
