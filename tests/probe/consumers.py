"""The probe consumer: does nothing unless the activity's context has a
"probe" entry, e.g. {"probe": {"sleep_first": 60}}.

On each run it first commits a ProbeStart row through its own connection (the
consumer's transaction stays open while it sleeps, so nothing written in it is
visible to the test), sleeps `sleep_first` seconds on the first start only, then
writes its effect (a ProbeRun row) inside the consumer's transaction."""

import os
import time

from django.db import connections
from django.utils import timezone

from activity import registry

NAME = "probe.sleeper"


def sleeper(activity) -> None:
    options = activity.context.get("probe")
    if not options:
        return
    from .models import ProbeRun, ProbeStart

    earlier_starts = _mark_started(activity.pk, ProbeStart._meta.db_table)
    if earlier_starts == 0 and options.get("sleep_first"):
        time.sleep(float(options["sleep_first"]))
    ProbeRun.objects.create(activity_id=activity.pk, pid=os.getpid())


def _mark_started(activity_id: int, table: str) -> int:
    """Insert a start marker in autocommit on a fresh connection; return how
    many starts were recorded before this one."""
    side = connections.create_connection("default")
    try:
        with side.cursor() as cursor:
            quoted = side.ops.quote_name(table)
            cursor.execute(
                f"SELECT COUNT(*) FROM {quoted} WHERE activity_id = %s",  # noqa: S608
                [activity_id],
            )
            (earlier,) = cursor.fetchone()
            cursor.execute(
                f"INSERT INTO {quoted} (activity_id, pid, started_at) "  # noqa: S608
                "VALUES (%s, %s, %s)",
                [activity_id, os.getpid(), timezone.now()],
            )
    finally:
        side.close()
    return earlier


def register() -> None:
    registry.consumer(NAME)(sleeper)


def unregister() -> None:
    registry.unregister(NAME)
