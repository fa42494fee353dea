"""The course flow in the browser: an instructor builds and publishes a course
with a lesson and a quiz in the Wagtail admin; a learner finds it in the
catalogue, enrols, reads the lesson and answers the quiz (wrong, then right).

Everything the instructor creates goes through the admin UI: the course, the
module, and the lesson with a paragraph and a quiz holding one single-choice
question (prompt, two choices, the right one ticked, an explanation). Only the
catalogue page, the members and their roles come from the fixture."""

import re

import pytest
from playwright.sync_api import Page, expect

from courses.models import (
    CourseIndexPage,
    CourseInstructor,
    CoursePage,
    LessonPage,
    ModulePage,
)
from members.services import member_set_roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"
COURSE = "Python for analysts"
LESSON = "Lists and loops"


def _member(django_user_model, username, name, *, instructor=False):
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
    if instructor:
        member_set_roles(user=user, instructor=True, moderator=False)
    return user


@pytest.fixture
def catalogue(site_tree):
    index = site_tree.add_child(
        instance=CourseIndexPage(title="Courses", slug="courses")
    )
    index.save_revision().publish()
    return index


@pytest.fixture
def instructor(site_tree, django_user_model):
    return _member(django_user_model, "amara", "Dr. Amara Okafor", instructor=True)


@pytest.fixture
def learner(site_tree, django_user_model):
    return _member(django_user_model, "lena", "Lena Learner")


def admin_login(page: Page, server: str, user) -> None:
    page.goto(f"{server}/admin/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{server}/admin/")


def fill_title(page: Page, title: str, slug: str) -> None:
    page.locator("#id_title").fill(title)
    page.locator("#id_title").blur()
    # Wagtail fills the slug from the title in the browser; wait for it.
    expect(page.locator("#id_slug")).to_have_value(slug)


def publish(page: Page) -> None:
    page.locator("footer .w-dropdown__toggle.button").click()
    page.locator("button[name='action-publish']").click()
    expect(page.locator(".messages")).to_contain_text("published")


def type_rich_text(page: Page, container, text: str, hidden_input) -> None:
    editor = container.locator(".public-DraftEditor-content").first
    expect(editor).to_be_visible()
    editor.click()
    editor.press_sequentially(text)
    # Draftail saves its state to the hidden input after a short pause.
    expect(hidden_input).to_have_value(re.compile(re.escape(text.split()[-1])))


def build_course_in_admin(page: Page, server: str, catalogue) -> None:
    # The course: the catalogue only takes courses, so the form opens directly.
    # Instructors may add to the catalogue but publish only their own courses,
    # so the first save is a draft, which makes the author its instructor.
    page.goto(f"{server}/admin/pages/{catalogue.pk}/add_subpage/")
    fill_title(page, COURSE, "python-for-analysts")
    page.locator("#id_summary").fill("Work with data in Python, one loop at a time.")
    page.locator("footer button.action-save").click()
    expect(page.locator(".messages")).to_contain_text("created")
    publish(page)
    course = CoursePage.objects.get(title=COURSE)

    # A module.
    page.goto(f"{server}/admin/pages/{course.pk}/add_subpage/")
    fill_title(page, "Week 1", "week-1")
    publish(page)
    module = ModulePage.objects.get(title="Week 1")

    # The lesson: a paragraph, then a quiz with one single-choice question.
    page.goto(f"{server}/admin/pages/{module.pk}/add_subpage/")
    fill_title(page, LESSON, "lists-and-loops")
    body = page.locator("[data-contentpath='body']").first
    body.get_by_title("Insert a block").first.click()
    page.get_by_role("option", name="Paragraph").click()
    type_rich_text(
        page,
        body.locator("[data-contentpath]").first,
        "A list keeps items in order.",
        page.locator("input[name='body-0-value']"),
    )

    body.get_by_title("Insert a block").last.click()
    page.get_by_role("option", name="Quiz").click()
    quiz = page.locator("[data-contentpath='body'] [data-contentpath='questions']")
    expect(quiz).to_be_visible()
    quiz.get_by_title("Insert a block").first.click()
    page.get_by_role("option", name="Single choice").click()

    question = quiz.locator("[data-contentpath='prompt']").first
    type_rich_text(
        page,
        question,
        "Which keeps items in order?",
        page.locator("input[name$='-value-questions-0-value-prompt']"),
    )
    choices = quiz.locator("[data-contentpath='choices']")
    texts = choices.locator("input[name$='-value-text']")
    while texts.count() < 2:
        choices.get_by_title(re.compile("Insert a block|Add")).last.click()
        page.wait_for_timeout(200)
    texts.nth(0).fill("A set")
    texts.nth(1).fill("A list")
    choices.locator("input[type=checkbox][name$='-value-correct']").nth(1).check()
    type_rich_text(
        page,
        quiz.locator("[data-contentpath='explanation']").first,
        "Lists keep insertion order; sets do not.",
        page.locator("input[name$='-value-questions-0-value-explanation']"),
    )
    publish(page)


def test_instructor_builds_a_course_and_a_learner_takes_it(
    page: Page, server, catalogue, instructor, learner, settings
):
    # Wagtail 8 autosaves the edit form in the background; on the test's
    # in-memory SQLite an autosave racing the publish click locks the table
    # (a 500), so the test saves only when it clicks.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    admin_login(page, server, instructor)
    build_course_in_admin(page, server, catalogue)

    course = CoursePage.objects.get(title=COURSE)
    lesson = LessonPage.objects.get(title=LESSON)
    assert course.live and lesson.live
    assert CourseInstructor.objects.filter(course=course, user=instructor).exists()
    assert lesson.has_quiz

    # The learner: find the course in the catalogue and enrol.
    page.context.clear_cookies()
    page.goto(f"{server}/accounts/login/")
    login = page.get_by_test_id("login-form")
    login.get_by_label("Email").fill(learner.email)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("member-name")).to_have_text("Lena Learner")

    page.goto(f"{server}/courses/")
    page.get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", name=COURSE)).to_be_visible()
    expect(page.get_by_text("Dr. Amara Okafor")).to_be_visible()
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator(".messages")).to_contain_text("You are enrolled")
    expect(page.get_by_text("0 of 1 lessons complete")).to_be_visible()

    # Read the lesson.
    page.get_by_role("link", name="Start the course").click()
    expect(page.get_by_role("heading", name=LESSON)).to_be_visible()
    expect(page.get_by_text("A list keeps items in order.")).to_be_visible()
    expect(page.get_by_text("Course progress: 0 of 1 lessons")).to_be_visible()

    # A wrong answer: feedback and the explanation, no progress.
    page.get_by_label("A set", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("Lists keep insertion order; sets do not.")).to_be_visible()
    expect(page.get_by_text("Course progress: 0 of 1 lessons")).to_be_visible()

    # The right answer passes the quiz, completes the lesson and the course.
    page.get_by_label("A list", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.locator(".messages")).to_contain_text("completed the course")
    expect(page.get_by_text("Course progress: 1 of 1 lessons")).to_be_visible()

    # My learning lists the completed course with its certificate.
    page.get_by_role("link", name="My learning").click()
    expect(page.get_by_test_id("course-completed")).to_contain_text(COURSE)
    page.get_by_role("link", name="Certificate").click()
    expect(page.get_by_test_id("certificate-name")).to_have_text("Lena Learner")
