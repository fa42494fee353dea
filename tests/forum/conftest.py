"""Builders for forum tests: small functions with sensible defaults."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from forum.models import Board, Post, Topic
from members.roles import MODERATORS

_ids = itertools.count(1)


def make_user(**kwargs):
    kwargs.setdefault("username", f"member{next(_ids)}")
    kwargs.setdefault("email", f"{kwargs['username']}@example.org")
    return get_user_model().objects.create_user(**kwargs)


def make_moderator(**kwargs):
    user = make_user(**kwargs)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def make_board(**kwargs) -> Board:
    kwargs.setdefault("name", f"Board {next(_ids)}")
    kwargs.setdefault("slug", kwargs["name"].lower().replace(" ", "-"))
    return Board.objects.create(**kwargs)


def make_topic(*, body: str = "The opening post.", **kwargs) -> Topic:
    """A topic with its opening post, written straight to the database."""
    if "board" not in kwargs:
        kwargs["board"] = make_board()
    if "author" not in kwargs:
        kwargs["author"] = make_user()
    kwargs.setdefault("title", f"Topic {next(_ids)}")
    topic = Topic.objects.create(**kwargs)
    make_post(topic=topic, author=topic.author, body_markdown=body)
    return topic


def make_post(**kwargs) -> Post:
    from core.markdown import markdown_to_html

    topic = kwargs["topic"]
    if "author" not in kwargs:
        kwargs["author"] = make_user()
    kwargs.setdefault("body_markdown", "A reply.")
    kwargs.setdefault("body_html", markdown_to_html(kwargs["body_markdown"]))
    kwargs.setdefault("number", topic.posts.count() + 1)
    return Post.objects.create(**kwargs)


@pytest.fixture
def member():
    return make_user(first_name="Ada", last_name="Lovelace")


@pytest.fixture
def other_member():
    return make_user(first_name="Grace", last_name="Hopper")


@pytest.fixture
def moderator():
    return make_moderator(first_name="Mo", last_name="Derator")


@pytest.fixture
def board():
    return make_board(name="General", slug="general")
