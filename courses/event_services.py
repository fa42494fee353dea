"""Writes (and the few reads the event pages need) for event registration.

Every write locks the event's row first, so registrations, cancellations and
promotions of one event run one at a time: on PostgreSQL concurrent requests
queue on `SELECT … FOR UPDATE`, on SQLite on the IMMEDIATE write lock. That is
what keeps the seat count from ever exceeding the capacity."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Value
from django.db.models.functions import Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction

from activity.services import activity_record

from .content_cache import cached
from .models import CourseInstructor, EventPage, EventRegistration

logger = logging.getLogger("lyceum.courses")

REMINDER_LEAD = timezone.timedelta(hours=24)
Status = EventRegistration.Status


@dataclass(frozen=True)
class EventState:
    """What the event page shows a member: seats, their place, their rights."""

    seats_taken: int
    seats_left: int
    waitlist_length: int
    registration: EventRegistration | None
    waitlist_position: int | None
    can_manage: bool

    @property
    def is_registered(self) -> bool:
        return bool(self.registration and self.registration.status == Status.REGISTERED)

    @property
    def is_waitlisted(self) -> bool:
        return bool(self.registration and self.registration.status == Status.WAITLISTED)


# Reads -----------------------------------------------------------------------


def event_can_manage(*, event: EventPage, user) -> bool:
    """Staff, and the instructors of the course that owns the event."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return bool(event.course_id) and (
        CourseInstructor.objects.filter(course_id=event.course_id, user=user).exists()
    )


def event_state_for(*, event: EventPage, user) -> EventState:
    """Seats and the member's place for the event page (three small queries)."""
    counts = _status_counts(event)
    registration = None
    position = None
    if getattr(user, "is_authenticated", False):
        registration = event.registrations.filter(user=user).first()
        if registration and registration.status == Status.WAITLISTED:
            position = (
                event.registrations.filter(
                    status=Status.WAITLISTED, position__lt=registration.position
                ).count()
                + 1
            )
    taken = counts.get(Status.REGISTERED, 0)
    return EventState(
        seats_taken=taken,
        seats_left=max(event.capacity - taken, 0),
        waitlist_length=counts.get(Status.WAITLISTED, 0),
        registration=registration,
        waitlist_position=position,
        can_manage=event_can_manage(event=event, user=user),
    )


COURSE_EVENTS_SHOWN = 5
# More are cached than shown, so events ending drop out without a rebuild.
COURSE_EVENTS_CACHED = 20


@dataclass(frozen=True)
class CourseEvent:
    """An upcoming event on its course's page, with its seats and the member's
    own place."""

    event: EventPage
    seats_taken: int
    waitlisted: int
    my_status: str | None

    @property
    def seats_left(self) -> int:
        return max(self.event.capacity - self.seats_taken, 0)


def course_upcoming_events(
    *, course, user=None, limit: int = COURSE_EVENTS_SHOWN, now=None
) -> list[CourseEvent]:
    """The next published, public events a course owns, soonest first, with
    their seats and the member's own registration. The events are the same
    for everyone, so cached with the course content; the seats are one query,
    and none when the course has no upcoming event."""
    now = now or timezone.now()
    events = [
        event
        for event in cached(
            f"course-events:{course.pk}", lambda: _course_events(course)
        )
        if event.ends_at >= now
    ][:limit]
    if not events:
        return []
    member = user if getattr(user, "is_authenticated", False) else None
    counts: dict[int, dict[str, int]] = {}
    mine: dict[int, str] = {}
    for event_id, status, n, own in (
        EventRegistration.objects.filter(event_id__in=[e.pk for e in events])
        .exclude(status=Status.CANCELLED)
        .values("event_id", "status")
        .annotate(
            n=Count("pk"),
            own=Count("pk", filter=Q(user=member)) if member else Value(0),
        )
        .values_list("event_id", "status", "n", "own")
    ):
        counts.setdefault(event_id, {})[status] = n
        if own:
            mine[event_id] = status
    return [
        CourseEvent(
            event=event,
            seats_taken=counts.get(event.pk, {}).get(Status.REGISTERED, 0),
            waitlisted=counts.get(event.pk, {}).get(Status.WAITLISTED, 0),
            my_status=mine.get(event.pk),
        )
        for event in events
    ]


def _course_events(course) -> list[EventPage]:
    """Published events of the course not yet over, without those behind a
    view restriction (on the event or an ancestor), soonest first."""
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, F("page__depth") * EventPage.steplen)
    )
    return list(
        EventPage.objects.live()
        .exclude(Exists(restricted))
        .filter(course_id=course.pk)
        .upcoming()
        .defer("description")[:COURSE_EVENTS_CACHED]
    )


