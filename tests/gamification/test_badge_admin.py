"""Operators in the Wagtail admin: fulfil or cancel (refund once) reward
redemptions, revoke badge awards, and badges/challenges as snippets."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from gamification.badge_models import BadgeAward, BadgeClass
from gamification.models import PointsBalance, PointsEntry, Redemption, Reward
from gamification.reward_services import reward_redeem
from gamification.services import points_reconcile

from .badge_builders import make_badge, make_challenge
from .conftest import make_member, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    admin = make_member(username="operator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


@pytest.fixture
def redemption(member):
    for _ in range(3):
        record(member, "completed", "lesson")
    reward = Reward.objects.create(name="Lyceum mug", cost=30, stock=2)
    return reward_redeem(member=member, reward_id=reward.pk)


def decide(client, redemption, decision):
    url = reverse(
        "gamification_admin:redemption_decide", args=[redemption.pk, decision]
    )
    return client.post(url, follow=True)


def test_operators_see_pending_redemptions(client, operator, redemption):
    html = client.get(reverse("gamification_admin:redemptions")).content.decode()
    assert html.count('data-testid="admin-redemption"') == 1
    assert "Lyceum mug" in html and "Cancel and refund" in html


def test_cancelling_refunds_once_however_often_it_is_pressed(
    client, operator, redemption, member
):
    first = decide(client, redemption, "cancel")
    assert "30 points refunded" in first.content.decode()
    second = decide(client, redemption, "cancel")
    assert "already decided" in second.content.decode()
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.CANCELLED
    assert PointsEntry.objects.filter(member=member, kind="refund").count() == 1
    assert PointsBalance.objects.get(member=member).total == 30
    assert Reward.objects.get().stock == 2
    assert points_reconcile() == []


def test_a_fulfilled_redemption_is_not_refunded(client, operator, redemption, member):
    decide(client, redemption, "fulfil")
    decide(client, redemption, "cancel")
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.FULFILLED
    assert not PointsEntry.objects.filter(member=member, kind="refund").exists()


def test_members_without_the_permission_cannot_decide(client, redemption):
    editor = make_member(username="editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    # Wagtail's refusal: back to the dashboard with "no permission".
    listing = client.get(reverse("gamification_admin:redemptions"))
    assert (listing.status_code, listing.url) == (302, "/admin/")
    url = reverse(
        "gamification_admin:redemption_decide", args=[redemption.pk, "cancel"]
    )
    refused = client.post(url)
    assert (refused.status_code, refused.url) == (302, "/admin/")
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.PENDING
    editor.user_permissions.add(Permission.objects.get(codename="change_redemption"))
    editor = type(editor).objects.get(pk=editor.pk)  # drop the permission cache
    client.force_login(editor)
    assert client.get(reverse("gamification_admin:redemptions")).status_code == 200


def test_revoking_from_the_admin_needs_a_reason(client, operator, member):
    make_badge(count=1)
    record(member, "completed", "lesson")
    award = BadgeAward.objects.get()
    url = reverse("gamification_admin:award_revoke", args=[award.pk])
    refused = client.post(url, {"reason": ""}, follow=True)
    assert "Give a reason" in refused.content.decode()
    award.refresh_from_db()
    assert not award.revoked
    client.post(url, {"reason": "Copied answers", "next": "https://evil.example/"})
    award.refresh_from_db()
    assert award.revoked and award.revocation_reason == "Copied answers"
    listing = client.get(reverse("gamification_admin:awards") + "?q=ada")
    assert "Revoked: Copied answers" in listing.content.decode()


def test_badges_and_challenges_are_snippets(client, operator):
    badges = client.get(reverse("wagtailsnippets_gamification_badgeclass:list"))
    assert badges.status_code == 200
    add = client.get(reverse("wagtailsnippets_gamification_badgeclass:add"))
    assert add.status_code == 200 and "how to earn it" in add.content.decode().lower()
    created = client.post(
        reverse("wagtailsnippets_gamification_badgeclass:add"),
        {
            "name": "Night Owl",
            "slug": "night-owl",
            "description": "Learns late.",
            "kind": "count",
            "verb": "completed",
            "object_type": "post",
            "count": "1",
            "distinct_objects": "on",
            "active": "on",
        },
    )
    assert created.status_code == 200  # the form again, with the error
    assert "takes only these object types" in created.content.decode()
    assert not BadgeClass.objects.filter(slug="night-owl").exists()
    challenges = client.get(reverse("wagtailsnippets_gamification_challenge:list"))
    assert challenges.status_code == 200


def test_an_awarded_badge_cannot_be_deleted(client, operator, member):
    badge = make_badge(count=1, name="Kept")
    record(member, "completed", "lesson")
    url = reverse("wagtailsnippets_gamification_badgeclass:delete", args=[badge.pk])
    response = client.post(url, follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert BadgeClass.objects.filter(pk=badge.pk).exists()
    unused = make_badge(name="Unused")
    client.post(
        reverse("wagtailsnippets_gamification_badgeclass:delete", args=[unused.pk])
    )
    assert not BadgeClass.objects.filter(pk=unused.pk).exists()


def test_a_completed_challenge_cannot_be_deleted(client, operator, member):
    challenge = make_challenge(title="Done", goal=1)
    record(member, "completed", "lesson")
    url = reverse("wagtailsnippets_gamification_challenge:delete", args=[challenge.pk])
    assert "cannot be deleted" in client.post(url, follow=True).content.decode()
    assert type(challenge).objects.filter(pk=challenge.pk).exists()
