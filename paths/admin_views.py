"""Operators' "Personalisation" screens in the Wagtail admin: segment sizes,
the members of a segment with the rule and numbers that placed them there,
and the members most at risk of churning with their top factors. Staff with
the view permission on segment assignments, site moderators and superusers.
Each page is a fixed number of queries (paginated)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import SegmentDimension
from .segmentation import (
    factor_label,
    members_at_risk,
    rule_label,
    segment_label,
    segment_members,
    segment_sizes,
)

PER_PAGE = 50


def may_see_segments(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (
        user.is_staff
        and (
            user.has_perm("paths.view_segmentassignment")
            or user.has_perm("members.moderate_members")
        )
    )


class _OperatorView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_segments(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SegmentsView(_OperatorView):
    template_name = "paths/admin/segments.html"
    page_title = _("Segments and churn risk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sizes = segment_sizes()
        context["dimensions"] = [
            {"key": key, "label": label, "segments": sizes.get(key, [])}
            for key, label in SegmentDimension.choices
        ]
        return context


class SegmentMembersView(_OperatorView):
    template_name = "paths/admin/segment_members.html"

    def get_page_title(self):
        return f"{self.dimension.label}: {segment_label(self.kwargs['segment'])}"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["dimension"] not in SegmentDimension.values:
            raise Http404
        self.dimension = SegmentDimension(kwargs["dimension"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = segment_members(self.dimension, self.kwargs["segment"])
        page = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("p"))
        for row in page:
            row.rule_text = rule_label(row.rule)
        context.update(page=page, segment=segment_label(self.kwargs["segment"]))
        return context


class AtRiskView(_OperatorView):
    template_name = "paths/admin/at_risk.html"
    page_title = _("Members at risk of churning")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = members_at_risk()
        query = self.request.GET.get("q", "").strip()
        if query:
            rows = rows.filter(
                Q(member__username__icontains=query)
                | Q(member__display_name__icontains=query)
            )
        page = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("p"))
        for row in page:
            row.percent = round(row.risk * 100)
            row.factor_rows = [
                {"label": factor_label(f["feature"]), "value": f["value"]}
                for f in row.factors
            ]
        context.update(page=page, q=query)
        return context
