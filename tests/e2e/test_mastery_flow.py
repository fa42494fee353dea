""" "My skills" in the browser: a learner whose quiz answers went through the
site's quiz service sees each skill's estimate with its reasons and a mastered
badge, resets what was inferred (after confirming) and keeps only what they
said about themselves; on a phone the page fits the screen."""

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from courses.models import LessonPage
from courses.services import enrollment_create, quiz_submit
from paths.mastery import seed_mastery
from tests.paths.planning_world import PathWorld

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"


@pytest.fixture
def learner(site_tree, django_user_model):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        username="sam", email="sam@example.org", password=PASSWORD, display_name="Sam"
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


def test_my_skills_shows_estimates_and_resets_what_was_inferred(
    page: Page, server, learner
):
    world = PathWorld()
    enrollment_create(user=learner, course=world.starter)
    quiz = LessonPage.objects.get(pk=world.loops_quiz.pk)
    for _ in range(4):  # four right answers in a row on Python basics
        with transaction.atomic():
            quiz_submit(
                user=learner,
                lesson=quiz,
                quiz_block_id="q1",
                answers={"loops-q": "loops-q-a"},
            )
    seed_mastery(member=learner, levels={world.stats.pk: 2})

    log_in(page, server, learner)
    page.goto(f"{server}/paths/skills/")
    rows = page.get_by_test_id("skill-row")
    expect(rows).to_have_count(2)
    python = rows.filter(has_text="Python basics")
    expect(python.get_by_test_id("mastered-badge")).to_be_visible()
    expect(python).to_contain_text("4 of 4 answers right.")
    expect(python).to_contain_text("Last moved by your quiz answers")
    stats = rows.filter(has_text="Statistics")
    expect(stats.get_by_test_id("skill-value")).to_have_text("50 %")
    expect(stats).to_contain_text("You rated yourself 2 of 4.")
    expect(page.get_by_test_id("skills-summary")).to_contain_text(
        "1 skill of 2 mastered."
    )

    page.set_viewport_size(PHONE)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

    # The reset needs the box ticked (the browser refuses the form without it).
    page.get_by_role("button", name="Reset the estimates").click()
    expect(rows).to_have_count(2)
    page.get_by_label("Yes, forget what my answers and contributions showed").check()
    page.get_by_role("button", name="Reset the estimates").click()
    expect(page.get_by_text("no longer count in these estimates")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Statistics")
