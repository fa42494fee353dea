"""The community's members' half in the browser, on a phone: a member shares a
project with an image and finds it in the gallery; a member asks to join a
private group, the owner approves, and its board opens to them."""

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from forum.models import Board, Group, GroupMembership, ProjectImage, Topic

from .conftest import PHONE
from .test_forum_flow import _log_in, _member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_share_a_project_and_find_it_in_the_gallery(
    page: Page, server, media, tmp_path, django_user_model
):
    page.set_viewport_size(PHONE)
    board = Board.objects.create(
        name="Project showcase", slug="showcase", description="Show your work."
    )
    maker = _member(django_user_model, "noor", "Noor Haddad")
    screenshot = tmp_path / "dashboard.png"
    Image.new("RGB", (1280, 800), (40, 110, 190)).save(screenshot)

    _log_in(page, server, maker)
    page.goto(f"{server}{board.get_absolute_url()}")
    page.get_by_role("link", name="New topic").click()
    form = page.get_by_test_id("topic-form")
    form.get_by_label("Title").fill("A bus timetable on an e-ink screen")
    form.get_by_label("Project", exact=True).check()
    project_fields = page.get_by_test_id("project-fields")
    expect(project_fields).to_be_visible()
    form.get_by_label("Message").fill("A Raspberry Pi shows the next three buses.")
    form.get_by_label("Images (optional)", exact=True).set_input_files(str(screenshot))
    form.get_by_label("Describe the images").fill("The screen by my front door")
    form.get_by_label("Links (optional)", exact=True).fill(
        "https://example.org/bus-screen"
    )
    form.get_by_label("I would like feedback on this project").check()
    form.get_by_role("button", name="Post topic").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A bus timetable on an e-ink screen"
    )
    project = page.get_by_test_id("project")
    expect(
        project.get_by_role("img", name="The screen by my front door")
    ).to_have_count(1)
    image = ProjectImage.objects.get()
    assert image.project.topic == Topic.objects.get()
    assert (media / image.thumbnail.name).exists()

    page.goto(f"{server}{board.get_absolute_url()}")
    page.get_by_role("link", name="Gallery").click()
    card = page.get_by_test_id("project-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("A bus timetable on an e-ink screen")
    expect(card).to_contain_text("Noor Haddad")
    expect(card.get_by_test_id("feedback-wanted")).to_be_visible()
    expect(
        card.get_by_role("img", name="The screen by my front door")
    ).to_have_attribute("src", f"/media/{image.thumbnail.name}")


def test_ask_to_join_a_private_group_and_the_owner_approves(
    page: Page, server, django_user_model
):
    page.set_viewport_size(PHONE)
    owner = _member(django_user_model, "ines", "Inês Costa")
    applicant = _member(django_user_model, "tomas", "Tomás Ruiz")
    group = Group.objects.create(
        name="Career Changers", slug="career-changers", visibility="private"
    )
    GroupMembership.objects.create(group=group, member=owner, role="owner")
    board = Board.objects.create(name="Lounge", slug="lounge", group=group)
    Topic.objects.create(board=board, author=owner, title="Portfolio reviews")

    _log_in(page, server, applicant)
    page.goto(f"{server}/community/groups/")
    page.get_by_role("link", name="Career Changers").click()
    expect(page.get_by_test_id("private-notice")).to_be_visible()
    expect(page.get_by_text("Portfolio reviews")).to_have_count(0)
    assert page.goto(f"{server}{board.get_absolute_url()}").status == 404
    page.goto(f"{server}{group.get_absolute_url()}")
    request_form = page.get_by_test_id("join-request-form")
    request_form.get_by_label("Tell the owners why you would like to join").fill(
        "I'm a teacher moving into web development."
    )
    request_form.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_test_id("request-pending")).to_be_visible()

    _log_in(page, server, owner)
    page.goto(f"{server}{group.get_absolute_url()}")
    request = page.get_by_test_id("join-request")
    expect(request).to_contain_text("I'm a teacher moving into web development.")
    request.get_by_role("button", name="Approve Tomás Ruiz").click()
    expect(page.get_by_text("Tomás Ruiz is now a member.")).to_be_visible()
    expect(page.get_by_test_id("group-members")).to_contain_text("Tomás Ruiz")

    _log_in(page, server, applicant)
    page.goto(f"{server}{group.get_absolute_url()}")
    page.get_by_test_id("group-boards").get_by_role("link", name="Lounge").click()
    expect(page.get_by_role("link", name="Portfolio reviews")).to_be_visible()
    assert GroupMembership.objects.get(member=applicant).status == "active"
