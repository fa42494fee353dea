"""Dispatch: one receipt per consumer, written with the consumer's effects;
failures leave no trace and are completed by the sweep."""

import pytest

from activity.models import Activity, ConsumerReceipt
from activity.services import (
    activity_dispatch,
    activity_record,
    activity_sweep,
    retry_delay_seconds,
)
from tests.probe.models import ProbeRun

from .helpers import age, expected_consumers, make_due

pytestmark = pytest.mark.django_db


def record(member, key="k1", verb="completed", object_type="lesson"):
    return activity_record(
        actor=member,
        verb=verb,
        object_type=object_type,
        object_id=1,
        idempotency_key=key,
    )


def effect(tag: int):
    """A consumer whose effect is a ProbeRun row tagged with `tag`."""

    def handle(activity):
        ProbeRun.objects.create(activity_id=activity.pk, pid=tag)

    return handle


def test_each_consumer_gets_one_receipt_and_never_runs_twice(member, add_consumer):
    add_consumer("test.a", effect(1))
    add_consumer("test.b", effect(2), verbs={"completed"})
    add_consumer("test.other-verb", effect(3), verbs={"liked"})
    activity = record(member)

    ran = activity_dispatch(activity_id=activity.pk)
    assert {"test.a", "test.b"} <= set(ran)
    assert "test.other-verb" not in ran
    receipts = set(activity.receipts.values_list("consumer", flat=True))
    assert receipts == expected_consumers("completed")
    assert "test.other-verb" not in receipts

    # Re-dispatching (a redelivered message, a sweep, a replay) runs nothing.
    assert activity_dispatch(activity_id=activity.pk) == []
    Activity.objects.filter(pk=activity.pk).update(dispatched_at=None)
    assert activity_dispatch(activity_id=activity.pk) == []
    assert sorted(ProbeRun.objects.values_list("pid", flat=True)) == [1, 2]
    assert ConsumerReceipt.objects.filter(activity=activity).count() == len(receipts)
    activity.refresh_from_db()
    assert activity.dispatched_at is not None


def test_dispatching_a_missing_activity_does_nothing():
    assert activity_dispatch(activity_id=987654) == []


def test_failing_consumer_leaves_no_trace_and_the_sweep_completes_it(
    member, add_consumer
):
    broken = {"yes": True}

    def flaky(activity):
        ProbeRun.objects.create(activity_id=activity.pk, pid=2)  # partial effect
        if broken["yes"]:
            raise RuntimeError("consumer bug")

    add_consumer("test.before", effect(1))
    add_consumer("test.flaky", flaky)
    add_consumer("test.after", effect(3))
    activity = record(member)

    ran = activity_dispatch(activity_id=activity.pk)

    assert "test.flaky" not in ran
    assert {"test.before", "test.after"} <= set(ran)  # the others still ran
    handled = set(activity.receipts.values_list("consumer", flat=True))
    assert handled == expected_consumers("completed") - {"test.flaky"}
    assert sorted(ProbeRun.objects.values_list("pid", flat=True)) == [1, 3]
    activity.refresh_from_db()
    assert activity.dispatched_at is None

    # The failure postpones the next attempt: the sweep waits for it.
    age(activity, 120)
    activity.refresh_from_db()
    assert activity.failed_dispatches == 1
    assert activity_sweep(grace_seconds=60) == 0

    # Still broken when due: the sweep retries, still no partial effect, and
    # the next attempt moves further away.
    make_due(activity)
    assert activity_sweep(grace_seconds=60) == 1
    assert not ProbeRun.objects.filter(pid=2).exists()
    activity.refresh_from_db()
    assert activity.failed_dispatches == 2
    assert activity_sweep(grace_seconds=60) == 0

    broken["yes"] = False
    make_due(activity)
    assert activity_sweep(grace_seconds=60) == 1
    assert sorted(ProbeRun.objects.values_list("pid", flat=True)) == [1, 2, 3]
    assert set(activity.receipts.values_list("consumer", flat=True)) == (
        expected_consumers("completed")
    )
    activity.refresh_from_db()
    assert activity.dispatched_at is not None
    # Done: later sweeps no longer see it.
    assert activity_sweep(grace_seconds=0) == 0
    assert ProbeRun.objects.count() == 3


def test_a_consumer_that_keeps_failing_does_not_starve_the_sweep(member, add_consumer):
    def always_broken(activity):
        if activity.idempotency_key.startswith("poison"):
            raise RuntimeError("consumer bug")
        ProbeRun.objects.create(activity_id=activity.pk, pid=7)

    add_consumer("test.picky", always_broken)
    poison = [record(member, key=f"poison{i}") for i in range(3)]
    healthy = record(member, key="healthy")
    for activity in poison:
        activity_dispatch(activity_id=activity.pk)
        age(activity, 600)
    age(healthy, 60)

    # Older poisoned activities are backing off, so a small sweep reaches the
    # healthy one instead of retrying the same failures for ever.
    assert activity_sweep(grace_seconds=0, limit=2) == 1
    assert ProbeRun.objects.filter(activity_id=healthy.pk).count() == 1


def test_retry_delay_grows_and_is_capped():
    delays = [retry_delay_seconds(n) for n in range(1, 12)]
    assert delays[:4] == [60, 120, 240, 480]
    assert delays == sorted(delays)
    assert retry_delay_seconds(10_000) == 6 * 60 * 60


def test_sweep_leaves_activities_younger_than_the_grace_period(member, add_consumer):
    add_consumer("test.a", effect(1))
    fresh = record(member, key="fresh")  # on_commit never fired: undispatched
    old = record(member, key="old")
    age(old, 120)

    assert activity_sweep(grace_seconds=60) == 1

    assert not fresh.receipts.exists()
    assert old.receipts.filter(consumer="test.a").exists()
    fresh.refresh_from_db()
    old.refresh_from_db()
    assert fresh.dispatched_at is None
    assert old.dispatched_at is not None


def test_sweep_respects_its_limit_oldest_first(member, add_consumer):
    add_consumer("test.a", effect(1))
    activities = [record(member, key=f"k{i}") for i in range(3)]
    for seconds, activity in zip((300, 200, 100), activities, strict=True):
        age(activity, seconds)

    assert activity_sweep(grace_seconds=0, limit=2) == 2
    assert [a.receipts.exists() for a in activities] == [True, True, False]
    assert activity_sweep(grace_seconds=0, limit=2) == 1


def test_an_activity_no_consumer_wants_is_marked_dispatched(member):
    activity = record(member, verb="flagged", object_type="post")
    wanted = expected_consumers("flagged")
    activity_dispatch(activity_id=activity.pk)
    activity.refresh_from_db()
    assert set(activity.receipts.values_list("consumer", flat=True)) == wanted
    assert activity.dispatched_at is not None
