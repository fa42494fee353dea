"""Delete my account: password-confirmed request, grace period, cancel, the
beat task's erasure (idempotent, posts kept as "Deleted member", points
consistent), and resetting inferred data."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from conversations.models import Message
from conversations.services import start_conversation
from courses.models import Skill, Topic
from forum.models import Post
from forum.services import post_reply
from gamification.models import PointsBalance, PointsEntry
from gamification.services import points_award_for_activity
from members.models import AccountDeletion, User
from members.privacy_services import (
    DELETED_MEMBER_NAME,
    account_erase,
    deletion_request,
)
from members.privacy_tasks import erase_due_accounts
from paths.models import ChurnScore, SkillMastery

from .helpers import PASSWORD, member_build
from .privacy_helpers import forum_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(db):
    return member_build(username="bao", display_name="Bao Tran")


def test_wrong_password_schedules_nothing(member_client, member):
    response = member_client.post(
        reverse("members:privacy_delete"), {"password": "not it"}
    )
    assert response.status_code == 400
    assert "That password is not correct." in response.content.decode()
    assert not AccountDeletion.objects.exists()


def test_request_schedules_after_grace_period_and_logs_out(
    member_client, member, settings
):
    settings.LYCEUM_DELETION_GRACE_DAYS = 14
    response = member_client.post(
        reverse("members:privacy_delete"), {"password": PASSWORD}
    )
    assert response.status_code == 302
    deletion = AccountDeletion.objects.get(member=member)
    assert deletion.scheduled_for - deletion.requested_at == timedelta(days=14)
    # Logged out; nothing erased before the grace period ends.
    assert member_client.get(reverse("members:privacy")).status_code == 302
    assert erase_due_accounts() == 0
    member.refresh_from_db()
    assert member.is_active and member.email == "linh@example.org"


def test_cancel_after_logging_back_in(client, member):
    deletion_request(member=member, password=PASSWORD)
    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        follow=True,
    )
    assert "scheduled for deletion" in response.content.decode()
    page = client.get(reverse("members:privacy")).content.decode()
    assert 'data-testid="deletion-scheduled"' in page
    client.post(reverse("members:privacy_delete_cancel"))
    assert AccountDeletion.objects.get(member=member).cancelled_at is not None
    AccountDeletion.objects.update(scheduled_for=timezone.now() - timedelta(days=1))
    assert erase_due_accounts() == 0
    member.refresh_from_db()
    assert member.is_active


def _due(member):
    deletion_request(member=member, password=PASSWORD)
    AccountDeletion.objects.filter(member=member).update(
        scheduled_for=timezone.now() - timedelta(minutes=1)
    )


def test_erasure_anonymises_keeps_posts_and_points(client, member, other):
    topic = forum_post(member, body="Words of the member.")
    post_reply(author=member, topic=forum_post(other), body="A helpful reply.")
    # Points for the reply, through gamification's own awarding (the default
    # rules), without dispatching to every consumer.
    for activity in Activity.objects.filter(actor=member):
        points_award_for_activity(activity=activity)
    start_conversation(
        sender=other, recipients=[member], subject="Hi", body="Bao writes."
    )
    start_conversation(
        sender=member, recipients=[other], subject="Re", body="Linh writes."
    )
    balance_before = PointsBalance.objects.filter(member=member).first()
    ledger_before = PointsEntry.objects.filter(member=member).count()
    assert ledger_before > 0  # the post earned points (default rules)
    _due(member)

    assert erase_due_accounts() == 1

    member = User.objects.get(pk=member.pk)
    assert not member.is_active
    assert member.display_name == DELETED_MEMBER_NAME
    assert "linh" not in member.email and "linh" not in member.username
    assert not member.has_usable_password()
    assert not member.emailaddress_set.exists()
    post = Post.objects.get(topic=topic, number=1)
    assert post.author_id == member.pk and post.body_markdown == "Words of the member."
    assert set(Message.objects.values_list("body_markdown", flat=True)) == {
        "Bao writes.",
        "",
    }
    assert PointsEntry.objects.filter(member=member).count() == ledger_before
    balance = PointsBalance.objects.get(member=member)
    assert balance.total == balance_before.total > 0
    assert balance.listed is False
    call_command("points_reconcile")  # raises CommandError on any mismatch

    # The topic page names the deleted member, not the person.
    response = client.get(reverse("forum:topic", args=[topic.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Linh Nguyen" not in html and DELETED_MEMBER_NAME in html

    # Idempotent: a second run erases nothing and changes nothing.
    snapshot = (member.username, member.email, member.display_name)
    assert erase_due_accounts() == 0
    account_erase(member=member)
    member.refresh_from_db()
    assert (member.username, member.email, member.display_name) == snapshot
    call_command("points_reconcile")
    assert not client.login(username="linh", password=PASSWORD)


def test_remove_setting_empties_posts(member, other, settings):
    settings.LYCEUM_DELETED_MEMBER_POSTS = "remove"
    topic = forum_post(other, body="Bao's question.")
    post_reply(author=member, topic=topic, body="Linh's reply.")
    topic.refresh_from_db()
    replies = topic.reply_count
    _due(member)
    erase_due_accounts()
    post = Post.objects.get(topic=topic, author=member)
    assert post.is_deleted and post.body_markdown == "" and post.body_html == ""
    topic.refresh_from_db()
    assert topic.reply_count == replies - 1
    assert Post.objects.get(topic=topic, number=1).body_markdown == "Bao's question."
    account_erase(member=member)
    topic.refresh_from_db()
    assert topic.reply_count == replies - 1


def test_reset_inferred_data_keeps_the_account(member_client, member):
    topic = Topic.objects.create(name="Data", slug="data")
    skill = Skill.objects.create(topic=topic, name="Pandas", slug="pandas")
    SkillMastery.objects.create(
        member=member, skill=skill, probability=0.9, attempts=5, correct=5
    )
    ChurnScore.objects.create(
        member=member, day=timezone.localdate(), risk=0.5, source="oulad"
    )
    response = member_client.post(reverse("members:privacy_reset"))
    assert response.status_code == 302
    assert not SkillMastery.objects.filter(member=member, attempts__gt=0).exists()
    assert not ChurnScore.objects.filter(member=member).exists()
    member.refresh_from_db()
    assert member.is_active


def test_privacy_pages_need_login(client):
    for name in ("privacy", "privacy_delete", "privacy_consent"):
        response = client.get(reverse(f"members:{name}"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert client.post(reverse("members:privacy_reset")).status_code == 302
    assert client.post(reverse("members:privacy_delete_cancel")).status_code == 302
