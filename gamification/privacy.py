"""Gamification's part of the privacy registry (members.privacy): the points
ledger and balance, badges, learning days, redemptions. On erasure the ledger
and balances stay (sums and points_reconcile hold) on the anonymised member
row, the member leaves every leaderboard, and their hosted badge assertions
are revoked."""

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.privacy import register_eraser, register_exporter, rows

from .models import (
    BadgeAward,
    LearningDay,
    MemberGameProfile,
    PointsBalance,
    PointsEntry,
    Redemption,
)
from .services import game_profile_get, game_profile_update

ERASED_REASON = "The recipient deleted their account."


def gamification_export(member) -> dict:
    balance = rows(
        PointsBalance.objects.filter(member=member), ["total", "earned", "listed"]
    )
    ledger = PointsEntry.objects.filter(member=member)
    return {
        "points_balance": balance[0] if balance else None,
        "points_ledger_total": ledger.aggregate(total=Sum("amount"))["total"] or 0,
        "points_ledger": rows(
            ledger.order_by("created_at", "id"),
            ["amount", "kind", "reason", "object_key", "created_at"],
        ),
        "badges": rows(
            BadgeAward.objects.filter(member=member).order_by("issued_on"),
            ["badge__name", "issued_on", "evidence", "revoked_at"],
        ),
        "learning_days": list(
            LearningDay.objects.filter(member=member)
            .order_by("day")
            .values_list("day", flat=True)
        ),
        "redemptions": rows(
            Redemption.objects.filter(member=member).order_by("created_at"),
            ["reward__name", "status", "created_at", "decided_at"],
        ),
        "game_profile": rows(
            MemberGameProfile.objects.filter(member=member),
            ["time_zone", "leaderboard_listed"],
        ),
    }


def gamification_erase(member) -> None:
    profile = game_profile_get(member_id=member.pk)
    if profile.leaderboard_listed:
        game_profile_update(
            member=member, time_zone=profile.time_zone, leaderboard_listed=False
        )
    BadgeAward.objects.filter(member=member, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revocation_reason=ERASED_REASON
    )


register_exporter(
    "gamification",
    gamification_export,
    label=_("Points, badges, streak days and rewards"),
    purpose=_("To reward learning and helping others, and to rank leaderboards."),
    retention=_(
        "Points totals are kept without your name after you delete your account "
        "(you leave every leaderboard); your badges are revoked."
    ),
)
register_eraser("gamification", gamification_erase)
