"""The project gallery: cards of shared projects, for the whole community, a
board, a group or a skill, with only what the viewer may see."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from courses.models import Skill

from . import permissions, selectors
from .models import Group
from .views import _board_or_404


def _gallery(request: HttpRequest, *, heading: str, lead: str = "", back=None, **scope):
    page_obj = selectors.gallery_page(
        viewer=request.user, page_number=request.GET.get("page"), **scope
    )
    return render(
        request,
        "forum/gallery.html",
        {
            "heading": heading,
            "lead": lead,
            "back": back,
            "page_obj": page_obj,
            "projects": page_obj.object_list,
            **scope,
        },
    )


def gallery(request: HttpRequest) -> HttpResponse:
    return _gallery(
        request,
        heading=_("Project gallery"),
        lead=_("What members have built. Open one to give feedback."),
    )


def board_gallery(request: HttpRequest, slug: str) -> HttpResponse:
    board = _board_or_404(request, slug)
    return _gallery(
        request,
        heading=_("Projects in %(board)s") % {"board": board.name},
        back=board,
        board=board,
    )


def group_gallery(request: HttpRequest, slug: str) -> HttpResponse:
    group = Group.objects.filter(slug=slug).first()
    if group is None or not permissions.can_view_group_content(request.user, group):
        raise Http404
    return _gallery(
        request,
        heading=_("Projects of %(group)s") % {"group": group.name},
        back=group,
        group=group,
    )


def skill_gallery(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)
    return _gallery(
        request,
        heading=_("Projects using %(skill)s") % {"skill": skill.name},
        lead=skill.description,
        skill=skill,
    )
