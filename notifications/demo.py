"""Demo notifications: the demo's own activities (replies, mentions, accepted
answers, reactions, badges, levels, challenges, messages) consumed by the
notifications consumer, like a worker would. Idempotent: activities the
consumer has handled are skipped."""

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from activity.models import Activity, ConsumerReceipt
from activity.services import activity_dispatch_batch

from .consumers import VERBS
from .models import Notification

CONSUMER = "notifications.fanout"


def seed_notifications() -> dict:
    handled = ConsumerReceipt.objects.filter(consumer=CONSUMER).values("activity_id")
    todo = list(
        Activity.objects.filter(verb__in=VERBS)
        .exclude(pk__in=handled)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(todo), 500):
        activity_dispatch_batch(activity_ids=todo[start : start + 500], only=CONSUMER)
    now = timezone.now()
    # The demo's history is not e-mailed to anyone; what happened over three
    # days ago reads as already seen, the rest keeps the bell lit.
    Notification.objects.filter(
        email_due_at__isnull=False, emailed_at__isnull=True
    ).update(emailed_at=now)
    Notification.objects.filter(
        read_at__isnull=True, activity__timestamp__lt=now - dt.timedelta(days=3)
    ).update(read_at=now)
    # Shown at the time of what they tell, not of the seeding.
    Notification.objects.filter(activity__isnull=False).update(
        created_at=Subquery(
            Activity.objects.filter(pk=OuterRef("activity_id")).values("timestamp")[:1]
        )
    )
    return {"notifications": Notification.objects.count()}
