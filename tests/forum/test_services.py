from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.models import Activity
from forum import services
from forum.models import BODY_MAX_LENGTH, Post, PostRevision, Reaction, Topic

from .conftest import make_board, make_post, make_topic, make_user

pytestmark = pytest.mark.django_db


def activities(verb):
    return list(Activity.objects.filter(verb=verb).order_by("pk"))


def snapshot(topic):
    topic.refresh_from_db()
    return (
        topic.reply_count,
        topic.last_activity_at,
        topic.accepted_post_id,
        list(topic.posts.values_list("number", "body_markdown", "is_deleted")),
        Activity.objects.count(),
        Reaction.objects.count(),
        PostRevision.objects.count(),
    )


# topic_create -----------------------------------------------------------------


def test_topic_create_opens_with_a_rendered_post_and_records_created(member, board):
    topic = services.topic_create(
        author=member,
        board=board,
        title="  How do   I start?  ",
        body="Where do I **begin**?",
        kind=Topic.Kind.QUESTION,
    )
    assert topic.title == "How do I start?"
    opening = topic.posts.get()
    assert opening.number == 1 and opening.author == member
    assert "<strong>begin</strong>" in opening.body_html
    [created] = activities("created")
    assert (created.actor, created.object_type, created.object_id) == (
        member,
        "topic",
        str(topic.pk),
    )
    assert created.context["kind"] == "question"
    assert created.context["board_id"] == board.pk
    assert created.idempotency_key == f"created:topic:{topic.pk}"


def test_topic_create_reports_every_bad_field_and_saves_nothing(member, board):
    with pytest.raises(ValidationError) as error:
        services.topic_create(author=member, board=board, title=" ", body="")
    assert set(error.value.message_dict) == {"title", "body"}
    with pytest.raises(ValidationError) as error:
        services.topic_create(
            author=member,
            board=board,
            title="x" * 151,
            body="y" * (BODY_MAX_LENGTH + 1),
        )
    assert "151" in error.value.message_dict["title"][0]
    assert set(error.value.message_dict) == {"title", "body"}
    assert not Topic.objects.exists() and not Activity.objects.exists()


def test_topic_create_refused_on_archived_board_and_for_visitors(member):
    archived = make_board(is_archived=True)
    with pytest.raises(ValidationError, match="archived"):
        services.topic_create(
            author=member, board=archived, title="Hello all", body="x"
        )
    with pytest.raises(PermissionDenied):
        services.topic_create(
            author=AnonymousUser(), board=make_board(), title="Hello all", body="x"
        )
    assert not Topic.objects.exists()


# post_reply -------------------------------------------------------------------


def test_reply_numbers_posts_counts_replies_and_records_replied(member, other_member):
    topic = make_topic(author=member)
    first = services.post_reply(author=other_member, topic=topic, body="Try this.")
    second = services.post_reply(
        author=member, topic=topic, body="Thanks, that worked!", parent=first
    )
    topic.refresh_from_db()
    assert (first.number, second.number) == (2, 3)
    assert second.parent == first
    assert topic.reply_count == 2
    assert topic.last_activity_at == second.created_at
    replied = activities("replied")
    assert [a.object_id for a in replied] == [str(first.pk), str(second.pk)]
    assert replied[0].idempotency_key == f"replied:post:{first.pk}"
    assert replied[1].context["length"] == len("Thanks, that worked!")
    assert replied[1].context["topic_id"] == topic.pk


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_locked": True}, "locked"),
        ({"is_hidden": True}, "hidden"),
    ],
)
def test_reply_refused_on_locked_or_hidden_topic(member, change, message):
    topic = make_topic(**change)
    before = snapshot(topic)
    with pytest.raises(ValidationError, match=message):
        services.post_reply(author=member, topic=topic, body="Me too")
    assert snapshot(topic) == before


def test_reply_refused_on_archived_board(member):
    topic = make_topic(board=make_board(is_archived=True))
    before = snapshot(topic)
    with pytest.raises(ValidationError, match="archived"):
        services.post_reply(author=member, topic=topic, body="Me too")
    assert snapshot(topic) == before


