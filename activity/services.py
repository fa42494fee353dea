"""Writing to the activity log and dispatching it to consumers."""

import functools
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from . import registry
from .models import Activity, ConsumerReceipt
from .vocabulary import VERBS, verb_allows

logger = logging.getLogger("lyceum.activity")

_OBJECT_ID_MAX = Activity._meta.get_field("object_id").max_length
_KEY_MAX = Activity._meta.get_field("idempotency_key").max_length


def activity_record(
    *,
    actor,
    verb: str,
    object_type: str,
    object_id: str | int,
    idempotency_key: str,
    result: dict | None = None,
    context: dict | None = None,
    timestamp: datetime | None = None,
) -> Activity:
    """Record an activity inside the caller's transaction and dispatch it once
    that transaction commits. Recording the same idempotency key twice returns
    the first activity and dispatches nothing new; reusing a key for a different
    actor, verb or object is a bug in the recorder and raises ValueError."""
    if verb not in VERBS:
        raise ValueError(f"Unknown activity verb {verb!r}; add it to the vocabulary.")
    if not verb_allows(verb, object_type):
        raise ValueError(f"Verb {verb!r} does not take object type {object_type!r}.")
    object_id = str(object_id)
    if not object_id or len(object_id) > _OBJECT_ID_MAX:
        raise ValueError(f"object_id must be 1-{_OBJECT_ID_MAX} characters.")
    if not idempotency_key or len(idempotency_key) > _KEY_MAX:
        raise ValueError(f"idempotency_key must be 1-{_KEY_MAX} characters.")
    if getattr(actor, "pk", None) is None:
        raise ValueError("An activity needs a saved member as its actor.")
    with transaction.atomic():
        activity, created = Activity.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "actor": actor,
                "verb": verb,
                "object_type": object_type,
                "object_id": object_id,
                "result": result or {},
                "context": context or {},
                "timestamp": timestamp or timezone.now(),
            },
        )
    if not created:
        stored = (activity.actor_id, activity.verb, activity.object_type)
        if stored != (actor.pk, verb, object_type) or activity.object_id != object_id:
            raise ValueError(
                f"Idempotency key {idempotency_key!r} already names a different "
                "activity; choose keys that identify the action."
            )
        return activity
    activity_id = activity.pk
    # Enqueue only once the caller's transaction has committed (a worker must
    # find the row); if it rolls back, there is nothing to dispatch.
    transaction.on_commit(lambda: activity_enqueue(activity_id=activity_id))
    return activity


def activity_enqueue(*, activity_id: int) -> bool:
    """Hand an activity to Celery. Nothing is ever raised from here: it runs
    after the activity has been committed, so a broker outage (or, in eager
    mode, any dispatch error) is logged and the sweep dispatches it later."""
    from .tasks import dispatch

    try:
        dispatch.delay(activity_id)
    except Exception:  # the activity is committed; the sweep retries
        logger.warning(
            "Could not enqueue activity %s; it is left for the sweep.",
            activity_id,
            exc_info=True,
        )
        return False
    return True


def activity_dispatch(*, activity_id: int, only: str | None = None) -> list[str]:
    """Run every consumer of this activity's verb that has no receipt yet.

    Each consumer runs in its own transaction together with its receipt: a crash
    leaves no receipt (it runs again later), a concurrent duplicate blocks on the
    receipt's unique key and then skips. A failing consumer does not stop the
    others. `only` restricts the run to one consumer (used by replay). Returns
    the names of the consumers that ran now."""
    ran = activity_dispatch_batch(activity_ids=[activity_id], only=only)
    return ran.get(activity_id, [])


def activity_dispatch_batch(
    *, activity_ids: Iterable[int], only: str | None = None
) -> dict[int, list[str]]:
    """`activity_dispatch` for many activities at once, with the same
    guarantees. A consumer with a batch handler gets the activities it has not
    handled in one transaction with their receipts, in a fixed number of
    statements: the receipts are one INSERT … ON CONFLICT DO NOTHING in id
    order, so two runs over overlapping batches cannot deadlock and each
    activity goes to whichever inserted its receipt first. If it fails, the
    batch is retried one activity at a time, so only the activities it fails
    on stay open and back off. Other consumers run on each activity in its own
    transaction, as in `activity_dispatch`. Returns {activity id: consumers
    that ran now} for the activities that exist."""
    return _dispatch(sorted(set(activity_ids)), only=only, claimed=False)


