"""A broker outage must not fail the request that records an activity: the
activity is committed, enqueueing fails quietly, the sweep dispatches it."""

import logging

import pytest
from django.db import transaction

from activity.models import Activity
from activity.services import activity_record, activity_sweep
from tests.probe.models import ProbeRun

from .helpers import age, expected_consumers

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_recording_survives_a_broker_outage_and_the_sweep_dispatches_it(
    member, add_consumer, celery_broker, django_capture_on_commit_callbacks, caplog
):
    add_consumer(
        "test.effect",
        lambda activity: ProbeRun.objects.create(activity_id=activity.pk, pid=1),
    )
    caplog.set_level(logging.WARNING, logger="lyceum.activity")

    with celery_broker(UNREACHABLE_BROKER, eager=False) as app:
        assert app.conf.task_always_eager is False
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():  # what a view's service does
                activity = activity_record(
                    actor=member,
                    verb="completed",
                    object_type="lesson",
                    object_id=1,
                    idempotency_key="during-outage",
                )
        assert len(callbacks) == 1  # the enqueue ran, failed, raised nothing

    assert "left for the sweep" in caplog.text
    stored = Activity.objects.get(pk=activity.pk)
    assert stored.dispatched_at is None
    assert not stored.receipts.exists()
    assert not ProbeRun.objects.exists()

    age(stored, 120)
    assert activity_sweep(grace_seconds=60) == 1
    stored.refresh_from_db()
    assert stored.dispatched_at is not None
    assert set(stored.receipts.values_list("consumer", flat=True)) == (
        expected_consumers("completed")
    )
    assert ProbeRun.objects.filter(activity_id=stored.pk).count() == 1


def test_broker_settings_are_restored_after_the_outage(celery_broker):
    from config.celery import app

    before = (app.conf.broker_url, app.conf.task_always_eager)
    with celery_broker(UNREACHABLE_BROKER, eager=False):
        pass
    assert (app.conf.broker_url, app.conf.task_always_eager) == before
