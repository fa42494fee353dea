"""The privacy centre pages: overview (export, deletion, inferred data), what we
hold and why, downloads of export archives and the consent page."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import privacy, privacy_services
from .models import DataExport
from .privacy_forms import ConsentForm, DeletionForm
from .privacy_middleware import SESSION_KEY


@login_required
def privacy_centre(request):
    member = request.user
    exports = list(DataExport.objects.filter(member=member)[:5])
    for export in exports:
        if export.status == DataExport.Status.READY and not export.is_expired:
            export.token = privacy_services.export_token(export)
    return render(
        request,
        "members/privacy/centre.html",
        {
            "exports": exports,
            "deletion": privacy_services.deletion_pending(member),
            "deletion_form": DeletionForm(),
            "has_resetters": bool(privacy.resetters()),
        },
    )


def data_held(request):
    return render(
        request, "members/privacy/data_held.html", {"kinds": privacy.data_kinds()}
    )


@login_required
@require_POST
def export_request(request):
    privacy_services.export_request(member=request.user)
    messages.success(
        request,
        _("Your export is being prepared. We will tell you here and by e-mail."),
    )
    return redirect("members:privacy")


@login_required
def export_download(request, token: str):
    try:
        export = privacy_services.export_from_token(token, member=request.user)
    except signing.SignatureExpired:
        return render(
            request,
            "members/privacy/link_invalid.html",
            {"reason": _("This download link has expired. Request a new export.")},
            status=410,
        )
    except signing.BadSignature:
        return render(
            request,
            "members/privacy/link_invalid.html",
            {"reason": _("This download link is not valid.")},
            status=400,
        )
    except DataExport.DoesNotExist:
        raise Http404 from None
    storage = privacy_services.private_storage()
    if not export.file_name or not storage.exists(export.file_name):
        raise Http404
    return FileResponse(
        storage.open(export.file_name, "rb"),
        as_attachment=True,
        filename=export.file_name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )


@login_required
def deletion_request(request):
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deletion = privacy_services.deletion_request(
                member=request.user, password=form.cleaned_data["password"]
            )
        except PermissionDenied as error:
            form.add_error("password", str(error))
        else:
            messages.success(
                request,
                _(
                    "Your account will be deleted on %(date)s. Log in and cancel "
                    "before then if you change your mind."
                )
                % {"date": deletion.scheduled_for.strftime("%Y-%m-%d")},
            )
            logout(request)
            return redirect("/")
    return render(
        request,
        "members/privacy/centre.html",
        {
            "exports": list(DataExport.objects.filter(member=request.user)[:5]),
            "deletion": privacy_services.deletion_pending(request.user),
            "deletion_form": form,
            "has_resetters": bool(privacy.resetters()),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def deletion_cancel(request):
    if privacy_services.deletion_cancel(member=request.user):
        messages.success(request, _("Your account will not be deleted."))
    else:
        messages.info(request, _("There was no deletion to cancel."))
    return redirect("members:privacy")


@login_required
@require_POST
def inferred_reset(request):
    privacy_services.inferred_reset(member=request.user)
    messages.success(
        request,
        _("What Lyceum inferred about you has been reset. Your account stays."),
    )
    return redirect("members:privacy")


@login_required
def consent(request):
    policy = privacy_services.policy_current()
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if policy is None:
        return redirect(next_url)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy_services.consent_accept(member=request.user, policy=policy)
        request.session[SESSION_KEY] = policy.version
        return redirect(next_url)
    accepted = privacy_services.consent_accepted_version(request.user)
    return render(
        request,
        "members/privacy/consent.html",
        {"policy": policy, "form": form, "next": next_url, "accepted": accepted},
        status=400 if request.method == "POST" else 200,
    )