# Size of the sweep's batches: large enough that the per-batch statements cost
# little per activity, small enough that a batch's transaction stays short.
SWEEP_BATCH_SIZE = 500
# How long a sweep's claim on a batch lasts. The sweep task's hard time limit:
# a claim outlives any sweep that is still working on it, and a batch whose
# worker died is swept again once it expires.
CLAIM_SECONDS = 5 * 60


def _dispatch(
    activity_ids: list[int], *, only: str | None, claimed: bool
) -> dict[int, list[str]]:
    activities = list(Activity.objects.filter(pk__in=activity_ids).order_by("pk"))
    if not activities:
        return {}
    done: dict[int, set[str]] = {a.pk: set() for a in activities}
    for activity_id, name in ConsumerReceipt.objects.filter(
        activity_id__in=list(done)
    ).values_list("activity_id", "consumer"):
        done[activity_id].add(name)
    consumers = registry.all_consumers()
    if only is not None:
        consumers = [c for c in consumers if c.name == only]
    ran: dict[int, list[str]] = {a.pk: [] for a in activities}
    failed: set[int] = set()
    for consumer in consumers:
        todo = [
            a
            for a in activities
            if consumer.wants(a.verb) and consumer.name not in done[a.pk]
        ]
        if not todo:
            continue
        handled, failures = _run_consumer(consumer, todo)
        for activity in todo:
            if activity.pk in handled:
                ran[activity.pk].append(consumer.name)
            if activity.pk not in failures:
                # Handled now, or by a concurrent run whose receipt we met.
                done[activity.pk].add(consumer.name)
        failed |= failures
    _bookkeep(activities, done=done, failed=failed, claimed=claimed)
    return ran


def _run_consumer(
    consumer: registry.Consumer, todo: list[Activity]
) -> tuple[set[int], set[int]]:
    """Run one consumer on activities it has not handled. Returns the ids it
    handled now and the ids it failed on; the others already had a receipt
    (a concurrent run got there first)."""
    if consumer.batch_handler is not None and len(todo) > 1:
        try:
            with transaction.atomic():
                won = _insert_receipts([a.pk for a in todo], consumer.name)
                batch = [a for a in todo if a.pk in won]
                if batch:
                    consumer.batch_handler(batch)
            return won, set()
        except Exception:
            logger.warning(
                "Consumer %s failed on a batch of %s activities; "
                "retrying them one by one",
                consumer.name,
                len(todo),
                exc_info=True,
            )
    # One transaction per activity, as in activity_dispatch: a handler written
    # for one activity may lock rows in any order, which is only safe if it
    # never holds them across activities.
    handled, failed = set(), set()
    for activity in todo:
        ok, bad = _run_one(consumer, activity)
        handled |= ok
        failed |= bad
    return handled, failed


def _run_one(consumer: registry.Consumer, activity: Activity) -> tuple[set, set]:
    try:
        with transaction.atomic():
            # The receipt goes first: a concurrent run of the same consumer
            # blocks on it until this transaction ends, then skips.
            if not _insert_receipts([activity.pk], consumer.name):
                return set(), set()
            consumer.handler(activity)
    except Exception:
        logger.exception(_FAILED, consumer.name, activity.pk)
        return set(), {activity.pk}
    return {activity.pk}, set()


_FAILED = "Consumer %s failed on activity %s; the sweep retries"


@functools.cache
def _receipt_insert_sql(rows: int | None) -> str:
    """rows=None: PostgreSQL, the ids as one array (thousands of placeholders
    cost the driver more than the insert costs the server)."""
    table = connection.ops.quote_name(ConsumerReceipt._meta.db_table)
    if rows is None:
        source = "SELECT unnest(%s::bigint[]), %s, %s"
    else:
        source = "VALUES " + ", ".join(["(%s, %s, %s)"] * rows)
    return (
        f"INSERT INTO {table} (activity_id, consumer, handled_at) {source} "
        "ON CONFLICT (activity_id, consumer) DO NOTHING RETURNING activity_id"
    )


_RECEIPT_CHUNK = 1000


