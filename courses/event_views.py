"""Event endpoints: register, cancel, calendar file, attendance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import event_services
from .ics import event_calendar
from .models import EventPage, EventRegistration


def _live_event(event_id: int) -> EventPage:
    return get_object_or_404(EventPage.objects.live().public(), pk=event_id)


@require_POST
@login_required
def register(request, event_id: int):
    event = _live_event(event_id)
    try:
        registration = event_services.event_register(user=request.user, event=event)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if registration.status == EventRegistration.Status.REGISTERED:
            messages.success(request, _("You have a seat. See you there!"))
        else:
            messages.info(
                request,
                _("The event is full, so you are on the waitlist. If a seat "
                  "frees up, it goes to the first in line automatically."),
            )  # fmt: skip
    return redirect(event.url)


@require_POST
@login_required
def cancel(request, event_id: int):
    event = _live_event(event_id)
    try:
        event_services.event_cancel(user=request.user, event=event)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("Your registration is cancelled."))
    return redirect(event.url)


def calendar_file(request, event_id: int):
    event = _live_event(event_id)
    location = (
        event.online_url
        if event.is_online
        else ", ".join(part for part in (event.venue, event.city) if part)
    )
    body = event_calendar(
        uid=f"event-{event.pk}@{request.get_host().split(':')[0]}",
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        description=strip_tags(event.summary),
        location=location,
        url=event.get_full_url(request),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@login_required
def attendance(request, event_id: int):
    """The instructor's register: tick who came, save."""
    event = get_object_or_404(EventPage.objects.live(), pk=event_id)
    if not event_services.event_can_manage(event=event, user=request.user):
        raise PermissionDenied
    if request.method == "POST":
        ticked = set()
        for value in request.POST.getlist("attended"):
            try:
                ticked.add(int(value))
            except ValueError:
                continue
        try:
            changed = event_services.event_attendance_update(
                by=request.user, event=event, attended_user_ids=ticked
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Attendance saved (%(n)d changed).") % {"n": changed}
            )
        return redirect("courses:event_attendance", event_id=event.pk)
    registrations = (
        event.registrations.exclude(status=EventRegistration.Status.CANCELLED)
        .select_related("user")
        .order_by("status", "position", "registered_at", "pk")
    )
    return TemplateResponse(
        request,
        "courses/events/attendance.html",
        {"event": event, "registrations": registrations},
    )
