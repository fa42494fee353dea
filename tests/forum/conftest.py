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


def make_group(*, owner=None, **kwargs):
    """A group with its owner as an active member."""
    from forum.models import Group as ForumGroup
    from forum.models import GroupMembership

    kwargs.setdefault("name", f"Group {next(_ids)}")
    kwargs.setdefault("slug", kwargs["name"].lower().replace(" ", "-"))
    group = ForumGroup.objects.create(**kwargs)
    if owner is not None:
        join(group, owner, role=GroupMembership.Role.OWNER)
    return group


def join(group, member, *, role="member", status="active"):
    from django.utils import timezone

    from forum.models import GroupMembership

    return GroupMembership.objects.create(
        group=group,
        member=member,
        role=role,
        status=status,
        joined_at=timezone.now() if status == "active" else None,
    )


def image_bytes(size=(640, 480), image_format="PNG", color=(30, 120, 200)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=image_format)
    return out.getvalue()


def upload(name="shot.png", content=None, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content or image_bytes(), content_type)


def grant_poll_level(member):
    """Give the member the points of a level that may create polls (the
    default levels: Contributor at 400)."""
    from gamification.models import PointsBalance

    PointsBalance.objects.update_or_create(
        member=member, defaults={"total": 5000, "earned": 5000}
    )


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded project images go to a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def private_group(member):
    """A private group owned by `member`, with one board and one topic."""
    group = make_group(owner=member, name="Night Owls", visibility="private")
    board = make_board(name="Owls board", slug="owls", group=group)
    make_topic(board=board, author=member, title="Secret plans for the study night")
    return group
