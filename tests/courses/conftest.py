"""Builders for course tests: small functions with sensible defaults."""

import pytest
from django.contrib.auth import get_user_model

from courses.models import Skill, Topic


def make_topic(**kwargs) -> Topic:
    kwargs.setdefault("name", f"Topic {Topic.objects.count() + 1}")
    kwargs.setdefault("slug", kwargs["name"].lower().replace(" ", "-"))
    return Topic.objects.create(**kwargs)


def make_skill(*, prerequisites=(), **kwargs) -> Skill:
    if "topic" not in kwargs:
        kwargs["topic"] = Topic.objects.first() or make_topic()
    kwargs.setdefault("name", f"Skill {Skill.objects.count() + 1}")
    kwargs.setdefault("slug", kwargs["name"].lower().replace(" ", "-"))
    skill = Skill(**kwargs)
    skill.save()
    if prerequisites:
        skill.prerequisites = list(prerequisites)
        skill.save()
    return skill


def make_user(**kwargs):
    User = get_user_model()
    kwargs.setdefault("username", f"member{User.objects.count() + 1}")
    kwargs.setdefault("email", f"{kwargs['username']}@example.org")
    return User.objects.create_user(**kwargs)


@pytest.fixture
def topic():
    return make_topic(name="Data science", slug="data-science")


@pytest.fixture
def learner():
    return make_user(username="learner")
