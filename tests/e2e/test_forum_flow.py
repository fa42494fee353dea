"""The forum in the browser, on a phone: a member asks a question, another
answers, the asker accepts the answer (it moves to the top); a member reports
a post and a moderator hides it from the queue."""

import pytest
from playwright.sync_api import Page, expect

from forum.models import Board, Post, Topic
from members.services import member_set_roles

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"


def _member(django_user_model, username, name, *, moderator=False):
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
    if moderator:
        member_set_roles(user=user, instructor=False, moderator=True)
    return user


def _log_in(page: Page, server: str, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{server}/accounts/login/")
    login = page.get_by_test_id("login-form")
    login.get_by_label("Email").fill(user.email)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("member-name").first).to_have_text(user.name)


@pytest.fixture
def board(site_tree):
    return Board.objects.create(
        name="Q&A", slug="questions", description="Ask and answer.", position=1
    )


def test_ask_answer_accept(page: Page, server, board, django_user_model):
    page.set_viewport_size(PHONE)
    asker = _member(django_user_model, "lena", "Lena Fischer")
    helper = _member(django_user_model, "amara", "Amara Okafor")

    _log_in(page, server, asker)
    page.goto(f"{server}/community/")
    page.get_by_role("link", name="Q&A").click()
    page.get_by_role("link", name="New topic").click()
    form = page.get_by_test_id("topic-form")
    form.get_by_label("Title").fill("Why is my list full of None?")
    form.get_by_label("Question").check()
    form.get_by_label("Message").fill(
        "```python\nsquares = [print(n) for n in range(3)]\n```"
    )
    form.get_by_role("button", name="Post topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why is my list full of None?"
    )
    expect(page.locator(".highlight .k, .highlight .nb").first).to_be_visible()
    topic_url = page.url

    _log_in(page, server, helper)
    page.goto(topic_url)
    reply = page.get_by_test_id("reply-form")
    reply.get_by_label("Your reply").fill(
        "`print` returns `None`; build the list first."
    )
    reply.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("build the list first")).to_be_visible()

    _log_in(page, server, asker)
    page.goto(topic_url)
    page.get_by_role("button", name="Accept answer").click()
    accepted = page.get_by_test_id("accepted-answer")
    expect(accepted).to_contain_text("build the list first")
    expect(accepted.get_by_test_id("accepted-mark")).to_be_visible()
    # The accepted answer is shown before the question itself.
    first_post = page.get_by_test_id("post").first
    expect(first_post).to_contain_text("build the list first")
    assert Topic.objects.get().accepted_post.author == helper


def test_report_and_hide_from_the_queue(page: Page, server, board, django_user_model):
    page.set_viewport_size(PHONE)
    author = _member(django_user_model, "spammer", "Sam Spam")
    reader = _member(django_user_model, "linh", "Linh Nguyen")
    moderator = _member(django_user_model, "kenji", "Kenji Watanabe", moderator=True)
    topic = Topic.objects.create(board=board, author=author, title="Great offer here")
    Post.objects.create(
        topic=topic,
        number=1,
        author=author,
        body_markdown="Buy cheap followers",
        body_html="<p>Buy cheap followers</p>",
    )

    _log_in(page, server, reader)
    page.goto(f"{server}{topic.get_absolute_url()}")
    page.get_by_role("link", name="Report").click()
    page.get_by_label("Spam or advertising").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("A moderator will look at the post soon")).to_be_visible()

    _log_in(page, server, moderator)
    page.goto(f"{server}/community/moderation/")
    expect(page.get_by_test_id("report")).to_contain_text("Buy cheap followers")
    page.get_by_role("button", name="Hide post").click()
    expect(page.get_by_text("No open reports")).to_be_visible()
    expect(page.get_by_test_id("audit-log")).to_contain_text("Hid a post")

    _log_in(page, server, reader)
    page.goto(f"{server}{topic.get_absolute_url()}")
    expect(page.get_by_text("This post was hidden by a moderator.")).to_be_visible()
    expect(page.get_by_text("Buy cheap followers")).to_have_count(0)
