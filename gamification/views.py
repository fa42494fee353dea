from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def my_progress(request):
    return render(
        request,
        "gamification/progress.html",
        {
            "summary": selectors.points_summary(member=request.user),
            "entries": selectors.ledger_recent(member=request.user),
        },
    )
