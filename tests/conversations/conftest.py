"""Builders for conversation tests."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from members.roles import MODERATORS

_ids = itertools.count(1)


def make_user(*, new: bool = False, **kwargs):
    kwargs.setdefault("username", f"pen{next(_ids)}")
    kwargs.setdefault("email", f"{kwargs['username']}@example.org")
    user = get_user_model().objects.create_user(**kwargs)
    if not new:
        # An established account: older than the new-account window.
        user.date_joined = timezone.now() - timedelta(days=90)
        user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def ada():
    return make_user(username="ada", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def grace():
    return make_user(username="grace", first_name="Grace", last_name="Hopper")


@pytest.fixture
def alan():
    return make_user(username="alan", first_name="Alan", last_name="Turing")


@pytest.fixture
def moderator():
    user = make_user(username="mod", first_name="Mo", last_name="Derator")
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user
