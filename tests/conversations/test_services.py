import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activity.models import Activity
from conversations import services
from conversations.models import (
    Block,
    Conversation,
    ConversationSettings,
    Message,
    MessageReport,
    ModerationEntry,
    Participant,
)

from .conftest import make_user

pytestmark = pytest.mark.django_db


def start(sender, *recipients, body="Hello there!", **kwargs):
    kwargs.setdefault("subject", "Study buddy?")
    return services.start_conversation(
        sender=sender, recipients=list(recipients), body=body, **kwargs
    )


def test_start_conversation_creates_participants_message_and_activity(ada, grace):
    conversation = start(ada, grace, kind="mentoring")
    assert conversation.kind == "mentoring"
    assert set(conversation.participants.values_list("member_id", flat=True)) == {
        ada.pk,
        grace.pk,
    }
    message = conversation.messages.get()
    assert message.body_html == "<p>Hello there!</p>"
    activity = Activity.objects.get(verb="sent")
    assert (activity.actor_id, activity.object_type) == (ada.pk, "conversation")
    assert activity.object_id == str(conversation.pk)
    # No private words in the shared log.
    assert "Hello" not in str(activity.context)
    assert "Study" not in str(activity.context)
    assert activity.context["kind"] == "mentoring"
    # The sender has read their own message; the recipient has not.
    marks = dict(
        Participant.objects.filter(conversation=conversation).values_list(
            "member_id", "last_read_message_id"
        )
    )
    assert marks == {ada.pk: message.pk, grace.pk: 0}


def test_message_bodies_are_sanitised(ada, grace):
    hostile = (
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        "[click](javascript:alert(3)) <b style='x'>bold</b>"
    )
    conversation = start(ada, grace, body=hostile)
    html = conversation.messages.get().body_html
    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered
    assert "javascript:" not in lowered
    assert "style=" not in lowered


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [("", "Hi", "subject"), ("Hi", "   ", "body"), ("x" * 121, "Hi", "subject")],
)
def test_bad_input_is_refused_and_changes_nothing(ada, grace, subject, body, field):
    with pytest.raises(ValidationError) as error:
        start(ada, grace, subject=subject, body=body)
    assert field in error.value.message_dict
    assert not Conversation.objects.exists()
    assert not Activity.objects.filter(verb="sent").exists()


def test_no_recipient_self_or_too_many(ada, grace):
    with pytest.raises(ValidationError):
        start(ada)
    with pytest.raises(ValidationError):
        start(ada, ada)
    config = ConversationSettings.load()
    config.max_recipients = 1
    config.save()
    with pytest.raises(ValidationError) as error:
        start(ada, grace, make_user())
    assert "at most 1" in str(error.value)
    assert not Conversation.objects.exists()


def test_inactive_recipient_is_refused(ada):
    gone = make_user(is_active=False)
    with pytest.raises(ValidationError):
        start(ada, gone)


def test_only_participants_can_write(ada, grace, alan):
    conversation = start(ada, grace)
    with pytest.raises(PermissionDenied):
        services.message_send(sender=alan, conversation=conversation, body="Me too")
    services.message_send(sender=grace, conversation=conversation, body="Hi Ada")
    assert conversation.messages.count() == 2
    assert Activity.objects.filter(verb="sent").count() == 2


def test_a_blocked_member_cannot_start_or_continue(ada, grace):
    conversation = start(grace, ada)
    services.member_block(blocker=ada, blocked=grace)
    with pytest.raises(PermissionDenied) as error:
        start(grace, ada)
    assert "not accepting messages from you" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.message_send(sender=grace, conversation=conversation, body="Hello?")
    # The blocker can't write either until they unblock (no one-sided threads).
    with pytest.raises(PermissionDenied) as error:
        services.message_send(sender=ada, conversation=conversation, body="Hmm")
    assert "Unblock" in str(error.value)
    assert conversation.messages.count() == 1
    assert services.member_unblock(blocker=ada, blocked=grace)
    services.message_send(sender=grace, conversation=conversation, body="Sorry!")
    assert conversation.messages.count() == 2


def test_blocking_yourself_is_refused(ada):
    with pytest.raises(ValidationError):
        services.member_block(blocker=ada, blocked=ada)
    assert not Block.objects.exists()


def test_new_accounts_are_rate_limited(grace):
    newcomer = make_user(new=True)
    config = ConversationSettings.load()
    config.new_account_starts_per_hour = 2
    config.save()
    start(newcomer, grace)
    start(newcomer, grace)
    with pytest.raises(services.RateLimited) as error:
        start(newcomer, grace)
    assert "2 conversations an hour" in str(error.value)
    assert Conversation.objects.filter(started_by=newcomer).count() == 2
    # Replies in existing conversations are not limited.
    services.message_send(
        sender=newcomer, conversation=Conversation.objects.first(), body="More"
    )


def test_established_accounts_are_not_rate_limited(ada, grace):
    config = ConversationSettings.load()
    config.new_account_starts_per_hour = 0
    config.save()
    for _n in range(3):
        start(ada, grace)
    assert Conversation.objects.count() == 3


def test_report_by_participants_only_once_not_own(ada, grace, alan):
    conversation = start(grace, ada, body="Buy cheap watches")
    message = conversation.messages.get()
    with pytest.raises(PermissionDenied):
        services.message_report(reporter=alan, message=message, reason="spam")
    with pytest.raises(ValidationError):
        services.message_report(reporter=grace, message=message, reason="spam")
    with pytest.raises(ValidationError):
        services.message_report(reporter=ada, message=message, reason="bogus")
    report = services.message_report(reporter=ada, message=message, reason="spam")
    assert report.status == MessageReport.Status.OPEN
    with pytest.raises(ValidationError):
        services.message_report(reporter=ada, message=message, reason="abuse")
    assert MessageReport.objects.count() == 1


def test_resolve_needs_a_moderator_and_writes_the_audit_log(ada, grace, moderator):
    message = start(grace, ada).messages.get()
    report = services.message_report(reporter=ada, message=message, reason="abuse")
    with pytest.raises(PermissionDenied):
        services.report_resolve(moderator=ada, report=report)
    services.report_resolve(moderator=moderator, report=report, note="Warned them")
    report.refresh_from_db()
    assert report.status == MessageReport.Status.RESOLVED
    assert report.resolved_by == moderator
    entry = ModerationEntry.objects.get()
    assert (entry.moderator, entry.report, entry.note) == (
        moderator,
        report,
        "Warned them",
    )
    # Resolving again changes nothing and logs nothing.
    services.report_resolve(moderator=moderator, report=report)
    assert ModerationEntry.objects.count() == 1


def test_mark_read_only_moves_forward(ada, grace):
    conversation = start(ada, grace)
    first = Message.objects.get()
    second = services.message_send(sender=ada, conversation=conversation, body="Two")
    assert services.conversation_mark_read(
        member=grace, conversation=conversation, up_to=second.pk
    )
    assert not services.conversation_mark_read(
        member=grace, conversation=conversation, up_to=first.pk
    )
    mark = Participant.objects.get(member=grace).last_read_message_id
    assert mark == second.pk
