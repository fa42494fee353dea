import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activity.models import Activity
from gamification.models import PointsBalance, Redemption, Reward
from gamification.reward_services import (
    redemption_cancel,
    redemption_fulfil,
    reward_redeem,
)
from gamification.services import points_reconcile

from .conftest import record

pytestmark = pytest.mark.django_db


def make_reward(**kwargs) -> Reward:
    kwargs.setdefault("name", "Lyceum mug")
    kwargs.setdefault("cost", 30)
    return Reward.objects.create(**kwargs)


def give_points(member, lessons: int) -> None:
    for _ in range(lessons):
        record(member, "completed", "lesson")


def test_redeeming_spends_points_takes_stock_and_is_logged(member):
    give_points(member, 4)
    reward = make_reward(stock=3)
    redemption = reward_redeem(member=member, reward_id=reward.pk)
    reward.refresh_from_db()
    balance = PointsBalance.objects.get(member=member)
    assert (reward.stock, balance.total, balance.earned) == (2, 10, 40)
    assert redemption.status == "pending" and redemption.spend.amount == -30
    assert Activity.objects.filter(
        verb="redeemed", idempotency_key=f"redeemed:{redemption.pk}"
    ).exists()


def test_not_enough_points_takes_no_stock(member):
    give_points(member, 2)
    reward = make_reward(stock=1)
    with pytest.raises(ValidationError, match="You need 30 points"):
        reward_redeem(member=member, reward_id=reward.pk)
    reward.refresh_from_db()
    assert reward.stock == 1 and not Redemption.objects.exists()


def test_a_sold_out_or_withdrawn_reward_cannot_be_redeemed(member):
    give_points(member, 10)
    gone = make_reward(stock=0)
    with pytest.raises(ValidationError, match="sold out"):
        reward_redeem(member=member, reward_id=gone.pk)
    withdrawn = make_reward(active=False)
    with pytest.raises(ValidationError, match="no longer on offer"):
        reward_redeem(member=member, reward_id=withdrawn.pk)
    assert PointsBalance.objects.get(member=member).total == 100


def test_cancelling_refunds_once_and_restocks(member):
    give_points(member, 3)
    reward = make_reward(stock=1)
    redemption = reward_redeem(member=member, reward_id=reward.pk)
    redemption_cancel(redemption_id=redemption.pk)
    redemption_cancel(redemption_id=redemption.pk)
    reward.refresh_from_db()
    balance = PointsBalance.objects.get(member=member)
    assert (reward.stock, balance.total, balance.earned) == (1, 30, 30)
    assert Redemption.objects.get().status == "cancelled"
    assert points_reconcile() == []


def test_a_fulfilled_redemption_cannot_be_cancelled(member):
    give_points(member, 3)
    redemption = reward_redeem(member=member, reward_id=make_reward().pk)
    redemption_fulfil(redemption_id=redemption.pk)
    redemption_cancel(redemption_id=redemption.pk)
    assert Redemption.objects.get().status == "fulfilled"
    assert PointsBalance.objects.get(member=member).total == 0


def test_rewards_page_redeems_and_explains_failures(client, member):
    give_points(member, 3)
    reward = make_reward(stock=5)
    client.force_login(member)
    html = client.get(reverse("gamification:rewards")).content.decode()
    assert "You have 30 points to spend." in html and "5 left" in html
    response = client.post(
        reverse("gamification:redeem", args=[reward.pk]), follow=True
    )
    assert "You redeemed Lyceum mug" in response.content.decode()
    response = client.post(
        reverse("gamification:redeem", args=[reward.pk]), follow=True
    )
    assert "You need 30 points for this and have 0" in response.content.decode()
    assert Redemption.objects.count() == 1
