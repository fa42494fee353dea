"""Writing to the activity log and dispatching it to consumers."""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import registry
from .models import Activity, ConsumerReceipt
from .vocabulary import VERBS, verb_allows

logger = logging.getLogger("lyceum.activity")


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
    the first activity and dispatches nothing new."""
    if verb not in VERBS:
        raise ValueError(f"Unknown activity verb {verb!r}; add it to the vocabulary.")
    if not verb_allows(verb, object_type):
        raise ValueError(f"Verb {verb!r} does not take object type {object_type!r}.")
    with transaction.atomic():
        activity, created = Activity.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "actor": actor,
                "verb": verb,
                "object_type": object_type,
                "object_id": str(object_id),
                "result": result or {},
                "context": context or {},
                "timestamp": timestamp or timezone.now(),
            },
        )
    if created:
        transaction.on_commit(lambda: activity_enqueue(activity_id=activity.pk))
    return activity


def activity_enqueue(*, activity_id: int) -> bool:
    """Hand an activity to Celery. A broker outage is logged, not raised: the
    activity is already committed and the sweep dispatches it later."""
    from .tasks import dispatch

    try:
        dispatch.delay(activity_id)
    except (BrokerError, ConnectionError, OSError) as exc:
        logger.warning(
            "Broker unavailable; activity %s left for the sweep: %s", activity_id, exc
        )
        return False
    return True


def activity_dispatch(*, activity_id: int, only: str | None = None) -> list[str]:
    """Run every consumer of this activity's verb that has no receipt yet.

    Each consumer runs in its own transaction together with its receipt: a crash
    leaves no receipt (it runs again later), a concurrent duplicate blocks on the
    receipt's unique key and then skips. A failing consumer does not stop the
    others. Returns the names of the consumers that ran now."""
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
    if not failed and only is None:
        _mark_dispatched_if_complete(activity)
    return ran


def _run_consumer(activity: Activity, consumer: registry.Consumer) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                ConsumerReceipt.objects.create(
                    activity=activity, consumer=consumer.name
                )
        except IntegrityError:
            return False  # another worker handled it while we were getting here
        consumer.handler(activity)
    return True


def _mark_dispatched_if_complete(activity: Activity) -> None:
    wanted = {c.name for c in registry.consumers_for(activity.verb)}
    handled = set(activity.receipts.values_list("consumer", flat=True))
    if wanted <= handled:
        Activity.objects.filter(pk=activity.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )


def activity_sweep(*, grace_seconds: int, limit: int = 500) -> int:
    """Dispatch activities that some consumer has not handled and that are older
    than the grace period (younger ones are probably still in the queue)."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    pending = list(
        Activity.objects.undispatched()
        .filter(recorded_at__lte=cutoff)
        .order_by("recorded_at")
        .values_list("pk", flat=True)[:limit]
    )
    for activity_id in pending:
        activity_dispatch(activity_id=activity_id)
    return len(pending)
