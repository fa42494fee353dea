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
