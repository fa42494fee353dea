"""Following, read positions, polls and a member's community page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, poll_services, reading_services, selectors
from .forms import PollForm, form_add_service_errors, poll_draft_from
from .models import Poll
from .views import _board_or_404, _visible_topic, denied_response


def _follow_wanted(request: HttpRequest) -> bool:
    return request.POST.get("follow", "1") != "0"


@login_required
@require_POST
def board_follow(request: HttpRequest, slug: str) -> HttpResponse:
    board = _board_or_404(request, slug)
    follow = _follow_wanted(request)
    try:
        reading_services.follow_set(member=request.user, board=board, follow=follow)
    except PermissionDenied as error:
        return denied_response(request, error)
    messages.success(
        request,
        _("You follow this board.")
        if follow
        else _("You no longer follow this board."),
    )
    return redirect(board)


@login_required
@require_POST
def topic_follow(request: HttpRequest, pk: int) -> HttpResponse:
    topic, _is_moderator = _visible_topic(request, pk)
    follow = _follow_wanted(request)
    try:
        reading_services.follow_set(member=request.user, topic=topic, follow=follow)
    except PermissionDenied as error:
        return denied_response(request, error)
    messages.success(
        request,
        _("You follow this topic.")
        if follow
        else _("You no longer follow this topic."),
    )
    return redirect(topic)


@login_required
@require_POST
def topic_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the member's read position forward. The topic page sends it with
    navigator.sendBeacon once shown (204); without JavaScript its "Mark as
    read" button posts it and comes back."""
    topic, _is_moderator = _visible_topic(request, pk)
    number = request.POST.get("number", "")
    if not number.isdigit():
        return HttpResponse(status=400)
    try:
        reading_services.topic_mark_read(
            member=request.user, topic=topic, number=int(number)
        )
    except ValidationError:
        return HttpResponse(status=400)
    if request.POST.get("beacon"):
        return HttpResponse(status=204)
    return redirect(topic)


@login_required
@require_POST
def poll_vote(request: HttpRequest, pk: int) -> HttpResponse:
    topic, _is_moderator = _visible_topic(request, pk)
    poll = get_object_or_404(Poll, topic=topic)
    chosen = [value for value in request.POST.getlist("option") if value.isdigit()]
    try:
        poll_services.poll_vote(member=request.user, poll=poll, option_ids=chosen)
    except PermissionDenied as error:
        return denied_response(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for voting."))
    return redirect(f"{topic.get_absolute_url()}#poll")


@login_required
def poll_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a poll to a topic (its author or a moderator, with the privilege)."""
    topic, is_moderator = _visible_topic(request, pk)
    if not permissions.can_add_poll(request.user, topic, is_moderator=is_moderator):
        reason = (
            poll_services.ERRORS["not_yours"]
            if topic.author_id != request.user.pk and not is_moderator
            else poll_services.ERRORS["no_privilege"]
        )
        return denied_response(request, PermissionDenied(reason))
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poll_services.poll_create(
                actor=request.user,
                topic=topic,
                draft=poll_draft_from(form.cleaned_data),
            )
        except PermissionDenied as error:
            return denied_response(request, error)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The poll is open."))
            return redirect(f"{topic.get_absolute_url()}#poll")
    return render(
        request,
        "forum/poll_form.html",
        {"topic": topic, "board": topic.board, "form": form},
        status=400 if form.errors else 200,
    )


def member_detail(request: HttpRequest, username: str) -> HttpResponse:
    """A member's community page (where @mentions link to): their groups and
    latest topics, as far as the viewer may see them."""
    member = get_user_model().objects.filter(username=username, is_active=True).first()
    if member is None:
        raise Http404
    return render(
        request,
        "forum/member_detail.html",
        {
            "member": member,
            "topics": selectors.member_topics(member=member, viewer=request.user),
            "groups": selectors.member_groups(member=member, viewer=request.user),
        },
    )
