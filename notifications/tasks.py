"""Celery tasks of notifications: thin wrappers around services."""

from celery import shared_task


@shared_task(name="notifications.tasks.send_due_emails", ignore_result=True)
def send_due_emails() -> int:
    """E-mail the notifications that are due (after quiet hours, each once)."""
    from .services import emails_send_due

    return emails_send_due()


@shared_task(name="notifications.tasks.event_reminders", ignore_result=True)
def event_reminders() -> int:
    """Notify members whose event starts within a day (once per registration)."""
    from .delivery import event_reminders_create

    return event_reminders_create()


@shared_task(name="notifications.tasks.send_digests", ignore_result=True)
def send_digests(frequency: str) -> int:
    """This period's digest ("daily" or "weekly"), once per member."""
    from .delivery import digests_send

    return digests_send(frequency=frequency)


@shared_task(name="notifications.tasks.send_nudges", ignore_result=True)
def send_nudges() -> int:
    """Streak-at-risk and come-back nudges, under the per-member cap."""
    from .delivery import nudges_send

    return nudges_send()
