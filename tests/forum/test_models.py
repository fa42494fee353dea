import pytest
from django.core.exceptions import ValidationError
from wagtail.snippets.models import get_snippet_models

from forum.models import Board, Topic

from .conftest import make_board, make_topic

pytestmark = pytest.mark.django_db


def test_board_slug_cannot_shadow_forum_urls():
    board = Board(name="Moderation", slug="moderation")
    with pytest.raises(ValidationError) as error:
        board.full_clean()
    assert "slug" in error.value.message_dict


def test_boards_are_wagtail_snippets():
    assert Board in get_snippet_models()


def test_board_listing_counts_only_visible_topics():
    board = make_board()
    make_topic(board=board)
    make_topic(board=board, is_hidden=True)
    listed = Board.objects.listing().get(pk=board.pk)
    assert listed.topic_total == 1


def test_topics_list_pinned_first_then_by_last_activity():
    board = make_board()
    old = make_topic(board=board, title="Old")
    new = make_topic(board=board, title="New")
    pinned = make_topic(board=board, title="Pinned", is_pinned=True)
    Topic.objects.filter(pk=old.pk).update(
        last_activity_at=old.created_at.replace(year=2020)
    )
    titles = [t.title for t in Topic.objects.filter(board=board).listing()]
    assert titles == [pinned.title, new.title, old.title]


def test_groups_and_memberships_are_managed_in_the_admin(client, django_user_model):
    from forum.models import Group, GroupMembership

    from .conftest import join, make_group, make_user

    admin = django_user_model.objects.create_superuser(
        username="root", email="root@example.org", password="x"
    )
    owner = make_user(username="ada", display_name="Ada")
    group = make_group(owner=owner, name="Night Owls", visibility="private")
    join(group, make_user(username="ben"), status="pending")
    assert {Group, GroupMembership} <= set(get_snippet_models())
    client.force_login(admin)
    groups = client.get("/admin/snippets/forum/group/")
    assert groups.status_code == 200 and "Night Owls" in groups.content.decode()
    found = client.get("/admin/snippets/forum/groupmembership/?q=ada")
    assert found.status_code == 200
    assert "Ada" in found.content.decode()
    edit = client.get(f"/admin/snippets/forum/group/edit/{group.pk}/")
    assert edit.status_code == 200
