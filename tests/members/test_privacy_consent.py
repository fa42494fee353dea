"""Consent records: sign-up accepts the current policy; a new version asks
signed-in members again before they go on."""

import pytest
from django.urls import reverse

from members.models import ConsentRecord, PrivacyPolicy, User
from members.privacy_services import consent_accept

from .helpers import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(db):
    return PrivacyPolicy.objects.create(version=1, summary="What we do with data.")


def _signup(client, **extra):
    data = {
        "email": "new@example.org",
        "username": "newbie",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_signup_requires_accepting_the_policy(client, policy):
    response = _signup(client)
    assert response.status_code == 200
    assert "Please accept the privacy policy." in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_signup_records_consent(client, policy):
    response = _signup(client, accept_privacy="on")
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert list(
        ConsentRecord.objects.filter(member=user).values_list(
            "policy__version", flat=True
        )
    ) == [1]


def test_signup_without_a_policy_has_no_checkbox(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    assert "accept_privacy" not in page


def test_new_version_asks_again_on_login(client, member, policy):
    consent_accept(member=member, policy=policy)
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert client.get("/members/me/").status_code == 200

    PrivacyPolicy.objects.create(version=2, summary="We now also keep X.")
    client.logout()
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    response = client.get("/members/me/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:privacy_consent"))
    # Exempt: logout, the consent and privacy pages themselves.
    assert client.get(reverse("members:privacy")).status_code == 200
    page = client.get(response["Location"])
    assert "We now also keep X." in page.content.decode()

    refused = client.post(reverse("members:privacy_consent"), {"next": "/members/me/"})
    assert refused.status_code == 400
    assert ConsentRecord.objects.filter(member=member).count() == 1

    accepted = client.post(
        reverse("members:privacy_consent"),
        {"accept": "on", "next": "/members/me/"},
    )
    assert accepted.status_code == 302 and accepted["Location"] == "/members/me/"
    assert ConsentRecord.objects.filter(member=member).count() == 2
    assert client.get("/members/me/").status_code == 200


def test_consent_next_must_be_local(member_client, member, policy):
    response = member_client.post(
        reverse("members:privacy_consent"),
        {"accept": "on", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_middleware_costs_no_query_without_a_policy(
    member_client, django_assert_num_queries
):
    from django.core.cache import cache

    from members.privacy_middleware import ReconsentMiddleware

    cache.clear()
    middleware = ReconsentMiddleware(lambda request: "ok")

    class Request:
        path_info = "/members/me/"
        method = "GET"
        session = {}

        class user:
            is_authenticated = True

    with django_assert_num_queries(0):
        assert middleware(Request()) == "ok"


def test_demo_policy_is_accepted_by_every_member(member):
    from members.privacy_demo import seed_privacy

    first = seed_privacy()
    again = seed_privacy()
    assert first["policy"].version == again["policy"].version == 1
    assert again["consents"] == User.objects.count() == 1
