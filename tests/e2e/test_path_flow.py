"""The learning path flow in the browser: a new member logs in for the first
time and lands in onboarding, sets a goal (a skill), answers the questions
about how they learn and what they know, and gets a path whose steps say why
they are there; they then fail a quiz on the path and find an easier step
inserted before it; on a phone the path page fits the screen.

The catalogue (skills with prerequisites, five small courses) comes from the
path tests' builders; everything the member does goes through the site."""

import re

import pytest
from playwright.sync_api import Page, expect

from paths.models import LearningPath, PathStep
from tests.paths.planning_world import PathWorld

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"


@pytest.fixture
def world(site_tree):
    return PathWorld()


@pytest.fixture
def newcomer(site_tree, django_user_model):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        username="nadia",
        email="nadia@example.org",
        password=PASSWORD,
        display_name="Nadia New",
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def log_in(page: Page, server: str, user) -> None:
    page.goto(f"{server}/accounts/login/")
    login = page.get_by_test_id("login-form")
    login.get_by_label("Email").fill(user.email)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()


def onboard(page: Page, world) -> None:
    # Goal: a skill.
    goal = page.get_by_test_id("goal-form")
    goal.get_by_label("learn particular skills").check()
    goal.get_by_text("Choose skills").click()
    goal.get_by_label("Data analysis (Data science)").check()
    goal.get_by_role("button", name="Continue").click()

    # About: some experience, two hours a week, text preferred.
    about = page.get_by_test_id("about-form")
    expect(about).to_be_visible()
    about.get_by_label("Some experience").check()
    about.get_by_label("Time you can give each week (minutes)").fill("120")
    about.get_by_label("Text", exact=True).check()
    about.get_by_label("City").fill("Lisbon")
    about.get_by_role("button", name="Continue").click()

    # What they know: a little Python, nothing else.
    levels = page.get_by_test_id("levels-form")
    expect(levels).to_be_visible()
    for fieldset in levels.locator("fieldset").all():
        legend = fieldset.locator("legend").inner_text()
        choice = "A little" if legend.startswith("Python basics") else "Not at all"
        fieldset.get_by_label(choice, exact=True).check()
    levels.get_by_role("button", name="Continue").click()


def test_a_new_member_onboards_gets_a_path_and_sees_remediation(
    page: Page, server, world, newcomer
):
    log_in(page, server, newcomer)
    # The first log-in leads to onboarding.
    expect(page).to_have_url(re.compile(r"/paths/start/$"))
    expect(page.get_by_role("heading", name="Plan your learning")).to_be_visible()
    onboard(page, world)

    # The path, with a reason on every step.
    expect(page).to_have_url(re.compile(r"/paths/$"))
    expect(page.get_by_test_id("path-goal")).to_have_text("Towards Data analysis")
    steps = page.get_by_test_id("path-step")
    expect(steps).to_have_count(7)
    first = steps.first
    expect(first).to_contain_text("Variables")
    expect(first.get_by_test_id("step-reason")).to_have_text(
        re.compile(
            r"You want Data analysis; it needs Data wrangling; it needs Python "
            r"basics; your mastery of Python basics is 0\.\d\d\."
        )
    )
    expect(page.get_by_test_id("path-eta")).to_contain_text("Expected finish")
    expect(page.get_by_test_id("remediation-tag")).to_have_count(0)

    # Take the analysis quiz and fail it.
    quiz_step = steps.filter(has_text="Analysis quiz")
    quiz_step.get_by_role("link", name="Analysis quiz").click()
    expect(page.get_by_role("heading", name="Analysis quiz")).to_be_visible()
    page.goto(f"{server}{world.analysis_course.url}")
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator(".messages")).to_contain_text("You are enrolled")
    page.goto(f"{server}{world.analysis_quiz.url}")
    page.locator("input[name='q-an-q1'][value='an-q1-b']").check()
    page.locator("input[name='q-an-q2'][value='an-q2-b']").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("Because of an-q1.")).to_be_visible()

    # Back on the path: an easier step on the weak prerequisite, before the quiz.
    page.get_by_role("link", name="My path", exact=True).first.click()
    remediation = page.get_by_test_id("path-step").filter(
        has=page.get_by_test_id("remediation-tag")
    )
    expect(remediation).to_have_count(1)
    expect(remediation).to_contain_text("Python in ten minutes")
    expect(remediation.get_by_test_id("step-reason")).to_contain_text(
        "You did not pass “Analysis quiz” on Data wrangling; it needs Python basics"
    )
    titles = page.locator(".path-step__title").all_inner_texts()
    assert titles.index("Python in ten minutes") < titles.index("Analysis quiz")

    path = LearningPath.objects.get(member=newcomer)
    assert path.steps.filter(origin=PathStep.Origin.REMEDIATION).count() == 1

    # Skip a step: it moves to "Skipped" and stays there.
    remediation.get_by_role("button", name=re.compile("^Skip")).click()
    expect(page.get_by_test_id("skipped-step")).to_contain_text("Python in ten minutes")

    # On a phone the path page fits the screen.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("path-goal")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
