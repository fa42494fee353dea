import re

import pytest
from playwright.sync_api import Page, expect

from members.services import member_set_roles
from website.models import ArticleIndexPage, ArticlePage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"


@pytest.fixture
def article_index(site_tree):
    index = site_tree.add_child(
        instance=ArticleIndexPage(title="Articles", slug="articles")
    )
    index.save_revision().publish()
    return index


@pytest.fixture
def instructor(site_tree, django_user_model):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        username="amara",
        email="amara@example.org",
        password=PASSWORD,
        display_name="Dr. Amara Okafor",
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    member_set_roles(user=user, instructor=True, moderator=False)
    return user


def test_instructor_publishes_an_article_from_the_admin(
    page: Page, server, article_index, instructor
):
    page.goto(f"{server}/admin/login/")
    page.locator("#id_username").fill(instructor.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{server}/admin/")

    # The index only takes articles, so Wagtail goes straight to the article form.
    page.goto(f"{server}/admin/pages/{article_index.pk}/add_subpage/")
    page.locator("#id_title").fill("Spaced repetition, explained")
    page.locator("#id_title").blur()
    # Wagtail fills the slug from the title in the browser; wait for it, or a
    # quick publish can race it and fail validation.
    expect(page.locator("#id_slug")).to_have_value("spaced-repetition-explained")
    page.locator("#id_intro").fill("Why reviewing at growing intervals works.")
    page.get_by_title("Insert a block").first.click()
    page.get_by_role("option", name="Paragraph").click()
    editor = page.locator("[data-contentpath='body'] .public-DraftEditor-content").first
    expect(editor).to_be_visible()
    editor.click()
    editor.press_sequentially("Review just before you would forget.")
    # Draftail saves its state to the block's hidden input after a short pause.
    expect(page.locator("input[name='body-0-value']")).to_have_value(
        re.compile("would forget")
    )

    page.locator("footer .w-dropdown__toggle.button").click()
    page.locator("button[name='action-publish']").click()
    expect(page.locator(".messages")).to_contain_text("published")

    article = ArticlePage.objects.get(title="Spaced repetition, explained")
    assert article.live
    assert article.get_parent().pk == article_index.pk
    assert article.owner_id == instructor.pk

    page.goto(f"{server}/articles/")
    expect(
        page.get_by_role("link", name="Spaced repetition, explained")
    ).to_be_visible()
    page.get_by_role("link", name="Spaced repetition, explained").click()
    expect(page.get_by_text("Review just before you would forget.")).to_be_visible()