def _status_counts(event: EventPage) -> dict[str, int]:
    return dict(
        EventRegistration.objects.filter(event=event)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


# Writes ----------------------------------------------------------------------


@transaction.atomic
def event_register(*, user, event: EventPage, notify: bool = True) -> EventRegistration:
    """Take a seat, or a place on the waitlist when the event is full, and
    e-mail the member which (unless `notify` is off, as for demo data).
    Registering again while registered or waitlisted changes nothing."""
    event = _locked_event(event)
    registration = event.registrations.filter(user=user).first()
    if registration is not None and registration.status != Status.CANCELLED:
        return registration
    if not event.registration_open:
        raise ValidationError(
            _("Registration for “%(event)s” is closed. See the other events."),
            code="registration_closed",
            params={"event": event.title},
        )
    now = timezone.now()
    if event.has_started(now):
        raise ValidationError(
            _("“%(event)s” has already started. See the upcoming events."),
            code="event_started",
            params={"event": event.title},
        )
    taken = event.registrations.filter(status=Status.REGISTERED).count()
    if registration is None:
        registration = EventRegistration(user=user, event=event)
    registration.registered_at = now
    registration.attended = False
    registration.reminded_at = None
    if taken < event.capacity:
        _seat(registration, now=now)
        if notify:
            _email_later(registration, kind=EmailKind.REGISTERED)
    else:
        registration.status = Status.WAITLISTED
        registration.confirmed_at = None
        registration.position = _next_position(event)
        registration.save()
        if notify:
            _email_later(registration, kind=EmailKind.WAITLISTED)
    return registration


@transaction.atomic
def event_cancel(*, user, event: EventPage) -> EventRegistration | None:
    """Give up a seat or waitlist place; a freed seat goes to the first member
    on the waitlist. Cancelling when not registered changes nothing."""
    event = _locked_event(event)
    registration = event.registrations.filter(user=user).first()
    if registration is None or registration.status == Status.CANCELLED:
        return registration
    had_seat = registration.status == Status.REGISTERED
    registration.status = Status.CANCELLED
    registration.position = None
    registration.save(update_fields=["status", "position"])
    if had_seat:
        _promote_waitlisted(event)
    return registration


@transaction.atomic
def event_mark_attended(
    *, by, event: EventPage, user, attended: bool = True
) -> EventRegistration:
    """Record whether a registered member attended; only the course's
    instructors and staff may. Marking twice records one `attended`."""
    if not event_can_manage(event=event, user=by):
        raise PermissionDenied(
            _("Only the event’s instructors and staff can take attendance.")
        )
    event = _locked_event(event)
    registration = event.registrations.filter(
        user=user, status=Status.REGISTERED
    ).first()
    if registration is None:
        raise ValidationError(
            _("%(member)s has no seat at this event, so cannot be marked present."),
            code="not_registered",
            params={"member": str(user)},
        )
    if registration.attended == attended:
        return registration
    registration.attended = attended
    registration.save(update_fields=["attended"])
    if attended:
        activity_record(
            actor=user,
            verb="attended",
            object_type="event",
            object_id=event.pk,
            idempotency_key=f"attended:event:{event.pk}:{user.pk}",
            context=_context(event, marked_by=by.pk),
        )
    return registration


def event_attendance_update(
    *, by, event: EventPage, attended_user_ids: set[int]
) -> int:
    """Set attendance for every seated member from a ticked list; returns how
    many changed."""
    if not event_can_manage(event=event, user=by):
        raise PermissionDenied(
            _("Only the event’s instructors and staff can take attendance.")
        )
    changed = 0
    with transaction.atomic():
        seated = list(
            event.registrations.filter(status=Status.REGISTERED).select_related("user")
        )
        for registration in seated:
            wanted = registration.user_id in attended_user_ids
            if registration.attended != wanted:
                event_mark_attended(
                    by=by, event=event, user=registration.user, attended=wanted
                )
                changed += 1
    return changed


def event_reminders_send(*, now=None) -> int:
    """E-mail every seated member of a live event starting within a day, once
    (`reminded_at`). Each reminder is its own transaction, so one failure does
    not resend the others. Returns how many were sent."""
    now = now or timezone.now()
    due = (
        EventRegistration.objects.filter(
            status=Status.REGISTERED,
            reminded_at__isnull=True,
            event__live=True,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_LEAD,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            registration = (
                EventRegistration.objects.select_for_update(skip_locked=True)
                .select_related("user", "event")
                .filter(pk=pk, status=Status.REGISTERED, reminded_at__isnull=True)
                .first()
            )
            if registration is None or not registration.user.email:
                continue
            try:
                _send_reminder(registration)
            except Exception:  # left unmarked: the next run retries it
                logger.warning(
                    "Could not send the reminder for registration %s", pk, exc_info=True
                )
                continue
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            sent += 1
    return sent


class EmailKind(models.TextChoices):
    """The e-mails a member gets about their own registration."""

    REGISTERED = "registered", _("You have a seat")
    WAITLISTED = "waitlisted", _("You are on the waitlist")
    PROMOTED = "promoted", _("A seat freed up for you")


def event_registration_email_send(*, registration_id: int, kind: str) -> bool:
    """E-mail a member about their registration (HTML and text, in their
    preferred language, with the event's calendar link). Sent only while the
    registration is still in the state the e-mail describes, and once per
    state (`notified`), so a retried task sends nothing twice. Returns whether
    an e-mail went out."""
    if kind not in EmailKind.values:
        raise ValueError(f"Unknown registration e-mail {kind!r}.")
    with transaction.atomic():
        registration = (
            EventRegistration.objects.select_for_update(of=("self",))
            .select_related("user", "event")
            .filter(pk=registration_id)
            .first()
        )
        if registration is None or not registration.user.email:
            return False
        token = _email_token(registration, kind)
        if token is None or registration.notified == token:
            return False
        if not registration.event.live:
            return False
        _send_registration_email(registration, kind)
        registration.notified = token
        registration.save(update_fields=["notified"])
    return True


# Internals -------------------------------------------------------------------


def _email_token(registration: EventRegistration, kind: str) -> str | None:
    """What an e-mail of `kind` is about right now, or None when the
    registration has moved on (e.g. promoted before the waitlist e-mail ran)."""
    if kind == EmailKind.WAITLISTED:
        if registration.status != Status.WAITLISTED:
            return None
        moment = registration.registered_at
    else:
        if registration.status != Status.REGISTERED or not registration.confirmed_at:
            return None
        moment = registration.confirmed_at
    return f"{kind}:{moment.timestamp():.6f}"


def _email_later(registration: EventRegistration, *, kind: str) -> None:
    """Queue the e-mail once the registration is committed. Enqueuing never
    fails the request: the seat is already taken (a lost e-mail is logged)."""
    registration_id = registration.pk

    def enqueue() -> None:
        from .tasks import send_event_registration_email

        try:
            send_event_registration_email.delay(registration_id, str(kind))
        except Exception:  # the registration stands; the e-mail is best effort
            logger.warning(
                "Could not send the %s e-mail for registration %s",
                kind,
                registration_id,
                exc_info=True,
            )

    transaction.on_commit(enqueue)


def _member_language(user) -> str:
    """The member's preferred language when they chose one we offer."""
    try:
        language = user.learning_profile.preferred_language
    except ObjectDoesNotExist:
        language = ""
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def _absolute_url(event: EventPage, path: str) -> str:
    site = event.get_site()
    base = site.root_url if site else settings.WAGTAILADMIN_BASE_URL
    return base.rstrip("/") + path


def _send_registration_email(registration: EventRegistration, kind: str) -> None:
    event, user = registration.event, registration.user
    context = {
        "kind": kind,
        "event": event,
        "member": user,
        "local_start": timezone.localtime(event.starts_at, event.zone),
        "local_end": timezone.localtime(event.ends_at, event.zone),
        "event_url": event.get_full_url(),
        "ics_url": _absolute_url(
            event, reverse("courses:event_ics", kwargs={"event_id": event.pk})
        ),
        "waitlist_position": (
            event.registrations.filter(
                status=Status.WAITLISTED, position__lt=registration.position
            ).count()
            + 1
            if kind == EmailKind.WAITLISTED
            else None
        ),
    }
    language = _member_language(user)
    context["language"] = language
    with translation.override(language):
        subject = render_to_string(
            "courses/events/email/registration_subject.txt", context
        ).strip()
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("courses/events/email/registration.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("courses/events/email/registration.html", context),
            "text/html",
        )
    message.send()


def _locked_event(event: EventPage) -> EventPage:
    locked = (
        EventPage.objects.live()
        .select_for_update(of=("self",))
        .filter(pk=event.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(
            _("This event is not published. See the upcoming events."),
            code="event_unpublished",
        )
    return locked


def _next_position(event: EventPage) -> int:
    last = event.registrations.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _seat(registration: EventRegistration, *, now) -> None:
    registration.status = Status.REGISTERED
    registration.confirmed_at = now
    registration.position = None
    registration.save()
    event = registration.event
    activity_record(
        actor=registration.user,
        verb="registered",
        object_type="event",
        object_id=event.pk,
        idempotency_key=(f"registered:event:{registration.pk}:{now.timestamp():.6f}"),
        context=_context(event),
        timestamp=now,
    )


def _promote_waitlisted(event: EventPage) -> EventRegistration | None:
    if event.has_started():
        return None
    taken = event.registrations.filter(status=Status.REGISTERED).count()
    if taken >= event.capacity:
        return None
    first = (
        event.registrations.filter(status=Status.WAITLISTED)
        .select_related("user")
        .order_by("position", "pk")
        .first()
    )
    if first is not None:
        _seat(first, now=timezone.now())
        _email_later(first, kind=EmailKind.PROMOTED)
    return first


def _context(event: EventPage, **extra) -> dict:
    context = {"course": event.course_id} if event.course_id else {}
    return {**context, **extra}


def _send_reminder(registration: EventRegistration) -> None:
    event, user = registration.event, registration.user
    local_start = timezone.localtime(event.starts_at, event.zone)
    context = {
        "event": event,
        "member": user,
        "local_start": local_start,
        "local_end": timezone.localtime(event.ends_at, event.zone),
        "event_url": event.get_full_url(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            "courses/events/email/reminder_subject.txt", context
        ).strip()
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("courses/events/email/reminder.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("courses/events/email/reminder.html", context),
            "text/html",
        )
    message.send()
