"""Celery tasks of the privacy centre: thin wrappers around privacy_services."""

from celery import shared_task

from . import privacy_services


@shared_task(acks_late=True)
def build_export(export_id: int) -> None:
    privacy_services.export_build(export_id=export_id)


@shared_task
def erase_due_accounts() -> int:
    """Beat (hourly): erase accounts whose grace period has ended, and delete
    expired export archives."""
    privacy_services.exports_purge_expired()
    return privacy_services.erase_due_accounts()
