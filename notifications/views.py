"""Notification pages: thin views over selectors and services. A member
only ever reaches their own notifications (anyone else's answer 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferencesForm
from .kinds import notification_text
from .models import Kind, Notification


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page_obj = selectors.notifications_page(
        member=request.user, page_number=request.GET.get("page")
    )
    items = [(n, notification_text(n)) for n in page_obj.object_list]
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page_obj, "items": items},
    )


def _safe(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/notifications/"


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes where it points."""
    try:
        notification = services.notification_mark_read(member=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    return redirect(_safe(request, notification.url))


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.notification_mark_read(member=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(member=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    channels = selectors.channels_for(member=request.user)
    delivery = selectors.delivery_for(request.user)
    form = PreferencesForm(
        request.POST or None,
        channels=channels,
        initial={
            "digest_frequency": delivery.digest_frequency,
            "quiet_start": delivery.quiet_start,
            "quiet_end": delivery.quiet_end,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.preferences_save(
                    member=request.user,
                    channels=form.channels(),
                    digest_frequency=form.cleaned_data["digest_frequency"],
                    quiet_start=form.cleaned_data["quiet_start"],
                    quiet_end=form.cleaned_data["quiet_end"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notifications:settings")
        status = 400
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "zone": selectors.member_zone(request.user.pk)},
        status=status,
    )


def _what(kind: str) -> str:
    if kind == services.DIGEST:
        return _("the e-mail digest")
    return str(Kind(kind).label)


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a session
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET confirms, POST unsubscribes; no login needed, the signed token
    names the member and the kind. A tampered or expired token changes
    nothing and says so."""
    try:
        _member_id, kind = services.unsubscribe_read(token)
    except signing.SignatureExpired:
        return render(
            request,
            "notifications/unsubscribe_invalid.html",
            {"expired": True},
            status=400,
        )
    except signing.BadSignature:
        return render(
            request,
            "notifications/unsubscribe_invalid.html",
            {"expired": False},
            status=400,
        )
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(
            request, "notifications/unsubscribe_done.html", {"what": _what(kind)}
        )
    return render(
        request,
        "notifications/unsubscribe_confirm.html",
        {"what": _what(kind), "token": token},
    )
