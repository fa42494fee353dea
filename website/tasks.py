"""Celery tasks of the website app: thin wrappers around its services."""

from celery import shared_task

from .help import help_index_rebuild


@shared_task(
    name="website.tasks.rebuild_help_index",
    ignore_result=True,
    soft_time_limit=240,
    time_limit=300,
)
def rebuild_help_index(version: str) -> int:
    """Fit the help index for `version` and put it in the cache (documents)."""
    return len(help_index_rebuild(version=version))
