"""Following boards and topics, and unread markers (read positions sent by
the page after it is shown; a plain GET writes nothing)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from forum import reading_services, services
from forum.models import Subscription, Topic, TopicReadState

from .conftest import make_post, make_topic, make_user

pytestmark = pytest.mark.django_db


def following(member) -> set:
    return set(
        Subscription.objects.filter(member=member, is_active=True).values_list(
            "board_id", "topic_id"
        )
    )


# Follow ---------------------------------------------------------------------------


def test_following_records_followed_and_unfollowing_voids_it(member, board):
    topic = make_topic(board=board)
    reading_services.follow_set(member=member, board=board, follow=True)
    reading_services.follow_set(member=member, topic=topic, follow=True)
    assert following(member) == {(board.pk, None), (None, topic.pk)}
    followed = list(Activity.objects.filter(verb="followed").order_by("pk"))
    assert [(a.object_type, a.object_id) for a in followed] == [
        ("board", str(board.pk)),
        ("topic", str(topic.pk)),
    ]
    reading_services.follow_set(member=member, topic=topic, follow=False)
    assert following(member) == {(board.pk, None)}
    [voided] = Activity.objects.filter(verb="voided")
    assert voided.object_id == str(followed[1].pk)
    # Following again is a new activity.
    reading_services.follow_set(member=member, topic=topic, follow=True)
    assert Activity.objects.filter(verb="followed").count() == 3


def test_starting_and_replying_follow_quietly_but_not_after_an_unfollow(
    member, other_member, board
):
    topic = services.topic_create(
        author=member, board=board, title="Weekly study log", body="Week 1"
    )
    services.post_reply(author=other_member, topic=topic, body="Nice!")
    assert following(member) == {(None, topic.pk)}
    assert following(other_member) == {(None, topic.pk)}
    assert not Activity.objects.filter(verb="followed").exists()
    reading_services.follow_set(member=other_member, topic=topic, follow=False)
    services.post_reply(author=other_member, topic=topic, body="Still here")
    assert following(other_member) == set()


def test_follow_buttons(client, member, board):
    topic = make_topic(board=board)
    client.force_login(member)
    page = client.get(board.get_absolute_url()).content.decode()
    assert 'data-testid="follow-board"' in page and 'aria-pressed="false"' in page
    client.post(reverse("forum:board_follow", args=[board.slug]), {"follow": "1"})
    page = client.get(board.get_absolute_url()).content.decode()
    assert "Following" in page
    client.post(reverse("forum:topic_follow", args=[topic.pk]), {"follow": "1"})
    assert following(member) == {(board.pk, None), (None, topic.pk)}
    client.post(reverse("forum:topic_follow", args=[topic.pk]), {"follow": "0"})
    assert following(member) == {(board.pk, None)}


# Unread markers ---------------------------------------------------------------------


def test_read_positions_only_move_forward_and_stop_at_the_last_post(member):
    topic = make_topic()
    for _ in range(4):
        make_post(topic=topic)
    assert reading_services.topic_mark_read(member=member, topic=topic, number=3) == 3
    assert reading_services.topic_mark_read(member=member, topic=topic, number=2) == 3
    assert reading_services.topic_mark_read(member=member, topic=topic, number=99) == 5
    assert TopicReadState.objects.get().last_read_number == 5


def test_board_shows_new_topics_and_counts_of_new_posts(client, member, board):
    member.date_joined = timezone.now() - timedelta(days=30)
    member.save()
    read = make_topic(board=board, title="Read before")
    for _ in range(3):
        make_post(topic=read)
    reading_services.topic_mark_read(member=member, topic=read, number=2)
    make_post(topic=read, is_hidden=True)  # removed posts are not counted
    untouched = make_topic(board=board, title="Never opened")
    old = make_topic(board=board, title="Old news")
    Topic.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=60)
    )
    client.force_login(member)
    page = client.get(board.get_absolute_url()).content.decode()
    assert page.count('data-testid="topic-new"') == 1
    new_at = page.index('data-testid="topic-new"')
    assert page.rfind("Never opened", 0, new_at) > page.rfind("Old news", 0, new_at)
    assert untouched.title in page
    assert 'data-testid="topic-unread"' in page and "2 new" in page
    assert f"{read.get_absolute_url()}#post-3" in page  # jump to the first unread


def test_the_topic_page_marks_new_posts_and_offers_the_read_beacon(
    client, member, other_member
):
    topic = make_topic(author=other_member)
    for _ in range(3):
        make_post(topic=topic)
    reading_services.topic_mark_read(member=member, topic=topic, number=2)
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert page.count('data-testid="post-new"') == 2
    assert reverse("forum:topic_read", args=[topic.pk]) in page
    assert 'name="number" value="4"' in page
    response = client.post(
        reverse("forum:topic_read", args=[topic.pk]), {"number": "4", "beacon": "1"}
    )
    assert response.status_code == 204
    assert TopicReadState.objects.get(member=member).last_read_number == 4
    page = client.get(topic.get_absolute_url()).content.decode()
    assert 'data-testid="post-new"' not in page
    # Without JavaScript the button posts it and comes back.
    response = client.post(
        reverse("forum:topic_read", args=[topic.pk]), {"number": "x"}
    )
    assert response.status_code == 400


def test_your_own_posts_are_read(member, board):
    topic = services.topic_create(author=member, board=board, title="My log", body="1")
    services.post_reply(author=make_user(), topic=topic, body="2")
    services.post_reply(author=member, topic=topic, body="3")
    assert TopicReadState.objects.get(member=member).last_read_number == 3


def test_visitors_get_no_markers_or_beacon(client, member):
    topic = make_topic()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "data-read-beacon" not in page and 'data-testid="follow-topic"' not in page
    board_page = client.get(topic.board.get_absolute_url()).content.decode()
    assert 'data-testid="topic-new"' not in board_page
