"""Races: a member double-submitting a vote, or two of their tabs joining a
group at once, still leaves one ballot (one `voted`) and one membership."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from activity.models import Activity
from forum import group_services, poll_services
from forum.models import GroupMembership, PollBallot, PollVote
from forum.poll_services import PollDraft

from .conftest import make_group, make_topic, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def needs_concurrent_writers():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "SQLite's shared-cache in-memory test database locks whole tables "
            "across connections (SQLITE_LOCKED ignores the busy timeout); this "
            "test runs in CI's PostgreSQL leg"
        )


def race(action, count: int = 2) -> tuple[list, list[BaseException]]:
    start = threading.Barrier(count, timeout=10)
    results, errors = [], []

    def worker():
        try:
            start.wait()
            results.append(action())
        except BaseException as error:  # noqa: BLE001 — collected for the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_a_double_submitted_vote_counts_once(needs_concurrent_writers, site_tree):
    member = make_user()
    poll = poll_services.poll_attach(
        topic=make_topic(),
        draft=PollDraft(question="Tea or coffee?", options=["Tea", "Coffee"]),
        actor=None,
    )
    tea = poll.options.get(label="Tea")
    results, errors = race(
        lambda: poll_services.poll_vote(member=member, poll=poll, option_ids=[tea.pk])
    )
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "already voted" in errors[0].messages[0]
    assert PollBallot.objects.count() == 1 and PollVote.objects.count() == 1
    assert Activity.objects.filter(verb="voted").count() == 1


def test_joining_twice_at_once_makes_one_membership(
    needs_concurrent_writers, site_tree
):
    owner, member = make_user(), make_user()
    group = make_group(owner=owner)
    results, errors = race(
        lambda: group_services.group_join(member=member, group=group)
    )
    assert errors == [] and len(results) == 2
    assert GroupMembership.objects.filter(member=member).count() == 1
    assert Activity.objects.filter(verb="joined", actor=member).count() == 1
