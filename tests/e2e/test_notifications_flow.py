"""In the browser: a member sees the bell count after a reply and opens the
notification; a member unsubscribes from the digest through the link in its
e-mail (no login), and their settings then show the digest off."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from forum import services as forum_services
from forum.models import Board, Subscription, Topic

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


def test_bell_count_after_a_reply_and_opening_it(page: Page, server, django_user_model):
    board = Board.objects.create(name="Statistics", slug="statistics", position=1)
    asker = _member(django_user_model, "ines", "Inês Costa")
    helper = _member(django_user_model, "tomas", "Tomás Ruiz")
    topic = forum_services.topic_create(
        author=asker,
        board=board,
        title="Median or mean for skewed data?",
        body="My salaries column has a long tail.",
    )
    _log_in(page, server, asker)
    expect(page.get_by_test_id("notification-count")).to_have_count(0)

    forum_services.post_reply(
        author=helper, topic=topic, body="The median: the tail pulls the mean."
    )
    page.reload()
    expect(page.get_by_test_id("notification-count")).to_contain_text("1")

    page.get_by_test_id("notification-bell").click()
    item = page.get_by_test_id("notification").first
    expect(item).to_contain_text(
        "Tomás Ruiz replied to your topic “Median or mean for skewed data?”"
    )
    item.get_by_test_id("notification-link").click()
    expect(page).to_have_url(re.compile(rf"/community/t/{topic.pk}.*"))
    expect(page.get_by_text("The median: the tail pulls the mean.")).to_be_visible()
    expect(page.get_by_test_id("notification-count")).to_have_count(0)


def test_unsubscribe_from_the_digest_by_its_email_link(
    page: Page, server, django_user_model
):
    from notifications.delivery import digests_send
    from notifications.models import DeliverySettings

    board = Board.objects.create(name="Python", slug="python", position=1)
    reader = _member(django_user_model, "lan", "Nguyễn Lan")
    writer = _member(django_user_model, "ben", "Ben Okafor")
    DeliverySettings.objects.create(member=reader, digest_frequency="daily")
    Subscription.objects.create(member=reader, board=board)
    forum_services.topic_create(
        author=writer, board=board, title="Type hints in 3.11", body="A short tour."
    )
    Topic.objects.update(last_activity_at=timezone.now())
    mail.outbox = []

    assert digests_send(frequency="daily") == 1
    (message,) = mail.outbox
    assert "Type hints in 3.11" in message.body
    link = re.search(r"(http://\S+/notifications/unsubscribe/\S+/)", message.body)[1]
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"

    page.context.clear_cookies()  # the link works without logging in
    page.goto(server + link.split("testserver", 1)[1])
    expect(page.get_by_text("Stop receiving the e-mail digest?")).to_be_visible()
    page.get_by_test_id("confirm-unsubscribe").click()
    expect(page.get_by_test_id("unsubscribed")).to_contain_text(
        "You will no longer receive the e-mail digest."
    )

    _log_in(page, server, reader)
    page.goto(f"{server}/notifications/settings/")
    expect(page.get_by_label("E-mail digest")).to_have_value("off")
