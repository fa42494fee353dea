"""Builders for notification tests (the forum's builders, plus dispatch)."""

import pytest

from activity.models import Activity
from activity.services import activity_dispatch
from tests.forum.conftest import (  # noqa: F401
    join,
    make_board,
    make_group,
    make_post,
    make_topic,
    make_user,
)


def dispatch_all(verb: str | None = None) -> list[Activity]:
    """Run the consumers of every activity not yet dispatched (tests run in
    one transaction, so on_commit dispatch never fires on its own)."""
    activities = list(Activity.objects.order_by("pk"))
    if verb:
        activities = [a for a in activities if a.verb == verb]
    for activity in activities:
        activity_dispatch(activity_id=activity.pk)
    return activities


@pytest.fixture
def author():
    return make_user(first_name="Ada", last_name="Lovelace")


@pytest.fixture
def replier():
    return make_user(first_name="Grace", last_name="Hopper")


@pytest.fixture
def board():
    return make_board(name="General", slug="general")
