"""Scheduled deliveries (Celery beat): event reminders, digests and nudges.
Each is safe to run again: reminders and nudges are unique by source key,
a digest by (member, period)."""

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from . import services
from .models import (
    DeliverySettings,
    DigestFrequency,
    DigestSent,
    Kind,
    Notification,
    NotificationSettings,
)
from .services import Candidate, notify

logger = logging.getLogger(__name__)

REMINDER_LEAD = dt.timedelta(hours=24)
# Streak nudges go out from this hour of the member's own day.
STREAK_NUDGE_HOUR = 18


# Event reminders ---------------------------------------------------------------


def event_reminders_create(*, now=None) -> int:
    """A reminder for each seat in a live event starting within a day, once
    per registration (a fixed number of queries, plus one per event for its
    address)."""
    from courses.models import EventRegistration

    now = now or timezone.now()
    due = list(
        EventRegistration.objects.filter(
            status=EventRegistration.Status.REGISTERED,
            event__live=True,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_LEAD,
        )
        .select_related("event")
        .order_by("pk")[:1000]
    )
    keys = {f"registration:{r.pk}" for r in due}
    done = set(
        Notification.objects.filter(
            kind=Kind.EVENT_REMINDER, source_key__in=keys
        ).values_list("source_key", flat=True)
    )
    urls = {r.event_id: r.event.get_url() or "" for r in due}
    candidates = [
        Candidate(
            r.user_id,
            Kind.EVENT_REMINDER,
            urls[r.event_id],
            params={"event": r.event.title, "starts_at": r.event.starts_at.isoformat()},
            source_key=f"registration:{r.pk}",
        )
        for r in due
        if f"registration:{r.pk}" not in done
    ]
    with transaction.atomic():
        return notify(candidates=candidates, now=now)


# Digests -----------------------------------------------------------------------


def period_key(frequency: str, now: dt.datetime) -> str:
    day = timezone.localdate(now)
    if frequency == DigestFrequency.DAILY:
        return f"d{day.isoformat()}"
    year, week, _weekday = day.isocalendar()
    return f"w{year}-{week:02d}"


def period_length(frequency: str) -> dt.timedelta:
    return dt.timedelta(days=1 if frequency == DigestFrequency.DAILY else 7)


def digest_content(*, member, since: dt.datetime, now: dt.datetime, limit: int) -> dict:
    """What the digest tells the member, in two queries: active topics in the
    boards and topics they follow (only what they may read), and upcoming
    events of the courses they are enrolled in."""
    from courses.models import Enrollment, EventPage
    from forum.models import Subscription
    from forum.selectors import topics_visible_to

    followed = Subscription.objects.filter(member_id=member.pk, is_active=True)
    topics = list(
        topics_visible_to(member)
        .filter(
            Q(pk__in=followed.filter(topic__isnull=False).values("topic_id"))
            | Q(board_id__in=followed.filter(board__isnull=False).values("board_id")),
            last_activity_at__gte=since,
        )
        .select_related("board")
        .order_by("-last_activity_at", "-pk")[:limit]
    )
    courses = Enrollment.objects.filter(
        user_id=member.pk, status=Enrollment.Status.ACTIVE
    ).values("course_id")
    events = list(
        EventPage.objects.live()
        .filter(
            course_id__in=courses,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=7),
        )
        .order_by("starts_at")[:limit]
    )
    return {"topics": topics, "events": events}


def digest_recipients(frequency: str, key: str):
    chose = DeliverySettings.objects.filter(member_id=OuterRef("pk"))
    members = get_user_model().objects.filter(is_active=True).exclude(email="")
    if frequency == DigestFrequency.WEEKLY:  # the default for who never chose
        members = members.exclude(
            Exists(chose.exclude(digest_frequency=DigestFrequency.WEEKLY))
        )
    else:
        members = members.filter(Exists(chose.filter(digest_frequency=frequency)))
    return members.exclude(
        Exists(DigestSent.objects.filter(member_id=OuterRef("pk"), period_key=key))
    ).order_by("pk")


