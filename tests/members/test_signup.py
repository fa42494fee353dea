import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from activity.models import Activity
from members.models import PresenceDay, User

from .helpers import PASSWORD, member_build

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("account_signup")


def signup_data(**overrides) -> dict:
    data = {
        "email": "mei.chen@example.org",
        "username": "mei",
        "display_name": "Mei Chen",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def confirmation_path(message) -> str:
    match = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def test_sign_up_page_renders_in_the_site_layout(client):
    response = client.get(SIGNUP_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "container--narrow" in html
    assert 'class="site-header"' in html or "<header" in html
    for name in ("email", "username", "display_name", "password1", "password2"):
        assert f'name="{name}"' in html
    # Fields appear in the order people expect.
    positions = [
        html.index(f'name="{n}"')
        for n in ("email", "username", "display_name", "password1")
    ]
    assert positions == sorted(positions)


def test_sign_up_creates_an_unverified_member_and_sends_the_confirmation(client):
    response = client.post(SIGNUP_URL, signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="mei.chen@example.org")
    assert user.username == "mei"
    assert user.display_name == "Mei Chen"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mei.chen@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    # Mandatory verification: not logged in yet.
    assert "_auth_user_id" not in client.session


def test_following_the_confirmation_link_verifies_and_logs_in(client):
    client.post(SIGNUP_URL, signup_data())
    path = confirmation_path(mail.outbox[0])

    page = client.get(path)
    assert page.status_code == 200
    assert "mei.chen@example.org" in page.content.decode()

    response = client.post(path)
    assert response.status_code == 302
    user = User.objects.get(email="mei.chen@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get("/accounts/email/")
    assert 'data-testid="member-name">Mei Chen<' in home.content.decode()


def test_unconfirmed_member_cannot_log_in_and_is_told_to_check_mail(client):
    client.post(SIGNUP_URL, signup_data())
    mail.outbox.clear()

    response = client.post(
        reverse("account_login"),
        {"login": "mei.chen@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # the link is sent again


def test_sign_up_and_login_are_recorded_in_the_activity_log(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP_URL, signup_data())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_path(mail.outbox[0]))

    user = User.objects.get(email="mei.chen@example.org")
    verbs = list(
        Activity.objects.filter(actor=user)
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["registered", "logged-in"]
    login = Activity.objects.get(actor=user, verb="logged-in")
    assert login.context == {"via": "site"}
    # The members.presence consumer ran (Celery is eager in tests).
    presence = PresenceDay.objects.get(user=user)
    assert presence.actions == 2


def test_duplicate_email_is_refused_with_a_clear_message(client):
    member_build(username="someone", email="mei.chen@example.org")

    response = client.post(SIGNUP_URL, signup_data(email="Mei.Chen@example.org"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "A user is already registered with this email address." in html
    assert 'id="id_email_error"' in html  # next to the e-mail field
    assert User.objects.filter(email__iexact="mei.chen@example.org").count() == 1
    assert mail.outbox == []


def test_duplicate_username_is_refused(client):
    member_build(username="mei", email="other@example.org")
    response = client.post(SIGNUP_URL, signup_data())
    assert response.status_code == 200
    assert 'id="id_username_error"' in response.content.decode()
    assert "username" in response.content.decode().lower()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short."),
        ("password123", "This password is too common."),
        ("83920571946", "This password is entirely numeric."),
        ("mei.chen.example", "The password is too similar to the"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(client, password, message):
    response = client.post(
        SIGNUP_URL, signup_data(password1=password, password2=password)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_password1_error"' in html
    assert not User.objects.exists()
    # What the visitor typed elsewhere is kept.
    assert 'value="mei.chen@example.org"' in html
    assert 'value="Mei Chen"' in html


def test_mismatched_passwords_are_refused(client):
    response = client.post(SIGNUP_URL, signup_data(password2=PASSWORD + "x"))
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.exists()


def test_invalid_email_and_missing_fields_do_not_crash(client):
    response = client.post(SIGNUP_URL, {"email": "not-an-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "This field is required." in html