def _insert_receipts(activity_ids: list[int], consumer: str) -> set[int]:
    """Insert the consumer's receipts for these activities, in id order; a
    receipt another transaction holds makes this wait for it, then skip it.
    Returns the ids whose receipt this transaction inserted."""
    handled_at = ConsumerReceipt._meta.get_field("handled_at").get_db_prep_save(
        timezone.now(), connection
    )
    ordered = sorted(activity_ids)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_receipt_insert_sql(None), [ordered, consumer, handled_at])
            return {row[0] for row in cursor.fetchall()}
        won: set[int] = set()
        for first in range(0, len(ordered), _RECEIPT_CHUNK):
            chunk = ordered[first : first + _RECEIPT_CHUNK]
            params = [v for pk in chunk for v in (pk, consumer, handled_at)]
            cursor.execute(_receipt_insert_sql(len(chunk)), params)
            won.update(row[0] for row in cursor.fetchall())
    return won


RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 60 * 60


def retry_delay_seconds(failed_dispatches: int) -> int:
    """1, 2, 4, … minutes after each failure, capped at six hours."""
    exponent = min(max(failed_dispatches - 1, 0), 16)
    return min(RETRY_BASE_SECONDS * 2**exponent, RETRY_MAX_SECONDS)


def _bookkeep(
    activities: list[Activity],
    *,
    done: dict[int, set[str]],
    failed: set[int],
    claimed: bool,
) -> None:
    """Close the activities every consumer of their verb has handled (checked
    against the receipts, so a failed consumer keeps its activity open and a
    replay of the last missing consumer closes it) and back off the failed
    ones, each by its own count of failures."""
    now = timezone.now()
    wanted: dict[str, set[str]] = {}
    complete = []
    for activity in activities:
        if activity.verb not in wanted:
            wanted[activity.verb] = {
                c.name for c in registry.consumers_for(activity.verb)
            }
        if activity.pk in failed:
            continue
        if (
            activity.dispatched_at is None
            and wanted[activity.verb] <= done[activity.pk]
        ):
            complete.append(activity.pk)
    if complete:
        closing = {"dispatched_at": now}
        if claimed:
            closing["retry_after"] = None  # the claim, not a back-off
        Activity.objects.filter(pk__in=complete, dispatched_at__isnull=True).update(
            **closing
        )
    by_failures: dict[int, list[int]] = {}
    for activity in activities:
        if activity.pk in failed:
            by_failures.setdefault(activity.failed_dispatches, []).append(activity.pk)
    for failures_before, ids in by_failures.items():
        failures = min(failures_before + 1, 32767)
        Activity.objects.filter(pk__in=ids).update(
            failed_dispatches=failures,
            retry_after=now + timedelta(seconds=retry_delay_seconds(failures)),
        )


def _claim(*, grace_seconds: int, limit: int) -> list[int]:
    """Take up to `limit` due activities, oldest first, for this sweep: they
    are hidden from other sweeps for CLAIM_SECONDS (on PostgreSQL rows another
    sweep is claiming at this moment are skipped, not waited for)."""
    now = timezone.now()
    due = (
        Activity.objects.undispatched()
        .filter(recorded_at__lte=now - timedelta(seconds=grace_seconds))
        .filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
        .order_by("recorded_at", "pk")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            Activity.objects.filter(pk__in=ids).update(
                retry_after=now + timedelta(seconds=CLAIM_SECONDS)
            )
    return ids


def activity_sweep(
    *,
    grace_seconds: int,
    limit: int = 500,
    budget_seconds: float | None = None,
    batch_size: int = SWEEP_BATCH_SIZE,
) -> int:
    """Dispatch activities that some consumer has not handled and that are older
    than the grace period (younger ones are probably still in the queue), except
    those whose consumers failed recently (they wait for `retry_after`).

    Works in batches of `batch_size`, oldest first, each claimed so that
    sweeps running at once take different activities. Stops after `limit`
    activities or once `budget_seconds` have passed (keep it under the task's
    time limit); the next sweep carries on. Returns how many activities were
    dispatched."""
    started = time.monotonic()
    swept = 0
    while swept < limit:
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            logger.info("Sweep stopped by its time budget after %s activities", swept)
            break
        claimed = _claim(
            grace_seconds=grace_seconds, limit=min(batch_size, limit - swept)
        )
        if not claimed:
            break
        _dispatch(claimed, only=None, claimed=True)
        swept += len(claimed)
    return swept
