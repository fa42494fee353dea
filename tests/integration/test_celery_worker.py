"""The spine with a real Celery worker: activities committed by the site are
handled by the worker, and a worker killed mid-task loses nothing and repeats
nothing (PostgreSQL + Redis only; CI's PostgreSQL leg must run these)."""

import re

import pytest
from django.db import transaction

from activity import registry
from activity.models import Activity, ConsumerReceipt
from activity.services import activity_record
from activity.tasks import sweep
from members.models import PresenceDay
from tests.probe.consumers import NAME as PROBE
from tests.probe.models import ProbeRun, ProbeStart

from .workers import SKIP_REASON, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or ""),
]

# Long enough for a fresh worker to start and run the sweep before Redis hands
# the killed worker's unacknowledged message out again.
VISIBILITY_TIMEOUT = 30


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(
        username="grace", email="grace@example.org", password="x" * 12
    )


def worker_consumers(verb: str) -> set[str]:
    """What the worker runs: this process's consumers plus the probe, which
    only the worker registers (LYCEUM_PROBE_CONSUMERS)."""
    return {c.name for c in registry.consumers_for(verb)} | {PROBE}


def receipts(activity) -> set[str]:
    return set(
        ConsumerReceipt.objects.filter(activity=activity).values_list(
            "consumer", flat=True
        )
    )


def record_committed(member, key, **fields) -> Activity:
    """As a view would: a committed transaction, dispatch enqueued on commit."""
    defaults = {
        "verb": "completed",
        "object_type": "lesson",
        "object_id": 1,
    }
    defaults.update(fields)
    with transaction.atomic():
        activity = activity_record(actor=member, idempotency_key=key, **defaults)
    return activity


def test_worker_handles_activities_the_site_commits(
    start_worker, site_enqueues_to, member
):
    worker = start_worker()
    activities = [
        record_committed(member, "w:1"),
        record_committed(member, "w:2", verb="liked", object_type="post"),
        record_committed(member, "w:3", context={"probe": {"sleep_first": 0}}),
    ]

    def all_dispatched():
        return not Activity.objects.filter(
            pk__in=[a.pk for a in activities], dispatched_at__isnull=True
        ).exists()

    wait_until(all_dispatched, 60, "the worker to dispatch 3 activities", logs=[worker])
    for activity in activities:
        assert receipts(activity) == worker_consumers(activity.verb)
    presence = PresenceDay.objects.get(user=member)
    assert presence.actions == 3
    assert ProbeRun.objects.filter(activity_id=activities[2].pk).count() == 1
    assert "activity.tasks.dispatch" in worker.log()


def test_worker_killed_mid_task_loses_nothing_and_repeats_nothing(
    start_worker, site_enqueues_to, member
):
    first = start_worker(visibility_timeout=VISIBILITY_TIMEOUT)
    activity = record_committed(
        member, "kill:1", context={"probe": {"sleep_first": 120}}
    )

    # The probe commits a start marker on its own connection, then sleeps
    # inside the consumer's transaction (receipt inserted, effect not yet).
    wait_until(
        lambda: ProbeStart.objects.filter(activity_id=activity.pk).exists(),
        60,
        "the probe consumer to start in the first worker",
        logs=[first],
    )
    task_ids = re.findall(
        r"activity\.tasks\.dispatch\[([0-9a-f-]+)\] received", first.log()
    )
    assert len(task_ids) == 1, first.log()
    first.kill()

    # Nothing of the probe survived; consumers that ran before it kept theirs.
    assert not ProbeRun.objects.filter(activity_id=activity.pk).exists()
    assert PROBE not in receipts(activity)
    assert receipts(activity) == worker_consumers("completed") - {PROBE}
    activity.refresh_from_db()
    assert activity.dispatched_at is None

    # A fresh worker; the sweep goes through the broker like beat's would.
    second = start_worker(visibility_timeout=VISIBILITY_TIMEOUT)
    sweep.delay()
    wait_until(
        lambda: Activity.objects.filter(
            pk=activity.pk, dispatched_at__isnull=False
        ).exists(),
        60,
        "the sweep to complete the activity",
        logs=[first, second],
    )
    assert re.search(
        r"activity\.tasks\.sweep\[[0-9a-f-]+\] succeeded .*: 1$", second.log(), re.M
    )
    assert ProbeRun.objects.filter(activity_id=activity.pk).count() == 1
    assert ProbeStart.objects.filter(activity_id=activity.pk).count() == 2
    assert receipts(activity) == worker_consumers("completed")
    presence = PresenceDay.objects.get(user=member)
    assert presence.actions == 1

    # Later Redis hands the killed worker's unacknowledged message out again:
    # the dispatch runs, finds every receipt, and runs no consumer.
    second.wait_for_log(
        f"activity.tasks.dispatch[{task_ids[0]}] succeeded",
        VISIBILITY_TIMEOUT + 60,
    )
    redelivered = rf"activity\.tasks\.dispatch\[{task_ids[0]}\] succeeded .*: \[\]$"
    assert re.search(redelivered, second.log(), re.M), second.log()
    assert ProbeRun.objects.filter(activity_id=activity.pk).count() == 1
    assert ProbeStart.objects.filter(activity_id=activity.pk).count() == 2
    assert ConsumerReceipt.objects.filter(activity=activity).count() == len(
        worker_consumers("completed")
    )
    assert PresenceDay.objects.get(user=member).actions == 1
