"""The instructor insight report in the Wagtail admin: a list of the courses
the member may see and, per course, its enrolments, funnel, quiz items and
inactive learners. Instructors see their own courses; superusers all."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .insights import course_insight
from .instructor_services import course_ids_editable_by
from .models import CoursePage, LessonPage, QuizAttempt
from .regrade_services import quiz_regrade, quiz_regrade_allowed, quiz_regrade_pending

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

        lessons = {}
        for item in context["insight"].questions:
            lessons.setdefault(item.lesson.pk, item.lesson)
        context["quiz_lessons"] = list(lessons.values())
        return context


class QuizRegradeView(WagtailAdminTemplateMixin, TemplateView):
    """Regrade attempts of a lesson's quiz after correcting it: a confirmation
    page listing the lesson's quizzes, and the POST that regrades one."""

    template_name = "courses/admin/quiz_regrade.html"
    header_icon = "redirect"

    def dispatch(self, request, *args, **kwargs):
        self.lesson = get_object_or_404(LessonPage, pk=kwargs["lesson_id"])
        if not quiz_regrade_allowed(user=request.user, lesson=self.lesson):
            raise PermissionDenied
        self.course = CoursePage.objects.ancestor_of(self.lesson).first()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Regrade quiz attempts: %(lesson)s") % {"lesson": self.lesson.title}

    def get_breadcrumbs_items(self):
        items = [
            {"url": reverse("course_insights:index"), "label": _("Course insights")}
        ]
        if self.course is not None:
            items.append(
                {
                    "url": reverse("course_insights:course", args=[self.course.pk]),
                    "label": self.course.title,
                }
            )
        return (
            self.breadcrumbs_items + items + [{"url": "", "label": self.lesson.title}]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = quiz_regrade_pending(lesson=self.lesson)
        totals = dict.fromkeys(pending, 0)
        for (quiz_id,) in QuizAttempt.objects.filter(
            lesson=self.lesson, quiz_block_id__in=list(pending)
        ).values_list("quiz_block_id"):
            totals[quiz_id] += 1
        context["quizzes"] = [
            {
                "id": quiz_id,
                "title": value.get("title") or quiz_id,
                "attempts": totals[quiz_id],
                "pending": pending[quiz_id],
            }
            for quiz_id, value in self.lesson.quizzes().items()
        ]
        context["lesson"] = self.lesson
        return context

    def post(self, request, *args, **kwargs):
        quiz_id = request.POST.get("quiz", "")
        try:
            report = quiz_regrade(
                by=request.user, lesson=self.lesson, quiz_block_id=quiz_id
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if report.changed:
                messages.success(
                    request,
                    _(
                        "Regraded %(attempts)d attempts: %(changed)d changed for "
                        "%(learners)d learners; %(completed)d now complete the "
                        "lesson, %(reopened)d no longer do (%(courses)d lost a "
                        "course completion)."
                    )
                    % {
                        "attempts": report.attempts,
                        "changed": report.changed,
                        "learners": report.learners,
                        "completed": report.lessons_completed,
                        "reopened": report.lessons_reopened,
                        "courses": report.courses_reopened,
                    },
                )
            else:
                messages.info(
                    request,
                    _("Regraded %(attempts)d attempts: every result stays as it was.")
                    % {"attempts": report.attempts},
                )
        return redirect("course_insights:regrade", lesson_id=self.lesson.pk)
