"""Group pages: the index, a group's page (members, boards, upcoming events,
requests to join for its owners), joining, leaving and answering requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import group_services, permissions, selectors
from .forms import GroupForm, JoinRequestForm, form_add_service_errors
from .models import Group, GroupMembership
from .views import denied_response

Status = GroupMembership.Status
Role = GroupMembership.Role


def group_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "forum/group_list.html",
        {
            "groups": selectors.groups_listing(viewer=request.user),
            "can_create": permissions.member_is_moderator(request.user),
        },
    )


def _group_or_404(request: HttpRequest, slug: str) -> Group:
    try:
        return selectors.group_for_viewer(slug=slug, viewer=request.user)
    except Group.DoesNotExist:
        raise Http404 from None


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group_or_404(request, slug)
    is_moderator = permissions.member_is_moderator(request.user)
    status = getattr(group, "viewer_status", None)
    role = getattr(group, "viewer_role", None)
    is_member = status == Status.ACTIVE
    sees_inside = not group.is_private or is_member or is_moderator
    manages = is_moderator or (is_member and role in (Role.OWNER, Role.MODERATOR))
    return render(
        request,
        "forum/group_detail.html",
        {
            "group": group,
            "is_member": is_member,
            "is_pending": status == Status.PENDING,
            "role": role,
            "sees_inside": sees_inside,
            "manages": manages,
            "members": selectors.group_members(group=group) if sees_inside else [],
            "boards": selectors.group_boards(group=group) if sees_inside else [],
            "events": selectors.group_events(group=group) if sees_inside else [],
            "requests": selectors.group_requests(group=group) if manages else [],
            "join_form": JoinRequestForm() if group.is_private else None,
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    if not permissions.member_is_moderator(request.user):
        return denied_response(
            request, PermissionDenied(group_services.ERRORS["not_a_moderator"])
        )
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_services.group_create(
                creator=request.user, **form.cleaned_data
            )
        except PermissionDenied as error:
            return denied_response(request, error)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("The group is ready. Add boards to it in the admin.")
            )
            return redirect(group)
    return render(
        request,
        "forum/group_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(Group, slug=slug)
    form = JoinRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        membership = group_services.group_join(
            member=request.user, group=group, message=message
        )
    except PermissionDenied as error:
        return denied_response(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if membership.is_active:
            messages.success(request, _("Welcome to the group!"))
        else:
            messages.success(
                request,
                _("Your request is sent. The group's owners will answer it soon."),
            )
    return redirect(group)


@login_required
@require_POST
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(Group, slug=slug)
    try:
        group_services.group_leave(member=request.user, group=group)
    except PermissionDenied as error:
        return denied_response(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have left the group."))
    return redirect(group)


@login_required
@require_POST
def membership_decide(
    request: HttpRequest, slug: str, pk: int, decision: str
) -> HttpResponse:
    group = get_object_or_404(Group, slug=slug)
    if decision not in ("approve", "decline"):
        raise Http404
    membership = GroupMembership.objects.filter(pk=pk, group=group).first()
    if membership is None:
        messages.error(request, group_services.ERRORS["not_pending"])
        return redirect(group)
    try:
        decided = group_services.membership_decide(
            actor=request.user, membership=membership, approve=decision == "approve"
        )
    except PermissionDenied as error:
        return denied_response(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if decided is None:
            messages.success(request, _("The request is declined."))
        else:
            messages.success(
                request,
                _("%(name)s is now a member.") % {"name": decided.member.name},
            )
    return redirect(group)
