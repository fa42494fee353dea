"""Reporting a post, and the moderators' queue and buttons. Only moderators
(staff, or `members.moderate_members`) reach the queue; the services check
again."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import moderation_services, permissions, selectors
from .forms import form_add_service_errors
from .models import ModerationAction, Post, Report, Topic
from .views import _visible_post, denied_response, post_url


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong with this post?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the reason that fits best.")},
    )
    details = forms.CharField(
        label=gettext_lazy("Anything the moderators should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@login_required
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.post_report(
                reporter=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except PermissionDenied as error:
            return denied_response(request, error)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form_add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(post_url(post))
        else:
            messages.success(
                request, _("Thank you. A moderator will look at the post soon.")
            )
            return redirect(post_url(post))
    return render(
        request,
        "forum/report_form.html",
        {"post": post, "topic": post.topic, "form": form},
        status=400 if form.errors else 200,
    )


def _moderators_only(request: HttpRequest) -> None:
    if not permissions.member_is_moderator(request.user):
        raise PermissionDenied


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _moderators_only(request)
    # Only what this moderator may read: all of it for site moderators; the
    # filter keeps private groups private if the queue is ever opened wider.
    boards = selectors.visible_boards(request.user).values("pk")
    reports = (
        Report.objects.open()
        .filter(post__topic__board__in=boards)
        .select_related("post__topic__board", "post__author", "reporter")
        .order_by("created_at", "pk")[:100]
    )
    hidden_posts = (
        Post.objects.filter(is_hidden=True, topic__board__in=boards)
        .select_related("topic", "author")
        .order_by("-pk")[:20]
    )
    actions = ModerationAction.objects.select_related(
        "moderator", "topic", "post"
    ).order_by("-created_at", "-pk")[:30]
    return render(
        request,
        "forum/moderation_queue.html",
        {
            "reports": reports,
            "open_count": Report.objects.open()
            .filter(post__topic__board__in=boards)
            .count(),
            "hidden_posts": hidden_posts,
            "actions": actions,
        },
    )


def _run(request: HttpRequest, action, fallback: str, success: str) -> HttpResponse:
    try:
        action(request.POST.get("note", ""))
    except PermissionDenied as error:
        return denied_response(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return _back(request, fallback)


@login_required
@require_POST
def post_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _moderators_only(request)
    post = get_object_or_404(Post.objects.select_related("topic"), pk=pk)
    services = {
        "hide": (moderation_services.post_hide, _("The post is hidden.")),
        "restore": (moderation_services.post_restore, _("The post is visible again.")),
    }
    if action not in services:
        raise PermissionDenied
    service, success = services[action]
    return _run(
        request,
        lambda note: service(moderator=request.user, post=post, note=note),
        post_url(post),
        success,
    )


@login_required
@require_POST
def topic_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _moderators_only(request)
    topic = get_object_or_404(Topic, pk=pk)
    return _run(
        request,
        lambda note: moderation_services.topic_moderate(
            moderator=request.user, topic=topic, action=action, note=note
        ),
        topic.get_absolute_url(),
        _("Done."),
    )


@login_required
@require_POST
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _moderators_only(request)
    report = get_object_or_404(Report, pk=pk)
    return _run(
        request,
        lambda note: moderation_services.report_resolve(
            moderator=request.user, report=report, note=note
        ),
        "forum:moderation",
        _("The report is resolved; the post stays as it is."),
    )
