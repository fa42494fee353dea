"""The Celery wiring of the activity log."""

import pytest
from django.conf import settings

from activity import tasks
from activity.models import Activity
from config.celery import app

pytestmark = pytest.mark.django_db


def test_beat_runs_the_sweep_periodically():
    entries = list(settings.CELERY_BEAT_SCHEDULE.values())
    sweep = [e for e in entries if e["task"] == "activity.tasks.sweep"]
    assert len(sweep) == 1
    assert 0 < sweep[0]["schedule"] <= 600
    # a sweep queued while no worker ran must not pile up behind the next one
    assert sweep[0]["options"]["expires"] <= sweep[0]["schedule"]
    assert "activity.tasks.sweep" in app.tasks
    assert "activity.tasks.dispatch" in app.tasks


def test_tasks_have_time_limits_and_late_acks():
    dispatch = app.tasks["activity.tasks.dispatch"]
    assert dispatch.acks_late is True
    assert dispatch.reject_on_worker_lost is True
    assert 0 < dispatch.soft_time_limit < dispatch.time_limit
    assert dispatch.max_retries
    sweep = app.tasks["activity.tasks.sweep"]
    assert 0 < sweep.soft_time_limit < sweep.time_limit


def test_sweep_task_uses_the_configured_grace(member, settings):
    settings.LYCEUM_ACTIVITY_SWEEP_GRACE_SECONDS = 3600
    Activity.objects.create(
        actor=member,
        verb="completed",
        object_type="lesson",
        object_id="1",
        idempotency_key="young",
    )
    assert tasks.sweep.apply().get() == 0
    settings.LYCEUM_ACTIVITY_SWEEP_GRACE_SECONDS = 0
    assert tasks.sweep.apply().get() == 1