def test_moderators_can_still_reply_in_a_locked_topic(moderator):
    topic = make_topic(is_locked=True)
    post = services.post_reply(author=moderator, topic=topic, body="Locked: see FAQ.")
    assert post.number == 2


def test_reply_refuses_empty_text_and_parents_from_other_topics(member):
    topic, elsewhere = make_topic(), make_topic()
    before = snapshot(topic)
    with pytest.raises(ValidationError) as error:
        services.post_reply(author=member, topic=topic, body="   ")
    assert "body" in error.value.message_dict
    with pytest.raises(ValidationError, match="same topic"):
        services.post_reply(
            author=member, topic=topic, body="x", parent=elsewhere.posts.get()
        )
    assert snapshot(topic) == before


# post_edit --------------------------------------------------------------------


def test_author_edits_within_a_day_and_the_old_text_is_kept(member):
    topic = make_topic(author=member, body="Helo world")
    post = topic.posts.get()
    services.post_edit(editor=member, post=post, body="Hello *world*")
    post.refresh_from_db()
    assert post.body_markdown == "Hello *world*"
    assert "<em>world</em>" in post.body_html
    assert post.edited_at is not None
    assert list(post.revisions.values_list("body_markdown", flat=True)) == [
        "Helo world"
    ]


def test_author_cannot_edit_after_the_window(member):
    topic = make_topic(author=member)
    post = topic.posts.get()
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    before = snapshot(topic)
    with pytest.raises(PermissionDenied, match="24 hours"):
        services.post_edit(editor=member, post=post, body="Changed")
    assert snapshot(topic) == before


def test_a_member_cannot_edit_someone_elses_post(member, other_member):
    topic = make_topic(author=member)
    before = snapshot(topic)
    with pytest.raises(PermissionDenied):
        services.post_edit(editor=other_member, post=topic.posts.get(), body="Mine now")
    assert snapshot(topic) == before


def test_moderators_edit_any_post_at_any_time(member, moderator):
    topic = make_topic(author=member)
    post = topic.posts.get()
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - timedelta(days=9)
    )
    services.post_edit(editor=moderator, post=post, body="Removed a phone number.")
    revision = post.revisions.get()
    assert revision.edited_by == moderator


# post_delete ------------------------------------------------------------------


def test_author_soft_deletes_a_reply(member):
    topic = make_topic()
    reply = services.post_reply(author=member, topic=topic, body="Oops, wrong topic")
    services.post_delete(actor=member, post=reply)
    reply.refresh_from_db()
    topic.refresh_from_db()
    assert reply.is_deleted and reply.body_markdown == "Oops, wrong topic"
    assert topic.reply_count == 0


def test_delete_refusals_change_nothing(member, other_member):
    topic = make_topic(author=member)
    reply = make_post(topic=topic, author=member)
    before = snapshot(topic)
    with pytest.raises(PermissionDenied):
        services.post_delete(actor=other_member, post=reply)
    with pytest.raises(PermissionDenied, match="opening post"):
        services.post_delete(actor=member, post=topic.posts.get(number=1))
    assert snapshot(topic) == before


def test_deleting_the_accepted_answer_withdraws_it(member, other_member, moderator):
    topic = make_topic(author=member, kind=Topic.Kind.QUESTION)
    answer = services.post_reply(author=other_member, topic=topic, body="Use a set.")
    services.answer_accept(actor=member, post=answer)
    services.post_delete(actor=moderator, post=answer)
    topic.refresh_from_db()
    assert topic.accepted_post is None
    [accepted] = activities("accepted")
    [voided] = activities("voided")
    assert voided.object_id == str(accepted.pk)


# answer_accept ----------------------------------------------------------------


def test_the_asker_accepts_an_answer_paying_its_author(member, other_member):
    topic = make_topic(author=member, kind=Topic.Kind.QUESTION)
    answer = services.post_reply(author=other_member, topic=topic, body="Use a set.")
    services.answer_accept(actor=member, post=answer)
    topic.refresh_from_db()
    assert topic.accepted_post == answer
    [accepted] = activities("accepted")
    assert (accepted.actor, accepted.object_type, accepted.object_id) == (
        member,
        "answer",
        str(answer.pk),
    )
    assert accepted.context["owner_id"] == other_member.pk
    # Accepting it again changes nothing.
    services.answer_accept(actor=member, post=answer)
    assert len(activities("accepted")) == 1


