"""The privacy centre in the browser: a member with a forum post asks for an
export of their data, downloads the archive and finds their post in it."""

import json
import zipfile

import pytest
from playwright.sync_api import Page, expect

from forum.models import Board
from forum.services import topic_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.LYCEUM_PRIVATE_ROOT = tmp_path / "private"


def test_export_my_data_and_find_my_post(
    page: Page, server, django_user_model, tmp_path
):
    from allauth.account.models import EmailAddress

    member = django_user_model.objects.create_user(
        username="linh",
        email="linh@example.org",
        password=PASSWORD,
        display_name="Linh Nguyen",
    )
    EmailAddress.objects.create(
        user=member, email=member.email, verified=True, primary=True
    )
    board = Board.objects.create(name="General", slug="general", position=1)
    topic_create(
        author=member,
        board=board,
        title="How do I read a CSV?",
        body="My own post: pandas.read_csv keeps failing on dates.",
    )

    page.goto(f"{server}/accounts/login/")
    login = page.get_by_test_id("login-form")
    login.get_by_label("Email").fill(member.email)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("member-name").first).to_have_text("Linh Nguyen")

    page.goto(f"{server}/members/me/")
    page.get_by_role("link", name="Privacy").first.click()
    expect(page.get_by_role("heading", name="Privacy centre")).to_be_visible()
    page.get_by_role("button", name="Request an export").click()

    download_link = page.get_by_test_id("export-download")
    expect(download_link).to_be_visible()
    with page.expect_download() as info:
        download_link.click()
    target = tmp_path / "export.zip"
    info.value.save_as(target)

    with zipfile.ZipFile(target) as archive:
        data = json.loads(archive.read("data.json"))
    bodies = [post["body_markdown"] for post in data["forum"]["posts"]]
    assert "My own post: pandas.read_csv keeps failing on dates." in bodies
    assert data["profile"]["email"] == "linh@example.org"
    assert "inferred" in data
