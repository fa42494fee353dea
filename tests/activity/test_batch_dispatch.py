"""Batched dispatch: many activities per consumer transaction, with the same
guarantees as one at a time — one receipt per consumer and activity, a failing
consumer leaves only the activities it fails on open, replays run nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity import registry, tasks
from activity.models import Activity, ConsumerReceipt
from activity.services import (
    CLAIM_SECONDS,
    activity_dispatch,
    activity_dispatch_batch,
    activity_sweep,
)
from tests.probe.models import ProbeRun

from .helpers import age, expected_consumers, make_due

pytestmark = pytest.mark.django_db


def make(member, n, *, verb="completed", object_type="lesson", prefix="b"):
    """Activities created directly (not dispatched on commit)."""
    return [
        Activity.objects.create(
            actor=member,
            verb=verb,
            object_type=object_type,
            object_id=str(i),
            idempotency_key=f"{prefix}:{verb}:{i}",
        )
        for i in range(n)
    ]


def receipts(consumer: str) -> list[int]:
    return sorted(
        ConsumerReceipt.objects.filter(consumer=consumer).values_list(
            "activity_id", flat=True
        )
    )


def probe_tags() -> list[tuple[int, int]]:
    return sorted(ProbeRun.objects.values_list("activity_id", "pid"))


@pytest.fixture
def batch_consumer(add_consumer):
    """A consumer with a batch handler; records every batch it was given."""
    batches: list[list[int]] = []

    def one(activity):
        ProbeRun.objects.create(activity_id=activity.pk, pid=1)

    def many(activities):
        batches.append([a.pk for a in activities])
        ProbeRun.objects.bulk_create(
            ProbeRun(activity_id=a.pk, pid=1) for a in activities
        )

    registry.consumer("test.batch", verbs={"completed"}, batch=many)(one)
    yield batches
    registry.unregister("test.batch")


def test_each_consumer_gets_the_batch_once_and_one_receipt_per_activity(
    member, add_consumer, batch_consumer
):
    add_consumer(
        "test.single",
        lambda a: ProbeRun.objects.create(activity_id=a.pk, pid=2),
        verbs={"completed", "liked"},
    )
    completed = make(member, 4)
    liked = make(member, 2, verb="liked", object_type="post")
    ids = [a.pk for a in completed + liked]

    ran = activity_dispatch_batch(activity_ids=reversed(ids))

    # The batch handler got its activities once, in the order they were logged.
    assert batch_consumer == [[a.pk for a in completed]]
    assert receipts("test.batch") == [a.pk for a in completed]
    assert receipts("test.single") == sorted(ids)
    assert probe_tags() == sorted(
        [(a.pk, 1) for a in completed] + [(pk, 2) for pk in ids]
    )
    for activity in completed + liked:
        assert set(ran[activity.pk]) == expected_consumers(activity.verb)
        assert set(activity.receipts.values_list("consumer", flat=True)) == (
            expected_consumers(activity.verb)
        )
    assert not Activity.objects.filter(pk__in=ids, dispatched_at__isnull=True).exists()

    # Replays run nothing: the batch again, with dispatched_at reset, or alone.
    assert activity_dispatch_batch(activity_ids=ids) == {pk: [] for pk in ids}
    Activity.objects.filter(pk__in=ids).update(dispatched_at=None)
    assert activity_dispatch_batch(activity_ids=ids) == {pk: [] for pk in ids}
    assert activity_dispatch(activity_id=ids[0]) == []
    assert len(batch_consumer) == 1
    assert ProbeRun.objects.count() == len(completed) + len(ids)
    assert not Activity.objects.filter(pk__in=ids, dispatched_at__isnull=True).exists()


def test_a_batch_fills_only_the_gaps_it_finds(member, batch_consumer):
    activities = make(member, 5)
    activity_dispatch(activity_id=activities[1].pk, only="test.batch")
    activity_dispatch_batch(activity_ids=[a.pk for a in activities], only="test.batch")
    assert batch_consumer == [[a.pk for a in activities if a != activities[1]]]
    assert receipts("test.batch") == [a.pk for a in activities]
    assert ProbeRun.objects.count() == 5
    # `only` leaves the other consumers' work open.
    assert Activity.objects.filter(dispatched_at__isnull=True).count() == 5


def test_a_failing_batch_is_retried_one_by_one_and_only_the_bad_one_backs_off(
    member, add_consumer
):
    def one(activity):
        if activity.object_id == "2":
            raise RuntimeError("consumer bug on one activity")
        ProbeRun.objects.create(activity_id=activity.pk, pid=3)

    def many(activities):
        ProbeRun.objects.bulk_create(  # partial effects, rolled back below
            ProbeRun(activity_id=a.pk, pid=3) for a in activities
        )
        for activity in activities:
            one(activity)

    registry.consumer("test.fragile", verbs={"completed"}, batch=many)(one)
    add_consumer(
        "test.healthy", lambda a: ProbeRun.objects.create(activity_id=a.pk, pid=4)
    )
    try:
        activities = make(member, 4)
        bad = activities[2]
        ran = activity_dispatch_batch(activity_ids=[a.pk for a in activities])
    finally:
        registry.unregister("test.fragile")

    assert "test.fragile" not in ran[bad.pk]
    assert all("test.fragile" in ran[a.pk] for a in activities if a != bad)
    assert receipts("test.fragile") == [a.pk for a in activities if a != bad]
    assert receipts("test.healthy") == [a.pk for a in activities]
    # Exactly one effect per handled activity: the failed batch left nothing.
    assert probe_tags() == sorted(
        [(a.pk, 3) for a in activities if a != bad] + [(a.pk, 4) for a in activities]
    )
    bad.refresh_from_db()
    assert (bad.dispatched_at, bad.failed_dispatches) == (None, 1)
    assert bad.retry_after is not None
    for activity in activities:
        if activity != bad:
            activity.refresh_from_db()
            assert activity.dispatched_at is not None
            assert activity.failed_dispatches == 0


def test_a_consumer_without_batch_handler_fails_only_its_bad_activity(
    member, add_consumer
):
    def picky(activity):
        ProbeRun.objects.create(activity_id=activity.pk, pid=5)  # partial effect
        if activity.object_id in {"1", "3"}:
            raise RuntimeError("consumer bug")

    add_consumer("test.picky", picky)
    activities = make(member, 5)
    activity_dispatch_batch(activity_ids=[a.pk for a in activities])

    good = [a.pk for a in activities if a.object_id not in {"1", "3"}]
    assert receipts("test.picky") == good
    assert sorted(ProbeRun.objects.values_list("activity_id", flat=True)) == good
    failed = Activity.objects.filter(failed_dispatches=1)
    assert sorted(failed.values_list("object_id", flat=True)) == ["1", "3"]
    assert not failed.filter(dispatched_at__isnull=False).exists()
    assert Activity.objects.filter(dispatched_at__isnull=False).count() == 3


def test_batch_dispatch_costs_the_same_queries_for_5_or_50_activities(
    member, batch_consumer
):
    def cost(n, prefix):
        ids = [a.pk for a in make(member, n, prefix=prefix)]
        with CaptureQueriesContext(connection) as captured:
            activity_dispatch_batch(activity_ids=ids, only="test.batch")
        assert receipts("test.batch")[-n:] == ids
        return len(captured.captured_queries)

    assert cost(5, "few") == cost(50, "many")


def test_the_sweep_works_in_batches_oldest_first(member, batch_consumer):
    activities = make(member, 5)
    for seconds, activity in zip((500, 400, 300, 200, 100), activities, strict=True):
        age(activity, seconds)

    assert activity_sweep(grace_seconds=0, limit=4, batch_size=2) == 4
    assert batch_consumer == [
        [activities[0].pk, activities[1].pk],
        [activities[2].pk, activities[3].pk],
    ]
    # The fifth, and the level its points reached if levels are set up
    # (logged by a consumer in this sweep, and old enough for a grace of 0).
    swept = activity_sweep(grace_seconds=0, batch_size=2)
    assert swept == 1 + Activity.objects.filter(verb="earned").count()
    assert receipts("test.batch") == [a.pk for a in activities]
    assert not Activity.objects.filter(dispatched_at__isnull=True).exists()
    # Closed activities keep no claim.
    assert not Activity.objects.filter(retry_after__isnull=False).exists()


def test_a_sweep_that_dies_mid_batch_leaves_its_claim_until_it_expires(
    member, add_consumer
):
    def dies(activity):
        raise SystemExit("worker killed")  # not an Exception: nothing catches it

    add_consumer("test.dies", dies)
    activity = make(member, 1)[0]
    age(activity, 120)
    with pytest.raises(SystemExit):
        activity_sweep(grace_seconds=0)
    registry.unregister("test.dies")
    add_consumer(
        "test.after", lambda a: ProbeRun.objects.create(activity_id=a.pk, pid=6)
    )

    # Another sweep leaves the claimed activity alone …
    assert activity_sweep(grace_seconds=0) == 0
    activity.refresh_from_db()
    assert activity.dispatched_at is None
    assert activity.failed_dispatches == 0  # a lost claim is not a failure
    # … until the claim has expired.
    make_due(activity)
    assert activity_sweep(grace_seconds=0) == 1
    activity.refresh_from_db()
    assert activity.dispatched_at is not None
    assert ProbeRun.objects.filter(activity_id=activity.pk, pid=6).count() == 1


def test_a_claim_outlives_any_running_sweep():
    assert CLAIM_SECONDS >= tasks.sweep.time_limit
