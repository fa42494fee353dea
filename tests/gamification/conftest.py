"""Builders for gamification tests: members and activities dispatched straight
to the consumers (no Celery, no on_commit), so each test sees the effects."""

import itertools
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_dispatch
from gamification.levels import levels_clear_cache
from gamification.models import MemberGameProfile
from gamification.rules import rules_clear_cache

_ids = itertools.count(1)


def make_member(*, time_zone: str | None = None, **kwargs):
    kwargs.setdefault("username", f"member{next(_ids)}")
    kwargs.setdefault("email", f"{kwargs['username']}@example.org")
    member = get_user_model().objects.create_user(**kwargs)
    if time_zone:
        MemberGameProfile.objects.create(member=member, time_zone=time_zone)
    return member


def make_activity(member, verb="completed", object_type="lesson", **kwargs):
    kwargs.setdefault("object_id", str(next(_ids)))
    kwargs.setdefault("idempotency_key", f"test:{next(_ids)}")
    kwargs.setdefault("timestamp", timezone.now())
    return Activity.objects.create(
        actor=member, verb=verb, object_type=object_type, **kwargs
    )


def record(member, verb="completed", object_type="lesson", **kwargs) -> Activity:
    """Log an activity and dispatch it to every consumer at once."""
    activity = make_activity(member, verb, object_type, **kwargs)
    activity_dispatch(activity_id=activity.pk)
    return activity


def at(text: str) -> datetime:
    """An aware UTC moment from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_caches():
    rules_clear_cache()
    levels_clear_cache()
    yield
    rules_clear_cache()
    levels_clear_cache()


@pytest.fixture
def member():
    return make_member(username="ada")


@pytest.fixture
def default_rules():
    """Transactional tests flush the database, data migrations included: put
    the seeded defaults back."""
    import importlib

    from django.apps import apps

    for name in ("0002_default_points_rules", "0004_default_levels"):
        importlib.import_module(f"gamification.migrations.{name}").seed(apps, None)
    rules_clear_cache()
    levels_clear_cache()
