"""Celery tasks of the courses app: thin wrappers around services."""

from smtplib import SMTPException

from celery import shared_task

from .event_services import event_registration_email_send, event_reminders_send


@shared_task(
    name="courses.tasks.send_event_reminders",
    ignore_result=True,
    soft_time_limit=240,
    time_limit=300,
)
def send_event_reminders() -> int:
    """E-mail members whose event starts within a day (each only once)."""
    return event_reminders_send()


@shared_task(
    name="courses.tasks.send_event_registration_email",
    ignore_result=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def send_event_registration_email(registration_id: int, kind: str) -> bool:
    """E-mail a member that they have a seat, are on the waitlist, or got a
    seat from the waitlist (each at most once)."""
    return event_registration_email_send(registration_id=registration_id, kind=kind)
