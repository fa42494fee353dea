"""Conversation pages: who may read what, and what each page costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations import services
from conversations.models import (
    Conversation,
    ConversationSettings,
    MessageReport,
    ModerationEntry,
    Participant,
)

from .conftest import make_user

pytestmark = pytest.mark.django_db


def start(sender, recipient, body="Hello!", subject="Hi"):
    return services.start_conversation(
        sender=sender, recipients=[recipient], subject=subject, body=body
    )


def thread_url(conversation):
    return reverse("conversations:thread", args=[conversation.pk])


def test_start_form_sends_and_redirects_to_the_thread(client, ada, grace):
    client.force_login(ada)
    form = client.get(reverse("conversations:start"), {"to": grace.pk})
    assert 'value="grace"' in form.content.decode()
    response = client.post(
        reverse("conversations:start"),
        {
            "recipients": "Grace",
            "subject": "Study buddy?",
            "kind": "mentoring",
            "body": "Shall we do the statistics course together?",
        },
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread_url(conversation)
    assert conversation.kind == "mentoring"


def test_start_form_errors_keep_the_text(client, ada):
    client.force_login(ada)
    response = client.post(
        reverse("conversations:start"),
        {"recipients": "nobody-here", "subject": "Hi", "kind": "direct", "body": "Yo"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "No member is called nobody-here" in html
    assert not Conversation.objects.exists()


def test_only_participants_read_a_thread(client, ada, grace, alan, moderator):
    conversation = start(ada, grace, body="The secret plan")
    for outsider in (alan, moderator):
        client.force_login(outsider)
        assert client.get(thread_url(conversation)).status_code == 404
        assert (
            client.post(thread_url(conversation), {"body": "let me in"}).status_code
            == 404
        )
    staff = make_user(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get(thread_url(conversation)).status_code == 404
    client.logout()
    assert client.get(thread_url(conversation)).status_code == 302  # to log in
    client.force_login(grace)
    response = client.get(thread_url(conversation))
    assert response.status_code == 200
    assert "The secret plan" in response.content.decode()
    assert conversation.messages.count() == 1


def test_reading_marks_read_and_the_inbox_counts_unread(client, ada, grace):
    conversation = start(ada, grace)
    services.message_send(sender=ada, conversation=conversation, body="Second")
    client.force_login(grace)
    inbox = client.get(reverse("conversations:inbox")).content.decode()
    assert 'data-testid="unread-count"' in inbox
    assert "Unread: </span>2" in inbox
    client.get(thread_url(conversation))
    inbox = client.get(reverse("conversations:inbox")).content.decode()
    assert 'data-testid="unread-count"' not in inbox
    # Reading again writes nothing.
    with CaptureQueriesContext(connection) as queries:
        client.get(thread_url(conversation))
    assert not [q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]


def test_inbox_query_count_does_not_grow(client, ada):
    client.force_login(ada)
    start(ada, make_user())
    client.get(reverse("conversations:inbox"))  # site and navigation get cached
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("conversations:inbox"))
    for _n in range(6):
        conversation = start(make_user(), ada)
        services.message_send(
            sender=conversation.started_by, conversation=conversation, body="More"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("conversations:inbox"))
    assert response.content.decode().count('data-testid="conversation"') == 7
    assert len(many) == len(one)
    # Session, member, 2 permission checks (the admin user bar, the reports
    # link), site, navigation, the notification bell's unread count; then
    # count, page, participants.
    assert len(many) <= 10, [q["sql"] for q in many.captured_queries]


def test_thread_query_count_does_not_grow(client, ada, grace):
    conversation = start(ada, grace)
    client.force_login(grace)
    client.get(thread_url(conversation))
    with CaptureQueriesContext(connection) as short:
        client.get(thread_url(conversation))
    for n in range(12):
        services.message_send(sender=ada, conversation=conversation, body=f"m{n}")
        services.message_send(sender=grace, conversation=conversation, body=f"r{n}")
    client.get(thread_url(conversation))  # marks the new ones read
    with CaptureQueriesContext(connection) as long:
        client.get(thread_url(conversation))
    assert len(long) == len(short)
    # 7 for every signed-in page (see above); participants, count, page, blocks.
    assert len(long) <= 11, [q["sql"] for q in long.captured_queries]


def test_reply_in_the_thread(client, ada, grace):
    conversation = start(ada, grace)
    client.force_login(grace)
    response = client.post(thread_url(conversation), {"body": "**Yes!**"})
    assert response.status_code == 302
    last = conversation.messages.order_by("-pk").first()
    assert last.body_html == "<p><strong>Yes!</strong></p>"


def test_block_stops_the_conversation_with_a_clear_message(client, ada, grace):
    conversation = start(grace, ada)
    client.force_login(ada)
    client.post(reverse("conversations:block", args=[grace.pk]))
    client.force_login(grace)
    response = client.post(thread_url(conversation), {"body": "Hello?"})
    assert response.status_code == 403
    assert "not accepting messages from you" in response.content.decode()
    response = client.post(
        reverse("conversations:start"),
        {"recipients": "ada", "subject": "Again", "kind": "direct", "body": "Hi"},
    )
    assert response.status_code == 403
    assert "not accepting messages from you" in response.content.decode()
    assert conversation.messages.count() == 1
    assert Conversation.objects.count() == 1


def test_rate_limit_answers_429(client, grace):
    newcomer = make_user(new=True)
    config = ConversationSettings.load()
    config.new_account_starts_per_hour = 1
    config.save()
    client.force_login(newcomer)
    data = {"recipients": "grace", "subject": "Hi", "kind": "direct", "body": "Hi"}
    assert client.post(reverse("conversations:start"), data).status_code == 302
    response = client.post(reverse("conversations:start"), data)
    assert response.status_code == 429
    assert "New accounts can start 1 conversations an hour" in (
        response.content.decode()
    )
    assert Conversation.objects.count() == 1


def test_report_opens_only_that_message_to_moderators(client, ada, grace, moderator):
    conversation = start(grace, ada, body="Buy my course, cheap!!!")
    services.message_send(sender=ada, conversation=conversation, body="Private reply")
    reported = conversation.messages.order_by("pk").first()
    client.force_login(ada)
    response = client.post(
        reverse("conversations:report", args=[reported.pk]),
        {"reason": "spam", "details": "Advertising"},
    )
    assert response.status_code == 302
    # A member can't see the reports list.
    assert client.get(reverse("conversations:reports")).status_code == 403
    client.force_login(moderator)
    html = client.get(reverse("conversations:reports")).content.decode()
    assert "Buy my course, cheap!!!" in html
    assert "Private reply" not in html
    # …and still can't open the conversation itself.
    assert client.get(thread_url(conversation)).status_code == 404
    report = MessageReport.objects.get()
    response = client.post(
        reverse("conversations:report_resolve", args=[report.pk]),
        {"note": "Warned the sender"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "resolved"
    assert ModerationEntry.objects.get().note == "Warned the sender"


def test_outsiders_cannot_report_or_see_a_message(client, ada, grace, alan):
    message = start(ada, grace).messages.get()
    client.force_login(alan)
    url = reverse("conversations:report", args=[message.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 404
    assert not MessageReport.objects.exists()


def test_message_button_beside_forum_post_authors(client, ada, grace):
    from tests.forum.conftest import make_topic

    topic = make_topic(author=grace, title="A topic to reply to")
    client.force_login(ada)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f"{reverse('conversations:start')}?to={grace.pk}" in html
    client.force_login(grace)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f"?to={grace.pk}" not in html  # not to yourself
    assert Participant.objects.count() == 0
