from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from . import badge_selectors, selectors
from .forms import GameProfileForm
from .reward_services import reward_redeem
from .services import game_profile_get, game_profile_update
from .streak_services import checkin_record, streak_freeze_buy


def _progress_page(request, *, form=None, status=200):
    profile = game_profile_get(member_id=request.user.pk)
    return render(
        request,
        "gamification/progress.html",
        {
            "summary": selectors.points_summary(member=request.user),
            "streak": selectors.streak_status(member=request.user),
            "entries": selectors.ledger_recent(member=request.user),
            "badges": badge_selectors.member_badges(member=request.user),
            "form": form or GameProfileForm(instance=profile),
        },
        status=status,
    )


@login_required
def my_progress(request):
    return _progress_page(request)


@login_required
@require_POST
def check_in(request):
    _activity, new = checkin_record(member=request.user)
    if new:
        messages.success(request, _("Checked in for today. See you tomorrow!"))
    else:
        messages.info(request, _("You have already checked in today."))
    return redirect("gamification:progress")


@login_required
@require_POST
def buy_freeze(request):
    try:
        streak_freeze_buy(member=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Streak freeze bought: it covers a day you miss."))
    return redirect("gamification:progress")


@login_required
@require_POST
def preferences(request):
    form = GameProfileForm(request.POST)
    if not form.is_valid():
        return _progress_page(request, form=form, status=400)
    game_profile_update(
        member=request.user,
        time_zone=form.cleaned_data["time_zone"],
        leaderboard_listed=form.cleaned_data["leaderboard_listed"],
    )
    messages.success(request, _("Your preferences are saved."))
    return redirect("gamification:progress")


PERIOD_TABS = [
    ("week", _lazy("This week")),
    ("month", _lazy("This month")),
    ("all", _lazy("All time")),
]


@login_required
def leaderboard(request):
    period = request.GET.get("period", "week")
    if period not in selectors.PERIODS:
        period = "week"
    return render(
        request,
        "gamification/leaderboard.html",
        {
            "board": selectors.leaderboard(member=request.user, period=period),
            "tabs": PERIOD_TABS,
            "period": period,
        },
    )


@login_required
def rewards(request):
    return render(
        request,
        "gamification/rewards.html",
        {
            "rewards": selectors.rewards_on_offer(),
            "summary": selectors.points_summary(member=request.user),
            "redemptions": selectors.redemptions_of(member=request.user),
        },
    )


@login_required
@require_POST
def redeem(request, reward_id: int):
    try:
        redemption = reward_redeem(member=request.user, reward_id=reward_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You redeemed %(name)s. We will be in touch to hand it over.")
            % {"name": redemption.reward.name},
        )
    return redirect("gamification:rewards")
