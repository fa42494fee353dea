"""Reads of notifications and of how a member wants to receive them."""

import datetime as dt
import zoneinfo

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from .models import (
    DEFAULT_CHANNELS,
    Channel,
    DeliverySettings,
    Kind,
    Notification,
    NotificationPreference,
)

PER_PAGE = 20


def unread_count(member) -> int:
    """The bell's number: one COUNT on a partial index."""
    return Notification.objects.filter(recipient=member, read_at__isnull=True).count()


def notifications_page(*, member, page_number=1) -> Page:
    """A page of the member's notifications, newest first, with their actors
    (two queries whatever the page size)."""
    queryset = (
        Notification.objects.filter(recipient=member)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    return Paginator(queryset, PER_PAGE).get_page(page_number)


def notification_for(*, member, pk: int) -> Notification | None:
    return Notification.objects.filter(recipient=member, pk=pk).first()


def channels_for(*, member) -> dict[str, str]:
    """Every kind with the channel the member chose (or the default)."""
    chosen = dict(
        NotificationPreference.objects.filter(member=member).values_list(
            "kind", "channel"
        )
    )
    return {kind: chosen.get(kind, DEFAULT_CHANNELS[kind]) for kind in Kind.values}


def channels_for_members(*, member_ids, kind: str) -> dict[int, str]:
    """{member id: channel} for one kind, in one query."""
    chosen = dict(
        NotificationPreference.objects.filter(
            member_id__in=list(member_ids), kind=kind
        ).values_list("member_id", "channel")
    )
    default = DEFAULT_CHANNELS[kind]
    return {pk: chosen.get(pk, default) for pk in member_ids}


def delivery_for(member) -> DeliverySettings:
    """The member's settings, unsaved defaults when they never chose."""
    found = DeliverySettings.objects.filter(member=member).first()
    return found or DeliverySettings(member=member)


def member_zone(member_id: int) -> zoneinfo.ZoneInfo:
    from gamification.models import MemberGameProfile, default_time_zone

    name = (
        MemberGameProfile.objects.filter(member_id=member_id)
        .values_list("time_zone", flat=True)
        .first()
    ) or default_time_zone()
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def quiet_until(
    delivery: DeliverySettings, *, zone: zoneinfo.ZoneInfo, now: dt.datetime
) -> dt.datetime | None:
    """When the member's quiet hours end if `now` falls in them, else None.
    Quiet hours may span midnight (22:00–07:00)."""
    start, end = delivery.quiet_start, delivery.quiet_end
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(zone)
    t = local.time()
    if start < end:
        inside = start <= t < end
    else:
        inside = t >= start or t < end
    if not inside:
        return None
    day = local.date()
    if t >= end:  # before midnight in an overnight window: ends tomorrow
        day += dt.timedelta(days=1)
    ends = dt.datetime.combine(day, end, tzinfo=zone)
    return ends.astimezone(dt.UTC)


def emails_due(*, now: dt.datetime, limit: int = 200) -> QuerySet:
    return Notification.objects.filter(
        email_due_at__lte=now, emailed_at__isnull=True
    ).order_by("email_due_at", "pk")[:limit]


__all__ = ["Channel"]
