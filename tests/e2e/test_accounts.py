import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from members.models import User

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-passphrase-42"


def test_visitor_signs_up_confirms_logs_in_and_out(page: Page, server):
    page.goto(f"{server}/accounts/signup/")
    form = page.get_by_test_id("signup-form")
    form.get_by_label("Email").fill("jonas.weber@example.org")
    form.get_by_label("Username").fill("jonas")
    form.get_by_label("Display name").fill("Jonas Weber")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Password (again)").fill(PASSWORD)
    form.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    # A different browser session (the e-mail may be read elsewhere), so the
    # confirmation does not log in by itself: the member logs in afterwards.
    page.context.clear_cookies()
    page.goto(link.group(0))
    page.get_by_test_id("confirm-email-form").get_by_role(
        "button", name="Confirm"
    ).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert User.objects.get(username="jonas").emailaddress_set.get().verified

    login = page.get_by_test_id("login-form")
    login.get_by_label("Email").fill("jonas.weber@example.org")
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("member-name")).to_have_text("Jonas Weber")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_test_id("member-name")).to_have_count(0)
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_sign_up_errors_show_next_to_their_fields(page: Page, server):
    page.goto(f"{server}/accounts/signup/")
    form = page.get_by_test_id("signup-form")
    form.get_by_label("Email").fill("mei@example.org")
    form.get_by_label("Username").fill("mei")
    form.get_by_label("Password", exact=True).fill("password")
    form.get_by_label("Password (again)").fill("password")
    form.get_by_role("button", name="Create my account").click()

    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_password1_error")).to_contain_text("too common")
    expect(page.get_by_label("Email")).to_have_value("mei@example.org")


def test_sign_up_page_fits_a_phone(page: Page, server):
    page.set_viewport_size(PHONE)
    page.goto(f"{server}/accounts/signup/")
    expect(page.get_by_test_id("signup-form")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
