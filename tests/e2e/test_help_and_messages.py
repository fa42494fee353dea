"""In the browser: a member starts typing a question and sees a similar
answered question suggested; a member sends a private message and the
recipient reads it in their inbox."""

import pytest
from playwright.sync_api import Page, expect

from forum import services as forum_services
from forum.models import Board

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"


def _member(django_user_model, username, name):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        display_name=name,
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def _log_in(page: Page, server: str, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{server}/accounts/login/")
    login = page.get_by_test_id("login-form")
    login.get_by_label("Email").fill(user.email)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("member-name").first).to_have_text(user.name)


def test_typing_a_question_suggests_an_answered_one(
    page: Page, server, django_user_model
):
    board = Board.objects.create(name="Q&A", slug="questions", position=1)
    asker = _member(django_user_model, "ines", "Inês Costa")
    helper = _member(django_user_model, "tomas", "Tomás Ruiz")
    newcomer = _member(django_user_model, "noor", "Noor Haddad")
    topic = forum_services.topic_create(
        author=asker,
        board=board,
        title="How do I read a CSV file with a semicolon separator in pandas?",
        body="My bank exports date;amount;description and it lands in one column.",
        kind="question",
    )
    answer = forum_services.post_reply(
        author=helper, topic=topic, body='Pass `sep=";"` to `pd.read_csv`.'
    )
    forum_services.answer_accept(actor=asker, post=answer)

    page.set_viewport_size(PHONE)
    _log_in(page, server, newcomer)
    page.goto(f"{server}/community/questions/new/")
    form = page.get_by_test_id("topic-form")
    form.get_by_label("Title").press_sequentially("pandas csv semicolons", delay=20)
    suggestions = page.get_by_test_id("help-results")
    suggestion = suggestions.get_by_role("link", name=topic.title)
    expect(suggestion).to_be_visible()
    expect(suggestions).to_contain_text("Answered question")
    expect(suggestion).to_have_attribute("href", topic.get_absolute_url())
    # Nothing was posted: the member is still on the form, text intact.
    expect(form.get_by_label("Title")).to_have_value("pandas csv semicolons")


def test_a_member_sends_a_message_and_the_recipient_reads_it(
    page: Page, server, django_user_model
):
    sender = _member(django_user_model, "ada", "Ada Lovelace")
    recipient = _member(django_user_model, "grace", "Grace Hopper")

    page.set_viewport_size(PHONE)
    _log_in(page, server, sender)
    page.goto(f"{server}/messages/new/?to={recipient.pk}")
    form = page.get_by_test_id("start-form")
    expect(form.get_by_label("To")).to_have_value("grace")
    form.get_by_label("Subject").fill("Study buddy?")
    form.get_by_label("Message").fill("Shall we work through **statistics** together?")
    form.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Study buddy?")
    expect(page.get_by_test_id("message")).to_have_count(1)

    _log_in(page, server, recipient)
    page.goto(f"{server}/messages/")
    conversation = page.get_by_test_id("conversation")
    expect(conversation).to_have_count(1)
    expect(conversation.get_by_test_id("unread-count")).to_contain_text("1")
    conversation.get_by_role("link", name="Study buddy?").click()
    message = page.get_by_test_id("message")
    expect(message).to_contain_text("Shall we work through statistics together?")
    expect(message.locator(".message__body strong")).to_have_text("statistics")
    reply = page.get_by_test_id("reply-form")
    reply.get_by_label("Your message").fill("Yes please!")
    reply.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("message")).to_have_count(2)
    page.goto(f"{server}/messages/")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
