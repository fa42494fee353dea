"""Gamification in the browser: a learner completes a lesson, sees points and
a badge appear on My progress, opens the badge's public page (and its Open
Badges JSON), and finds themselves on the leaderboard. The pages fit a phone."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from gamification.badge_models import BadgeAward, BadgeClass
from gamification.levels import levels_clear_cache
from gamification.rules import rules_clear_cache

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"


@pytest.fixture
def game_rules(site_tree):
    """The default points rules and levels (the flush removed the data
    migrations' rows) and two badges."""
    for name in ("0002_default_points_rules", "0004_default_levels"):
        importlib.import_module(f"gamification.migrations.{name}").seed(apps, None)
    rules_clear_cache()
    levels_clear_cache()
    BadgeClass.objects.create(
        name="First Steps",
        slug="first-steps",
        description="Completed a first lesson.",
        criteria_narrative="Complete **any lesson**.",
        kind="count",
        verb="completed",
        object_type="lesson",
        count=1,
    )
    BadgeClass.objects.create(
        name="Bookworm",
        slug="bookworm",
        description="Completed five lessons.",
        kind="count",
        verb="completed",
        object_type="lesson",
        count=5,
    )


@pytest.fixture
def lesson(site_tree):
    catalogue = site_tree.add_child(
        instance=CourseIndexPage(title="Courses", slug="courses")
    )
    course = catalogue.add_child(
        instance=CoursePage(title="Web basics", slug="web-basics", summary="HTML.")
    )
    module = course.add_child(instance=ModulePage(title="Week 1", slug="week-1"))
    return module.add_child(
        instance=LessonPage(
            title="What a browser does",
            slug="what-a-browser-does",
            body=[
                {"type": "paragraph", "value": "<p>It fetches pages.</p>", "id": "p1"}
            ],
        )
    )


@pytest.fixture
def learner(site_tree, django_user_model):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        username="lena",
        email="lena@example.org",
        password=PASSWORD,
        display_name="Lena Learner",
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def log_in(page: Page, server: str, user) -> None:
    page.goto(f"{server}/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Email").fill(user.email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("member-name")).to_have_text("Lena Learner")


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_a_lesson_brings_points_a_badge_a_public_page_and_a_place_on_the_board(
    page: Page, server, game_rules, lesson, learner
):
    log_in(page, server, learner)
    page.goto(f"{server}/progress/")
    expect(page.get_by_text("No badges yet")).to_be_visible()

    # Enrol and complete the lesson.
    page.goto(f"{server}/courses/web-basics/")
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator(".messages")).to_contain_text("You are enrolled")
    page.get_by_role("link", name="Start the course").click()
    expect(page.get_by_role("heading", name="What a browser does")).to_be_visible()
    page.get_by_role("button", name="Mark complete").click()
    expect(page.locator(".messages")).to_contain_text("complete")

    # Points and the badge on My progress.
    page.get_by_role("link", name="My progress").first.click()
    earned = page.get_by_test_id("points-earned")
    expect(earned).not_to_contain_text("0 points earned")
    assert int(earned.locator(".game-stat__value").inner_text()) >= 10
    expect(page.get_by_test_id("ledger-entry").first).to_be_visible()
    badges = page.get_by_test_id("my-badge")
    expect(badges).to_have_count(1)
    expect(badges.first).to_contain_text("First Steps")
    award = BadgeAward.objects.get(member=learner)

    # The badge's public page, and the hosted assertion behind "Verify".
    badges.first.get_by_role("link").click()
    expect(page).to_have_url(f"{server}/badges/a/{award.uuid}/")
    expect(page.get_by_test_id("award-badge")).to_have_text("First Steps")
    expect(page.get_by_test_id("award-earner")).to_have_text("Lena Learner")
    og_image = page.locator("meta[property='og:image']").get_attribute("content")
    assert og_image == f"{server}/badges/class/{award.badge_id}/image.png"
    image = page.get_by_role("img", name="The First Steps badge")
    expect(image).to_be_visible()
    # Drawn on first request (no uploaded picture): give it a moment.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=image.element_handle(),
        timeout=20_000,
    )
    assert image.evaluate("img => img.naturalWidth") == 512
    verify = page.get_by_test_id("verify-link").get_attribute("href")
    assertion = page.request.get(verify)
    assert assertion.ok and assertion.json()["id"] == verify
    assert assertion.json()["recipient"]["hashed"] is True
    assert "lena@example.org" not in assertion.text()

    # The public page opens for someone who is not signed in, too.
    page.context.clear_cookies()
    page.goto(f"{server}/badges/a/{award.uuid}/")
    expect(page.get_by_test_id("award-earner")).to_have_text("Lena Learner")

    # The catalogue shows how to earn each badge.
    page.goto(f"{server}/badges/")
    expect(page.get_by_test_id("badge-class")).to_have_count(2)
    expect(page.get_by_text("Complete any lesson.")).to_be_visible()

    # The leaderboard shows the learner.
    log_in(page, server, learner)
    page.goto(f"{server}/leaderboard/?period=week")
    expect(page.get_by_text("Lena Learner").first).to_be_visible()


def test_badge_pages_fit_a_phone(page: Page, server, game_rules, learner):
    from gamification.badges import badge_award

    award = badge_award(
        badge=BadgeClass.objects.get(slug="first-steps"), member=learner
    )
    page.set_viewport_size(PHONE)
    for path in ("/badges/", f"/badges/a/{award.uuid}/", "/badges/first-steps/"):
        page.goto(server + path)
        expect(page.locator("h1")).to_be_visible()
        fits_the_phone(page)
    log_in(page, server, learner)
    for path in ("/progress/", "/challenges/"):
        page.goto(server + path)
        fits_the_phone(page)
