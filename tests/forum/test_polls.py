"""Polls: who may create them (moderators, or a level that grants
`can_create_polls`), one ballot each, results only after voting or closing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from forum import poll_services, selectors, services
from forum.models import Poll, PollBallot, PollVote, Topic
from forum.poll_services import PollDraft

from .conftest import grant_poll_level, make_group, make_topic, make_user

pytestmark = pytest.mark.django_db


def draft(**kwargs) -> PollDraft:
    kwargs.setdefault("question", "Which day suits the study group?")
    kwargs.setdefault("options", ["Monday", "Wednesday", "Saturday"])
    return PollDraft(**kwargs)


def make_poll(topic=None, **kwargs) -> Poll:
    topic = topic or make_topic()
    return poll_services.poll_attach(topic=topic, draft=draft(**kwargs), actor=None)


def test_creating_a_poll_needs_the_level_privilege_or_a_moderator(
    member, board, moderator
):
    with pytest.raises(PermissionDenied, match="higher level"):
        services.topic_create(
            author=member,
            board=board,
            title="When shall we meet?",
            body="Vote!",
            poll=draft(),
        )
    assert not Topic.objects.exists()
    grant_poll_level(member)
    topic = services.topic_create(
        author=member,
        board=board,
        title="When shall we meet?",
        body="Vote!",
        poll=draft(options=["Monday", " monday ", "Friday", ""]),
    )
    assert list(topic.poll.options.values_list("label", flat=True)) == [
        "Monday",
        "Friday",
    ]
    other = make_topic(author=make_user())
    poll = poll_services.poll_create(actor=moderator, topic=other, draft=draft())
    assert poll.topic == other


def test_only_the_topic_author_adds_a_poll_later(member, other_member):
    grant_poll_level(other_member)
    topic = make_topic(author=member)
    with pytest.raises(PermissionDenied, match="author"):
        poll_services.poll_create(actor=other_member, topic=topic, draft=draft())
    grant_poll_level(member)
    poll_services.poll_create(actor=member, topic=topic, draft=draft())
    with pytest.raises(ValidationError, match="already has a poll"):
        poll_services.poll_create(actor=member, topic=topic, draft=draft())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": "  "}, "poll_question"),
        ({"options": ["Only one"]}, "poll_options"),
        ({"options": [f"Option {n}" for n in range(11)]}, "poll_options"),
        ({"closes_at": timezone.now() - timedelta(hours=1)}, "poll_closes_at"),
    ],
)
def test_bad_polls_are_refused_with_the_topic(member, board, changes, field):
    grant_poll_level(member)
    with pytest.raises(ValidationError) as error:
        services.topic_create(
            author=member,
            board=board,
            title="When shall we meet?",
            body="Vote!",
            poll=draft(**changes),
        )
    assert field in error.value.message_dict
    assert not Topic.objects.exists() and not Poll.objects.exists()


def test_one_vote_each_recorded_as_voted(member, other_member):
    poll = make_poll()
    monday = poll.options.get(label="Monday")
    ballot = poll_services.poll_vote(member=member, poll=poll, option_ids=[monday.pk])
    [voted] = Activity.objects.filter(verb="voted")
    assert (voted.actor, voted.object_type, voted.object_id) == (
        member,
        "poll",
        str(poll.pk),
    )
    assert voted.result == {"response": str(monday.pk)}
    assert ballot.activity == voted
    with pytest.raises(ValidationError, match="already voted"):
        poll_services.poll_vote(member=member, poll=poll, option_ids=[monday.pk])
    assert PollBallot.objects.count() == 1 and PollVote.objects.count() == 1


def test_single_choice_takes_one_option_and_multiple_takes_several(member):
    single = make_poll()
    options = list(single.options.values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="Choose one"):
        poll_services.poll_vote(member=member, poll=single, option_ids=options[:2])
    with pytest.raises(ValidationError, match="Choose one"):
        poll_services.poll_vote(member=member, poll=single, option_ids=[])
    multiple = make_poll(allows_multiple=True)
    other_poll_option = options[0]
    with pytest.raises(ValidationError, match="this poll"):
        poll_services.poll_vote(
            member=member, poll=multiple, option_ids=[other_poll_option]
        )
    chosen = list(multiple.options.values_list("pk", flat=True))[:2]
    ballot = poll_services.poll_vote(member=member, poll=multiple, option_ids=chosen)
    assert ballot.votes.count() == 2
    assert not PollBallot.objects.filter(poll=single).exists()


def test_closed_polls_take_no_votes(member):
    poll = make_poll()
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    with pytest.raises(ValidationError, match="closed"):
        poll_services.poll_vote(
            member=member, poll=poll, option_ids=[poll.options.first().pk]
        )


def test_members_outside_a_group_cannot_vote_in_its_boards(member, other_member):
    from .conftest import make_board

    group = make_group(owner=member)
    topic = make_topic(board=make_board(name="G", slug="g-board", group=group))
    poll = make_poll(topic=topic)
    with pytest.raises(ValidationError):
        poll_services.poll_vote(
            member=other_member, poll=poll, option_ids=[poll.options.first().pk]
        )
    assert not PollBallot.objects.exists()


def test_results_show_after_voting_or_closing(client, member, other_member):
    poll = make_poll()
    monday, wednesday, _saturday = poll.options.all()
    for voter in (make_user(), make_user(), make_user()):
        poll_services.poll_vote(member=voter, poll=poll, option_ids=[monday.pk])
    state = selectors.poll_state(poll=poll, viewer=member)
    assert not state.show_results and state.voters == 3
    client.force_login(member)
    page = client.get(poll.topic.get_absolute_url()).content.decode()
    assert 'data-testid="poll-form"' in page
    assert 'data-testid="poll-results"' not in page and "75%" not in page
    response = client.post(
        reverse("forum:poll_vote", args=[poll.topic_id]), {"option": [wednesday.pk]}
    )
    assert response.status_code == 302
    page = client.get(poll.topic.get_absolute_url()).content.decode()
    assert (
        'data-testid="poll-results"' in page and 'data-testid="poll-form"' not in page
    )
    assert "75% · 3" in page and "25% · 1" in page and "your vote" in page
    # Another member who has not voted sees results only once it closes.
    client.force_login(other_member)
    assert "75%" not in client.get(poll.topic.get_absolute_url()).content.decode()
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    page = client.get(poll.topic.get_absolute_url()).content.decode()
    assert "75% · 3" in page and 'data-testid="poll-form"' not in page


def test_the_new_topic_form_offers_polls_only_to_those_allowed(client, member, board):
    client.force_login(member)
    url = reverse("forum:topic_create", args=[board.slug])
    assert 'name="poll_question"' not in client.get(url).content.decode()
    grant_poll_level(member)
    assert 'name="poll_question"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Pick the next book",
            "kind": "discussion",
            "body": "Vote below.",
            "poll_question": "Which book?",
            "poll_options": "Fluent Python\nPython Crash Course",
            "poll_multiple": "on",
        },
    )
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert poll.allows_multiple and poll.options.count() == 2


def test_adding_a_poll_page_refuses_members_without_the_level(client, member):
    topic = make_topic(author=member)
    client.force_login(member)
    url = reverse("forum:poll_add", args=[topic.pk])
    response = client.get(url)
    assert response.status_code == 403 and "higher level" in response.content.decode()
    grant_poll_level(member)
    response = client.post(
        url, {"poll_question": "Tea or coffee?", "poll_options": "Tea\nCoffee"}
    )
    assert response.status_code == 302
    assert topic.poll.question == "Tea or coffee?"
