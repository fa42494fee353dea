from celery import shared_task
from django.conf import settings

from .services import activity_dispatch, activity_sweep


@shared_task(name="activity.tasks.dispatch", acks_late=True)
def dispatch(activity_id: int) -> list[str]:
    return activity_dispatch(activity_id=activity_id)


@shared_task(name="activity.tasks.sweep")
def sweep() -> int:
    return activity_sweep(grace_seconds=settings.LYCEUM_ACTIVITY_SWEEP_GRACE_SECONDS)
