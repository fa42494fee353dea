"""The instructor insight report in the Wagtail admin: a list of the courses
the member may see and, per course, its enrolments, funnel, quiz items and
inactive learners. Instructors see their own courses; superusers all."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .insights import course_insight
from .instructor_services import course_ids_editable_by
from .models import CoursePage

DEFAULT_INACTIVE_DAYS = 14


def visible_courses(user):
    courses = CoursePage.objects.order_by("title")
    if user.is_superuser:
        return courses
    return courses.filter(pk__in=course_ids_editable_by(user))


def may_see_insights(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or bool(course_ids_editable_by(user))
    )


class InsightIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/insight_index.html"
    page_title = _("Course insights")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_insights(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["courses"] = visible_courses(self.request.user)
        return context


class CourseInsightView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/insight_course.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.course = get_object_or_404(CoursePage, pk=kwargs["course_id"])
        if not visible_courses(request.user).filter(pk=self.course.pk).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Insights: %(course)s") % {"course": self.course.title}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("course_insights:index"), "label": _("Course insights")},
            {"url": "", "label": self.course.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            days = int(self.request.GET.get("inactive_days", DEFAULT_INACTIVE_DAYS))
        except ValueError:
            days = DEFAULT_INACTIVE_DAYS
        days = min(max(days, 1), 365)
        context["insight"] = course_insight(course=self.course, inactive_days=days)
        return context
