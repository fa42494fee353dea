"""The rewards catalogue: redeeming atomically (never a negative balance, never
oversold) and operators fulfilling or cancelling with a refund."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record

from .models import Redemption, Reward
from .services import points_refund, points_spend


@transaction.atomic
def reward_redeem(*, member, reward_id: int) -> Redemption:
    """Buy one unit of a reward. Stock is taken by a conditional UPDATE (no
    oversell however many buy at once) and points by a locked spend (no
    negative balance); either failure rolls both back."""
    reward = Reward.objects.filter(pk=reward_id, active=True).first()
    if reward is None:
        raise ValidationError(
            _("This reward is no longer on offer. Choose another from the catalogue."),
            code="not_on_offer",
        )
    if reward.stock is not None:
        taken = Reward.objects.filter(pk=reward.pk, stock__gt=0).update(
            stock=F("stock") - 1
        )
        if not taken:
            raise ValidationError(
                _("“%(name)s” is sold out. Choose another reward or check back later."),
                code="sold_out",
                params={"name": reward.name},
            )
    spend = points_spend(
        member=member, amount=reward.cost, reason=f"Reward: {reward.name}"
    )
    redemption = Redemption.objects.create(
        member=member, reward=reward, cost=reward.cost, spend=spend
    )
    activity_record(
        actor=member,
        verb="redeemed",
        object_type="reward",
        object_id=reward.pk,
        idempotency_key=f"redeemed:{redemption.pk}",
        result={"score": {"raw": reward.cost}},
    )
    return redemption


@transaction.atomic
def redemption_fulfil(*, redemption_id: int) -> Redemption:
    redemption = Redemption.objects.select_for_update().get(pk=redemption_id)
    if redemption.status == Redemption.Status.PENDING:
        redemption.status = Redemption.Status.FULFILLED
        redemption.decided_at = timezone.now()
        redemption.save(update_fields=["status", "decided_at"])
    return redemption


@transaction.atomic
def redemption_cancel(*, redemption_id: int) -> Redemption:
    """Cancel a pending redemption: refund the points and put the unit back in
    stock. Cancelling twice refunds once."""
    redemption = Redemption.objects.select_for_update().get(pk=redemption_id)
    if redemption.status != Redemption.Status.PENDING:
        return redemption
    redemption.refund = points_refund(
        member_id=redemption.member_id,
        amount=redemption.cost,
        reason=f"Refund: {redemption.reward.name}"[:200],
    )
    Reward.objects.filter(pk=redemption.reward_id, stock__isnull=False).update(
        stock=F("stock") + 1
    )
    redemption.status = Redemption.Status.CANCELLED
    redemption.decided_at = timezone.now()
    redemption.save(update_fields=["status", "refund", "decided_at"])
    return redemption
