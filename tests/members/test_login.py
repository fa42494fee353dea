import pytest
from django.urls import reverse

from .helpers import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
LOGOUT_URL = reverse("account_logout")


def test_member_logs_in_with_their_email(client, member):
    response = client.post(
        LOGIN_URL, {"login": "LINH@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    page = client.get(reverse("members:profile_edit"))
    assert 'data-testid="member-name">Linh Nguyen<' in page.content.decode()


def test_wrong_password_gives_a_message_and_keeps_the_email(client, member):
    response = client.post(LOGIN_URL, {"login": member.email, "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The email address and/or password you specified are not correct." in html
    assert 'class="form__errors"' in html
    assert f'value="{member.email}"' in html
    assert "_auth_user_id" not in client.session


def test_login_page_links_to_password_reset_and_sign_up(client):
    html = client.get(LOGIN_URL).content.decode()
    assert reverse("account_reset_password") in html
    assert reverse("account_signup") in html


def test_logout_is_a_post(member_client):
    page = member_client.get(LOGOUT_URL)
    assert page.status_code == 200  # a confirmation page, still logged in
    assert "_auth_user_id" in member_client.session

    response = member_client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert "_auth_user_id" not in member_client.session


def test_logout_button_in_the_header_posts_to_logout(member_client):
    html = member_client.get(reverse("account_email")).content.decode()
    assert f'method="post" action="{LOGOUT_URL}"' in html
