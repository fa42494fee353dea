"""Recommended for you (grouped by kind, each with its "why this?"), the
"not interested" action, and mentoring requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .mentoring import mentoring_answer, mentoring_lists, mentoring_request
from .models import Recommendation, RecommendationKind
from .recommendations import (
    reason_text,
    recommendation_dismiss,
    recommendations_for,
    recommendations_refresh,
)


def grouped_recommendations(member, *, compute_missing: bool = True) -> list[dict]:
    """[{kind, label, items}] in the kinds' order, each item with `why`. One
    query; a member who has no list yet gets one computed first."""
    rows = recommendations_for(member)
    if not rows and compute_missing:
        if not Recommendation.objects.filter(member_id=member.pk).exists():
            recommendations_refresh(member=member)
            rows = recommendations_for(member)
    by_kind: dict[str, list] = {}
    for row in rows:
        row.why = reason_text(row.reason)
        by_kind.setdefault(row.kind, []).append(row)
    return [
        {"kind": kind, "label": label, "items": by_kind[kind]}
        for kind, label in RecommendationKind.choices
        if kind in by_kind
    ]


@login_required
def recommendations(request):
    return TemplateResponse(
        request,
        "paths/recommendations.html",
        {"groups": grouped_recommendations(request.user)},
    )


@require_POST
@login_required
def recommendation_not_interested(request, kind: str, item_id: int):
    try:
        recommendation_dismiss(member=request.user, kind=kind, item_id=item_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("We will not suggest this again."))
    return redirect("paths:recommendations")


@login_required
def mentoring(request):
    return TemplateResponse(
        request, "paths/mentoring.html", mentoring_lists(request.user)
    )


@require_POST
@login_required
def mentoring_ask(request, mentor_id: int):
    skill = request.POST.get("skill", "")
    try:
        mentoring_request(
            learner=request.user,
            mentor_id=mentor_id,
            message=request.POST.get("message", ""),
            skill_id=int(skill) if skill.isdigit() else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("paths:recommendations")
    messages.success(request, _("Your request was sent to the mentor."))
    return redirect("paths:mentoring")


@require_POST
@login_required
def mentoring_decide(request, request_id: int, action: str):
    if action not in ("accept", "decline"):
        messages.error(request, _("Unknown action."))
        return redirect("paths:mentoring")
    try:
        answered = mentoring_answer(
            mentor=request.user, request_id=request_id, accept=action == "accept"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("paths:mentoring")
    if answered.conversation_id:
        messages.success(request, _("Accepted: continue in your conversation."))
        return redirect(answered.conversation.get_absolute_url())
    messages.success(request, _("You declined the request."))
    return redirect("paths:mentoring")
