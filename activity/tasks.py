"""Celery tasks: thin wrappers around the services.

`dispatch` is acknowledged late, so a worker killed mid-task leaves the message
to be redelivered; receipts make the redelivery a no-op for every consumer that
already committed. The periodic `sweep` (CELERY_BEAT_SCHEDULE) picks up whatever
the queue lost: a broker outage, a failed consumer, a message never delivered;
it works in claimed batches (see `activity_sweep`), so several sweeps running at
once share the backlog instead of queueing behind each other."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .services import activity_dispatch, activity_sweep

# Consumers are short database transactions; a dispatch that takes minutes is
# stuck, and the sweep retries whatever it did not finish.
DISPATCH_SOFT_TIME_LIMIT = 60
DISPATCH_TIME_LIMIT = 90
SWEEP_SOFT_TIME_LIMIT = 240
SWEEP_TIME_LIMIT = 300
# The sweep stops at its time budget long before this many activities; the
# limit only keeps one run from being unbounded.
SWEEP_LIMIT = 1_000_000


@shared_task(
    name="activity.tasks.dispatch",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=DISPATCH_SOFT_TIME_LIMIT,
    time_limit=DISPATCH_TIME_LIMIT,
    # Only the database being unreachable is worth an early retry (consumer
    # errors are caught in the service and left to the sweep).
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def dispatch(activity_id: int) -> list[str]:
    return activity_dispatch(activity_id=activity_id)


@shared_task(
    name="activity.tasks.sweep",
    acks_late=False,  # periodic: a lost run is covered by the next one
    ignore_result=True,
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT,
    time_limit=SWEEP_TIME_LIMIT,
)
def sweep() -> int:
    return activity_sweep(
        grace_seconds=settings.LYCEUM_ACTIVITY_SWEEP_GRACE_SECONDS,
        limit=SWEEP_LIMIT,
        budget_seconds=SWEEP_SOFT_TIME_LIMIT * 0.75,
    )
