"""Activities become notifications: once each, never to the actor, never
about what the recipient cannot read, as their preferences say."""

import pytest

from forum import services as forum
from notifications.consumers import fan_out, fan_out_batch
from notifications.models import Channel, Kind, Notification, NotificationPreference

from .conftest import dispatch_all, join, make_board, make_group, make_topic, make_user

pytestmark = pytest.mark.django_db


def test_a_reply_notifies_the_topic_author_once_under_replay(author, replier, board):
    topic = make_topic(board=board, author=author, title="How do I plot?")
    forum.post_reply(author=replier, topic=topic, body="Use matplotlib, like this.")
    (activity,) = dispatch_all("replied")

    fan_out(activity)  # a replay by hand
    fan_out_batch([activity, activity])

    notification = Notification.objects.get()
    assert notification.recipient == author
    assert notification.kind == Kind.REPLY
    assert notification.actor == replier
    assert notification.params == {"topic": "How do I plot?"}
    assert notification.url.endswith("#post-2")


def test_a_reply_to_a_post_notifies_its_author_and_the_topic_author(
    author, replier, board
):
    third = make_user()
    topic = make_topic(board=board, author=author)
    post = forum.post_reply(author=replier, topic=topic, body="First answer")
    forum.post_reply(author=third, topic=topic, body="To you", parent=post)
    dispatch_all("replied")

    got = sorted(
        Notification.objects.filter(actor=third).values_list("recipient_id", "params"),
        key=lambda row: row[0],
    )
    assert [pk for pk, _p in got] == sorted([author.pk, replier.pk])
    assert dict(got)[replier.pk]["to_post"] is True


def test_no_self_notification(author, board):
    topic = make_topic(board=board, author=author)
    forum.post_reply(author=author, topic=topic, body="Answering myself")
    dispatch_all()
    assert not Notification.objects.exists()


def test_mention_accept_and_reaction(author, replier, board):
    topic = make_topic(board=board, author=author, kind="question", title="Q")
    reply = forum.post_reply(
        author=replier, topic=topic, body=f"Hi @{author.username}, here it is"
    )
    forum.answer_accept(actor=author, post=reply)
    forum.reaction_toggle(member=author, post=reply, kind="helpful")
    dispatch_all()

    kinds = {(n.recipient_id, n.kind) for n in Notification.objects.all()}
    assert (author.pk, Kind.REPLY) in kinds
    assert (author.pk, Kind.MENTION) in kinds
    assert (replier.pk, Kind.ACCEPTED) in kinds
    assert (replier.pk, Kind.REACTION) in kinds
    reaction = Notification.objects.get(kind=Kind.REACTION)
    assert reaction.params["reaction"] == "helpful"


def test_private_group_content_is_never_notified_to_non_members(author, replier):
    group = make_group(owner=replier, visibility="private")
    board = make_board(group=group)
    join(group, author)
    topic = make_topic(board=board, author=author, title="Secret")
    # The author leaves the group; a later reply must not reach them.
    group.memberships.filter(member=author).update(status="left")
    forum.post_reply(author=replier, topic=topic, body="Still here?")
    dispatch_all()
    assert not Notification.objects.filter(recipient=author).exists()


def test_private_group_members_are_notified(author, replier):
    group = make_group(owner=replier, visibility="private")
    board = make_board(group=group)
    join(group, author)
    topic = make_topic(board=board, author=author)
    forum.post_reply(author=replier, topic=topic, body="Hello member")
    dispatch_all()
    assert Notification.objects.filter(recipient=author, kind=Kind.REPLY).exists()


def test_off_means_no_notification(author, replier, board):
    NotificationPreference.objects.create(
        member=author, kind=Kind.REPLY, channel=Channel.OFF
    )
    topic = make_topic(board=board, author=author)
    forum.post_reply(author=replier, topic=topic, body="Hello")
    dispatch_all()
    assert not Notification.objects.exists()


def test_a_private_message_notifies_the_other_participants():
    from conversations.services import start_conversation

    sender, to = make_user(), make_user()
    conversation = start_conversation(
        sender=sender, recipients=[to], subject="Study group", body="Join us?"
    )
    dispatch_all("sent")
    notification = Notification.objects.get()
    assert notification.recipient == to
    assert notification.kind == Kind.MESSAGE
    assert notification.params == {"subject": "Study group"}
    assert notification.url == conversation.get_absolute_url()
