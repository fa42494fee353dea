"""Private message pages. Views parse input and call a service or selector;
a conversation answers 404 to anyone not in it (staff included), so its
existence does not leak either."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .forms import (
    ReplyForm,
    ReportForm,
    ResolveForm,
    StartForm,
    form_add_service_errors,
)
from .models import Message, MessageReport


def _participation_or_404(request: HttpRequest, pk: int):
    participant = selectors.participation(member=request.user, conversation_id=pk)
    if participant is None:
        raise Http404
    return participant


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page_obj = selectors.inbox_page(
        member=request.user, page_number=request.GET.get("page")
    )
    return render(
        request,
        "conversations/inbox.html",
        {"page_obj": page_obj, "conversations": page_obj.object_list},
    )


@login_required
def start(request: HttpRequest) -> HttpResponse:
    initial = {}
    to = request.GET.get("to", "")
    if to.isdigit():
        recipient = get_user_model().objects.filter(pk=to, is_active=True).first()
        if recipient is not None:
            initial["recipients"] = recipient.username
    kind = request.GET.get("kind", "")
    if kind:
        initial["kind"] = kind
    form = StartForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.start_conversation(
                sender=request.user,
                recipients=form.cleaned_data["recipients"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                kind=form.cleaned_data["kind"],
            )
        except services.RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(conversation)
    if status == 200 and form.errors:
        status = 400
    return render(request, "conversations/start.html", {"form": form}, status=status)


@login_required
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    participants = selectors.participants_if_member(
        member=request.user, conversation_id=pk
    )
    if not participants:
        raise Http404
    participant = next(p for p in participants if p.member_id == request.user.pk)
    conversation = participant.conversation
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_send(
                sender=request.user,
                conversation=conversation,
                body=form.cleaned_data["body"],
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect(f"{conversation.get_absolute_url()}#message-{message.pk}")
    if status == 200 and form.errors:
        status = 400
    shown = selectors.thread(
        participants=participants,
        member=request.user,
        page_number=request.GET.get("page"),
    )
    # Reading a page marks it read (a write only when something was unread).
    if shown.messages and participant.last_read_message_id < shown.messages[-1].pk:
        services.conversation_mark_read(
            member=request.user, conversation=conversation, up_to=shown.messages[-1].pk
        )
    others = [p.member for p in shown.participants if p.member_id != request.user.pk]
    return render(
        request,
        "conversations/thread.html",
        {
            "conversation": conversation,
            "thread": shown,
            "page_obj": shown.page_obj,
            "others": others,
            "read_up_to": participant.last_read_message_id,
            "form": form,
            "can_write": not (shown.blocked_ids or shown.blocking_me_ids),
        },
        status=status,
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("author"), pk=pk)
    _participation_or_404(request, message.conversation_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_report(
                reporter=request.user,
                message=message,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. A moderator will read this message (and only this one)."),
            )
            return redirect(message.conversation)
    return render(
        request,
        "conversations/report.html",
        {"form": form, "message": message},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def block(request: HttpRequest, pk: int) -> HttpResponse:
    other = get_object_or_404(get_user_model(), pk=pk)
    undo = request.POST.get("action") == "unblock"
    try:
        if undo:
            services.member_unblock(blocker=request.user, blocked=other)
            messages.success(
                request,
                _("You unblocked %(name)s: they can write to you again.")
                % {"name": other.name},
            )
        else:
            services.member_block(blocker=request.user, blocked=other)
            messages.success(
                request,
                _(
                    "You blocked %(name)s: they can no longer start or continue "
                    "conversations with you."
                )
                % {"name": other.name},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("conversations:blocked")


@login_required
def blocked(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "conversations/blocked.html",
        {"blocks": selectors.blocked_members(member=request.user)},
    )


def _require_moderator(request: HttpRequest) -> None:
    if not permissions.member_is_moderator(request.user):
        raise PermissionDenied(_("Only moderators can see reported messages."))


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    status = request.GET.get("status", MessageReport.Status.OPEN)
    if status not in MessageReport.Status.values:
        status = MessageReport.Status.OPEN
    page_obj = selectors.reports_page(
        status=status, page_number=request.GET.get("page")
    )
    return render(
        request,
        "conversations/reports.html",
        {
            "page_obj": page_obj,
            "reports": page_obj.object_list,
            "status": status,
            "statuses": MessageReport.Status.choices,
            "extra_query": f"status={status}",
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_POST
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    found = get_object_or_404(MessageReport, pk=pk)
    form = ResolveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.report_resolve(moderator=request.user, report=found, note=note)
    messages.success(request, _("The report is resolved."))
    return redirect("conversations:reports")