def digests_send(*, frequency: str, now=None, chunk: int = 200) -> int:
    """Send this period's digest to each member who chose `frequency`, at
    most once per period (DigestSent is inserted in the same transaction as
    the send) and never an empty one. A fixed number of queries per member."""
    now = now or timezone.now()
    key = period_key(frequency, now)
    since = now - period_length(frequency)
    limit = NotificationSettings.load().digest_items
    sent = last = 0
    recipients = digest_recipients(frequency, key)
    while batch := list(recipients.filter(pk__gt=last)[:chunk]):
        last = batch[-1].pk
        for member in batch:
            content = digest_content(member=member, since=since, now=now, limit=limit)
            items = len(content["topics"]) + len(content["events"])
            if not items:
                continue
            try:
                with transaction.atomic():
                    DigestSent.objects.create(
                        member=member, period_key=key, items=items
                    )
                    services.email_send(
                        user=member,
                        kind=services.DIGEST,
                        subject_template="notifications/email/digest_subject.txt",
                        template="notifications/email/digest",
                        context={
                            **content,
                            "frequency": frequency,
                            "base_url": services.absolute(""),
                            "settings_url": services.absolute(
                                reverse("notifications:settings")
                            ),
                        },
                    )
            except IntegrityError:  # another run sent this period's digest
                continue
            except Exception:
                logger.warning(
                    "Could not send the digest to %s", member.pk, exc_info=True
                )
                continue
            sent += 1
    return sent


# Nudges -------------------------------------------------------------------------


def _capped(member_ids, *, now, cap_hours: int) -> set[int]:
    return set(
        Notification.objects.filter(
            recipient_id__in=list(member_ids),
            kind=Kind.NUDGE,
            created_at__gte=now - dt.timedelta(hours=cap_hours),
        ).values_list("recipient_id", flat=True)
    )


def nudges_send(*, now=None, limit: int = 1000) -> int:
    """Streak-at-risk (from the member's evening) and come-back nudges (after
    N days without activity, with their recommendations), never more than one
    per member within the site's cap."""
    from gamification.models import MemberGameProfile
    from gamification.selectors import streak_at_risk
    from paths.recommendations import recommendations_for

    now = now or timezone.now()
    config = NotificationSettings.load()
    candidates: list[Candidate] = []
    told: set[int] = set()

    profiles = list(
        MemberGameProfile.objects.filter(
            streak_current__gt=0,
            streak_last_day__gte=(now - dt.timedelta(days=3)).date(),
            member__is_active=True,
        ).select_related("member")[:limit]
    )
    capped = _capped(
        [p.member_id for p in profiles], now=now, cap_hours=config.nudge_cap_hours
    )
    for profile in profiles:
        if profile.member_id in capped:
            continue
        local = now.astimezone(profile.zone)
        if local.hour < STREAK_NUDGE_HOUR:
            continue
        if not streak_at_risk(profile.member, now=now):
            continue
        told.add(profile.member_id)
        candidates.append(
            Candidate(
                profile.member_id,
                Kind.NUDGE,
                reverse("gamification:progress"),
                params={"reason": "streak", "days": profile.streak_current},
                source_key=f"nudge:streak:{local.date().isoformat()}",
            )
        )

    cutoff = now - dt.timedelta(days=config.inactive_days)
    idle = list(
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(last_seen=Max("activities__timestamp"))
        .filter(last_seen__lt=cutoff)
        .order_by("pk")
        .values_list("pk", "last_seen")[:limit]
    )
    capped = _capped([pk for pk, _s in idle], now=now, cap_hours=config.nudge_cap_hours)
    members = get_user_model().objects.in_bulk([pk for pk, _s in idle])
    for pk, last_seen in idle:
        if pk in capped or pk in told:
            continue
        picks = [
            {"title": r.title, "url": r.url}
            for r in recommendations_for(members[pk])[:3]
        ]
        candidates.append(
            Candidate(
                pk,
                Kind.NUDGE,
                picks[0]["url"] if picks and picks[0]["url"] else "/",
                params={"reason": "inactive", "picks": picks},
                # Once per spell of inactivity.
                source_key=f"nudge:inactive:{last_seen.date().isoformat()}",
            )
        )
    with transaction.atomic():
        return notify(candidates=candidates, now=now)
