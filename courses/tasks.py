"""Celery tasks of the courses app: thin wrappers around services."""

from celery import shared_task

from .event_services import event_reminders_send


@shared_task(
    name="courses.tasks.send_event_reminders",
    ignore_result=True,
    soft_time_limit=240,
    time_limit=300,
)
def send_event_reminders() -> int:
    """E-mail members whose event starts within a day (each only once)."""
    return event_reminders_send()
