import re

import pytest
from django.core import mail
from django.urls import reverse

from .helpers import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-77"


def reset_path(message) -> str:
    match = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def test_password_reset_sends_a_link_that_sets_a_new_password(client, member):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert mail.outbox[0].subject.startswith("[Lyceum] ")

    form_page = client.get(reset_path(mail.outbox[0]), follow=True)
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()
    set_password_path = form_page.redirect_chain[-1][0]

    done = client.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert client.login(username=member.username, password=NEW_PASSWORD)


def test_reset_link_cannot_be_used_twice(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    path = reset_path(mail.outbox[0])
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    again = client.get(path, follow=True)
    assert "This link does not work" in again.content.decode()


def test_reset_rejects_a_weak_new_password(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    page = client.get(reset_path(mail.outbox[0]), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_reset_for_an_unknown_address_says_so(client, db):
    response = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}
    )
    assert response.status_code == 200
    assert "not assigned to any user account" in response.content.decode()
    assert mail.outbox == []


def test_member_changes_their_password(member_client, member):
    url = reverse("account_change_password")
    wrong = member_client.post(
        url,
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "Please type your current password." in wrong.content.decode()

    response = member_client.post(
        url,
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # Still logged in after the change.
    assert member_client.get(url).status_code == 200