def test_switching_the_answer_voids_the_earlier_acceptance(member, other_member):
    topic = make_topic(author=member, kind=Topic.Kind.QUESTION)
    first = services.post_reply(author=other_member, topic=topic, body="A set.")
    second = services.post_reply(author=make_user(), topic=topic, body="A dict.")
    services.answer_accept(actor=member, post=first)
    services.answer_accept(actor=member, post=second)
    services.answer_accept(actor=member, post=first)
    topic.refresh_from_db()
    assert topic.accepted_post == first
    accepted = activities("accepted")
    assert [a.object_id for a in accepted] == [
        str(first.pk),
        str(second.pk),
        str(first.pk),
    ]
    assert accepted[1].context["replaces_post_id"] == first.pk
    voided = {a.object_id for a in activities("voided")}
    assert voided == {str(accepted[0].pk), str(accepted[1].pk)}
    assert topic.accepted_activity == accepted[2]


def test_a_moderator_may_accept_for_the_asker(member, other_member, moderator):
    topic = make_topic(author=member, kind=Topic.Kind.QUESTION)
    answer = services.post_reply(author=other_member, topic=topic, body="A set.")
    services.answer_accept(actor=moderator, post=answer)
    topic.refresh_from_db()
    assert topic.accepted_post == answer


def test_accept_refusals_change_nothing(member, other_member):
    question = make_topic(author=member, kind=Topic.Kind.QUESTION)
    answer = make_post(topic=question, author=other_member)
    discussion = make_topic(author=member)
    reply = make_post(topic=discussion, author=other_member)
    before = snapshot(question)
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=other_member, post=answer)
    with pytest.raises(ValidationError, match="Only questions"):
        services.answer_accept(actor=member, post=reply)
    with pytest.raises(ValidationError):
        services.answer_accept(actor=member, post=question.posts.get(number=1))
    assert snapshot(question) == before
    Post.objects.filter(pk=answer.pk).update(is_deleted=True)
    with pytest.raises(ValidationError, match="removed"):
        services.answer_accept(actor=member, post=answer)
    question.refresh_from_db()
    assert question.accepted_post is None
    assert not activities("accepted")


# reaction_toggle --------------------------------------------------------------


def test_a_like_pays_the_author_and_taking_it_back_voids_it(member, other_member):
    post = make_topic(author=other_member).posts.get()
    assert services.reaction_toggle(member=member, post=post, kind="like") is True
    [liked] = activities("liked")
    assert liked.context["owner_id"] == other_member.pk
    assert liked.context["kind"] == "like"
    assert services.reaction_toggle(member=member, post=post, kind="like") is False
    assert not Reaction.objects.exists()
    [voided] = activities("voided")
    assert voided.object_id == str(liked.pk)
    # Liking again is a new activity, not the voided one.
    assert services.reaction_toggle(member=member, post=post, kind="like") is True
    assert len(activities("liked")) == 2


def test_like_and_helpful_are_separate_reactions(member, other_member):
    post = make_topic(author=other_member).posts.get()
    services.reaction_toggle(member=member, post=post, kind="like")
    services.reaction_toggle(member=member, post=post, kind="helpful")
    assert sorted(Reaction.objects.values_list("kind", flat=True)) == [
        "helpful",
        "like",
    ]


def test_no_reactions_on_your_own_or_removed_posts(member, other_member):
    topic = make_topic(author=member)
    own = topic.posts.get()
    removed = make_post(topic=topic, author=other_member, is_hidden=True)
    before = snapshot(topic)
    with pytest.raises(PermissionDenied, match="your own post"):
        services.reaction_toggle(member=member, post=own, kind="like")
    with pytest.raises(ValidationError):
        services.reaction_toggle(member=member, post=removed, kind="helpful")
    with pytest.raises(ValidationError):
        services.reaction_toggle(member=other_member, post=own, kind="love")
    assert snapshot(topic) == before
