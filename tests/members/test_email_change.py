import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from .helpers import member_build

pytestmark = pytest.mark.django_db

EMAIL_URL = reverse("account_email")


def test_email_page_shows_the_current_address(member_client, member):
    html = member_client.get(EMAIL_URL).content.decode()
    assert f'data-testid="current-email">{member.email}<' in html
    assert "New email address" in html


def test_changing_email_takes_effect_once_the_new_address_is_confirmed(
    member_client, member
):
    response = member_client.post(
        EMAIL_URL, {"email": "linh.new@example.org", "action_add": ""}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["linh.new@example.org"]
    pending = member_client.get(EMAIL_URL).content.decode()
    assert 'data-testid="pending-email"' in pending
    member.refresh_from_db()
    assert member.email == "linh@example.org"  # not yet

    path = re.search(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body)[1]
    member_client.post(path)

    member.refresh_from_db()
    assert member.email == "linh.new@example.org"
    addresses = EmailAddress.objects.filter(user=member)
    assert [(a.email, a.verified, a.primary) for a in addresses] == [
        ("linh.new@example.org", True, True)
    ]


def test_cannot_change_to_an_address_another_member_uses(member_client):
    member_build(username="jonas", email="jonas@example.org")
    response = member_client.post(
        EMAIL_URL, {"email": "jonas@example.org", "action_add": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A user is already registered with this email address." in html
    assert 'id="id_email_error"' in html
    assert mail.outbox == []


def test_email_pages_need_a_login(client):
    response = client.get(EMAIL_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
