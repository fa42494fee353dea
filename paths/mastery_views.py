"""The member's "My skills" page: every mastery estimate with its evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .mastery import mastery_rows_for_page, mastery_threshold, reset_inferred
from .models import KnowledgeState


@login_required
def my_skills(request):
    threshold = mastery_threshold()
    rows = list(mastery_rows_for_page(request.user))
    for row in rows:
        row.percent = round(row.probability * 100)
        row.is_mastered = row.probability >= threshold
        row.wrong = row.attempts - row.correct
    totals = KnowledgeState.objects.filter(member=request.user).first()
    return TemplateResponse(
        request,
        "paths/my_skills.html",
        {
            "rows": rows,
            "threshold_percent": round(threshold * 100),
            "mastered_count": sum(row.is_mastered for row in rows),
            "totals": totals,
        },
    )


@require_POST
@login_required
def my_skills_reset(request):
    if request.POST.get("confirm") != "yes":
        messages.error(
            request, _("Tick the box to confirm that the estimates should be reset.")
        )
        return redirect("paths:my_skills")
    reset_inferred(request.user)
    messages.success(
        request,
        _(
            "Your answers and forum contributions no longer count in these "
            "estimates; your self-assessment and placement results still do."
        ),
    )
    return redirect("paths:my_skills")
