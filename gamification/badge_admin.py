"""Operator screens in the Wagtail admin beyond the snippets: badge awards
(revoke with a reason) and reward redemptions (fulfil, or cancel with a
refund). Each action is a POST calling one service; permissions are the
models' Django `change` permissions (grantable to groups in Settings →
Groups)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .badge_models import BadgeAward, BadgeClass
from .badges import badge_award_revoke
from .challenge_models import Challenge
from .models import Redemption
from .reward_services import redemption_cancel, redemption_fulfil

PER_PAGE = 50
MAY_REVOKE = "gamification.change_badgeaward"
MAY_DECIDE = "gamification.change_redemption"


def refuse_deleting_used(request, instances):
    """For Wagtail's before_delete_snippet hook (the delete view and the bulk
    action): a badge that was awarded or a challenge someone completed is kept
    — published assertions point to it — and the operator is told to retire
    it instead. The database would refuse anyway (PROTECT)."""
    used = [
        obj
        for obj in instances
        if (isinstance(obj, BadgeClass) and obj.awards.exists())
        or (isinstance(obj, Challenge) and obj.completions.exists())
    ]
    if not used:
        return None
    messages.error(
        request,
        _(
            "%(names)s cannot be deleted: members have earned it. Untick "
            "“active” (or “published”) to retire it."
        )
        % {"names": ", ".join(f"“{obj}”" for obj in used)},
    )
    opts = used[0]._meta
    return redirect(reverse(f"wagtailsnippets_{opts.app_label}_{opts.model_name}:list"))


def _back(request, default: str):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse(default)
    return redirect(target)


class _OperatorListView(WagtailAdminTemplateMixin, TemplateView):
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def paginate(self, queryset):
        return Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("p"))


class BadgeAwardListView(_OperatorListView):
    template_name = "gamification/admin/badge_awards.html"
    page_title = gettext_lazy("Badge awards")
    header_icon = "success"
    permission = MAY_REVOKE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        awards = BadgeAward.objects.select_related("badge", "member").order_by(
            "-issued_on", "-id"
        )
        if query:
            awards = awards.filter(
                Q(badge__name__icontains=query)
                | Q(member__username__icontains=query)
                | Q(member__email__icontains=query)
                | Q(member__display_name__icontains=query)
            )
        context.update({"page": self.paginate(awards), "query": query})
        return context


@require_POST
def badge_award_revoke_view(request, award_id: int):
    if not request.user.has_perm(MAY_REVOKE):
        raise PermissionDenied
    award = get_object_or_404(BadgeAward.objects.select_related("badge"), pk=award_id)
    try:
        badge_award_revoke(
            award_id=award.pk, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The “%(badge)s” award is revoked; its assertion now says so.")
            % {"badge": award.badge.name},
        )
    return _back(request, "gamification_admin:awards")


class RedemptionListView(_OperatorListView):
    template_name = "gamification/admin/redemptions.html"
    page_title = gettext_lazy("Reward redemptions")
    header_icon = "tasks"
    permission = MAY_DECIDE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", Redemption.Status.PENDING)
        redemptions = Redemption.objects.select_related("reward", "member").order_by(
            "created_at", "id"
        )
        if status in Redemption.Status.values:
            redemptions = redemptions.filter(status=status)
        else:
            status = ""
        context.update(
            {
                "page": self.paginate(redemptions),
                "status": status,
                "statuses": Redemption.Status.choices,
            }
        )
        return context


@require_POST
def redemption_decide_view(request, redemption_id: int, decision: str):
    """Fulfil, or cancel and refund (the service refunds once, however often
    the button is pressed)."""
    if not request.user.has_perm(MAY_DECIDE):
        raise PermissionDenied
    redemption = get_object_or_404(
        Redemption.objects.select_related("reward"), pk=redemption_id
    )
    if redemption.status != Redemption.Status.PENDING:
        messages.info(
            request,
            _("This redemption was already decided: %(status)s.")
            % {"status": redemption.get_status_display()},
        )
    elif decision == "fulfil":
        redemption_fulfil(redemption_id=redemption.pk)
        messages.success(
            request,
            _("Marked “%(reward)s” as handed over.")
            % {"reward": redemption.reward.name},
        )
    else:
        redemption_cancel(redemption_id=redemption.pk)
        messages.success(
            request,
            _("Cancelled “%(reward)s”: %(points)d points refunded, stock restored.")
            % {"reward": redemption.reward.name, "points": redemption.cost},
        )
    return _back(request, "gamification_admin:redemptions")
