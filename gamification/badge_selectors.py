"""Reads for the badge pages: the catalogue, one badge, a member's badges.
A constant number of queries however many badges and awards there are."""

from dataclasses import dataclass

from django.db.models import Count, Q

from .badge_models import BadgeAward, BadgeClass


@dataclass
class CatalogueEntry:
    badge: BadgeClass
    earners: int  # members holding it (revoked awards left out)
    mine: int  # how many times the member holds it
    narrative_html: str = ""


def _badges():
    return (
        BadgeClass.objects.filter(active=True)
        .select_related("course", "skill", "challenge")
        .annotate(
            earners=Count(
                "awards__member",
                filter=Q(awards__revoked_at__isnull=True),
                distinct=True,
            )
        )
    )


def _mine(member, badge_ids: list[int]) -> dict[int, int]:
    if member is None or not badge_ids:
        return {}
    return dict(
        BadgeAward.objects.filter(
            member_id=member.pk, badge_id__in=badge_ids, revoked_at__isnull=True
        )
        .values("badge_id")
        .annotate(n=Count("pk"))
        .values_list("badge_id", "n")
    )


def badge_catalogue(*, member=None) -> list[CatalogueEntry]:
    """Every active badge, how many hold it, and whether the member does."""
    badges = list(_badges().order_by("name"))
    mine = _mine(member, [b.pk for b in badges])
    return [
        CatalogueEntry(badge=b, earners=b.earners, mine=mine.get(b.pk, 0))
        for b in badges
    ]


def badge_entry(*, slug: str, member=None) -> CatalogueEntry | None:
    badge = _badges().filter(slug=slug).first()
    if badge is None:
        return None
    mine = _mine(member, [badge.pk])
    return CatalogueEntry(
        badge=badge, earners=badge.earners, mine=mine.get(badge.pk, 0)
    )


def member_badges(*, member, limit: int = 60) -> list[BadgeAward]:
    """The member's badges (not revoked), newest first."""
    return list(
        BadgeAward.objects.filter(member_id=member.pk, revoked_at__isnull=True)
        .select_related("badge")
        .order_by("-issued_on", "-id")[:limit]
    )
