"""`manage.py activity_replay`: fills gaps, never repeats a consumer."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from activity.models import Activity
from activity.services import activity_record
from tests.probe.models import ProbeRun

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def log(member):
    """Three activities nobody has dispatched yet (as after an outage)."""
    rows = [
        ("completed", "lesson", DAY - timedelta(days=2)),
        ("completed", "course", DAY),
        ("liked", "post", DAY + timedelta(days=1)),
    ]
    return [
        activity_record(
            actor=member,
            verb=verb,
            object_type=object_type,
            object_id=n,
            idempotency_key=f"replay:{n}",
            timestamp=moment,
        )
        for n, (verb, object_type, moment) in enumerate(rows)
    ]


@pytest.fixture
def runs(add_consumer):
    def make(tag):
        def handle(activity):
            ProbeRun.objects.create(activity_id=activity.pk, pid=tag)

        return handle

    add_consumer("test.one", make(1))
    add_consumer("test.two", make(2), verbs={"completed"})

    def count(tag=None):
        rows = ProbeRun.objects.all()
        return (rows if tag is None else rows.filter(pid=tag)).count()

    return count


def replay(*args, **options):
    from io import StringIO

    out = StringIO()
    call_command("activity_replay", *args, stdout=out, **options)
    return out.getvalue()


def test_replays_everything_once(log, runs):
    out = replay()
    assert "Replayed 3 activities" in out
    assert runs(1) == 3
    assert runs(2) == 2
    assert all(a.receipts.filter(consumer="test.one").exists() for a in log)
    replayed = Activity.objects.filter(pk__in=[a.pk for a in log])
    assert not replayed.filter(dispatched_at__isnull=True).exists()

    # Consumers may record follow-up activities (e.g. a level earned); in a
    # test transaction their on-commit dispatch never fires, so the next
    # replay picks those up, and the one after finds nothing left to do.
    follow_ups = Activity.objects.exclude(pk__in=[a.pk for a in log]).count()
    replay()
    assert runs() == 5 + follow_ups  # test.one listens to every verb
    assert not Activity.objects.filter(dispatched_at__isnull=True).exists()
    assert "0 consumer runs" in replay()
    assert runs() == 5 + follow_ups


def test_only_one_consumer(log, runs):
    out = replay("--consumer", "test.two")
    assert "Replayed 2 activities; 2 consumer runs" in out
    assert runs(1) == 0
    assert runs(2) == 2
    # test.one (and members.presence) still owe these a visit.
    assert Activity.objects.filter(dispatched_at__isnull=True).count() == 3
    replay("--consumer", "test.one")
    assert runs(1) == 3
    assert replay("--consumer", "test.two", "--dry-run").startswith("0 ")


def test_filters_by_verb_and_time(log, runs):
    replay("--verb", "liked")
    assert list(ProbeRun.objects.values_list("activity_id", flat=True)) == [log[2].pk]

    ProbeRun.objects.all().delete()
    replay("--since", DAY.isoformat(), "--until", "2026-03-02", "--verb", "completed")
    assert set(ProbeRun.objects.values_list("activity_id", flat=True)) == {log[1].pk}


def test_dry_run_counts_and_dispatches_nothing(log, runs):
    assert "3 activities would be replayed" in replay("--dry-run")
    assert "1 activities would be replayed" in replay(
        "--dry-run", "--since", "2026-03-02"
    )
    assert runs() == 0
    assert not any(a.receipts.exists() for a in log)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "last tuesday"], "--since must be an ISO date"),
        (["--until", "2026-13-45"], "--until must be an ISO date"),
        (["--since", "2026-03-02", "--until", "2026-03-01"], "before --until"),
        (["--consumer", "nobody.here"], "No consumer named"),
        (["--verb", "teleported"], "Unknown verb"),
    ],
)
def test_bad_arguments_are_command_errors(log, runs, args, message):
    with pytest.raises(CommandError, match=message):
        replay(*args)
    assert runs() == 0
