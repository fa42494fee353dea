"""Writing to the activity log and dispatching it to consumers."""

import logging
import time
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
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
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is None:
        return []
    consumers = registry.consumers_for(activity.verb)
    if only is not None:
        consumers = [c for c in consumers if c.name == only]
    done = set(activity.receipts.values_list("consumer", flat=True))
    ran: list[str] = []
    failed = False
    for consumer in consumers:
        if consumer.name in done:
            continue
        try:
            if _run_consumer(activity, consumer):
                ran.append(consumer.name)
        except Exception:
            failed = True
            logger.exception(
                "Consumer %s failed on activity %s; the sweep retries",
                consumer.name,
                activity.pk,
            )
    # Checked against the receipts, so a failed consumer keeps it open and a
    # replay of the last missing consumer closes it.
    _mark_dispatched_if_complete(activity)
    if failed:
        _postpone_retry(activity)
    return ran


RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 60 * 60


def retry_delay_seconds(failed_dispatches: int) -> int:
    """1, 2, 4, … minutes after each failure, capped at six hours."""
    exponent = min(max(failed_dispatches - 1, 0), 16)
    return min(RETRY_BASE_SECONDS * 2**exponent, RETRY_MAX_SECONDS)


def _postpone_retry(activity: Activity) -> None:
    failures = min(activity.failed_dispatches + 1, 32767)
    Activity.objects.filter(pk=activity.pk).update(
        failed_dispatches=failures,
        retry_after=timezone.now() + timedelta(seconds=retry_delay_seconds(failures)),
    )


def _run_consumer(activity: Activity, consumer: registry.Consumer) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                # The receipt goes first: a concurrent run of the same consumer
                # blocks here until this transaction ends, then skips.
                ConsumerReceipt.objects.create(
                    activity=activity, consumer=consumer.name
                )
        except IntegrityError:
            return False  # another worker handled it while we were getting here
        consumer.handler(activity)
    return True


def _mark_dispatched_if_complete(activity: Activity) -> bool:
    wanted = {c.name for c in registry.consumers_for(activity.verb)}
    handled = set(activity.receipts.values_list("consumer", flat=True))
    if not wanted <= handled:
        return False
    Activity.objects.filter(pk=activity.pk, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )
    return True


def activity_sweep(
    *, grace_seconds: int, limit: int = 500, budget_seconds: float | None = None
) -> int:
    """Dispatch activities that some consumer has not handled and that are older
    than the grace period (younger ones are probably still in the queue), except
    those whose consumers failed recently (they wait for `retry_after`).

    Stops after `limit` activities or once `budget_seconds` have passed (keep it
    under the task's time limit); the next sweep carries on. Returns how many
    activities were dispatched."""
    started = time.monotonic()
    now = timezone.now()
    cutoff = now - timedelta(seconds=grace_seconds)
    pending = list(
        Activity.objects.undispatched()
        .filter(recorded_at__lte=cutoff)
        .filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
        .order_by("recorded_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    swept = 0
    for activity_id in pending:
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            logger.info("Sweep stopped by its time budget after %s activities", swept)
            break
        activity_dispatch(activity_id=activity_id)
        swept += 1
    return swept
