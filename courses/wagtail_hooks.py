from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import insight_views, instructor_services
from .models import (
    CourseIndexPage,
    CourseInstructor,
    CoursePage,
    LessonPage,
    Skill,
    Topic,
)
from .regrade_services import quiz_regrade_allowed


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "folder-open-inverse"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class SkillViewSet(SnippetViewSet):
    model = Skill
    icon = "tick-inverse"
    list_display = ["name", "topic"]
    list_filter = ["topic"]
    search_fields = ["name", "description"]


class SkillsTaxonomyGroup(SnippetViewSetGroup):
    items = (TopicViewSet, SkillViewSet)
    menu_icon = "tick-inverse"
    menu_label = _("Skills")
    menu_name = "skills"


register_snippet(SkillsTaxonomyGroup)


# Instructor permissions (see courses/instructor_services.py) ------------------


@hooks.register("after_create_page")
def course_creator_teaches_it(request, page) -> None:
    """Whoever creates a course becomes its instructor and may go on editing it."""
    if isinstance(page.specific, CoursePage):
        course = page.specific
        if request.user.is_superuser:
            instructor_services.course_instructors_sync(course=course)
        else:
            instructor_services.course_instructor_add(course=course, user=request.user)


@hooks.register("before_create_page")
def only_a_course_s_instructors_add_to_it(request, parent_page, page_class):
    """Adding to the catalogue is open to instructors, and Wagtail grants apply
    to a whole subtree, so adding inside a course needs the right to edit it."""
    if request.user.is_superuser or parent_page.depth <= 2:
        return None
    course = instructor_services.course_of_page(parent_page)
    if course is not None and not course.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return None


@hooks.register("construct_explorer_page_queryset")
def instructors_see_their_own_courses(parent_page, pages, request):
    """In the catalogue, members who may not edit every course see only the
    courses they own or teach."""
    user = request.user
    if user.is_superuser or not isinstance(parent_page.specific, CourseIndexPage):
        return pages
    if parent_page.permissions_for_user(user).can_edit():
        return pages
    return pages.filter(
        Q(owner=user)
        | Q(pk__in=CourseInstructor.objects.filter(user=user).values("course_id"))
    )


# Instructor insight report ---------------------------------------------------


@hooks.register("register_admin_urls")
def course_insight_urls():
    urls = [
        path("", insight_views.InsightIndexView.as_view(), name="index"),
        path(
            "<int:course_id>/",
            insight_views.CourseInsightView.as_view(),
            name="course",
        ),
        path(
            "lessons/<int:lesson_id>/regrade/",
            insight_views.QuizRegradeView.as_view(),
            name="regrade",
        ),
    ]
    return [path("course-insights/", include((urls, "course_insights")))]


class CourseInsightMenuItem(MenuItem):
    def is_shown(self, request):
        return insight_views.may_see_insights(request.user)


@hooks.register("register_reports_menu_item")
def course_insight_menu_item():
    return CourseInsightMenuItem(
        _("Course insights"),
        reverse("course_insights:index"),
        icon_name="doc-full",
        order=900,
    )


# Assignments to grade (the grading pages live in the site, /learn/instructor/) --


class GradingMenuItem(MenuItem):
    def is_shown(self, request):
        from .assignment_services import assignment_is_grader

        return assignment_is_grader(user=request.user)


@hooks.register("register_admin_menu_item")
def grading_menu_item():
    return GradingMenuItem(
        _("Assignments to grade"),
        reverse("courses:grading_queue"),
        icon_name="clipboard-list",
        order=950,
    )


@hooks.register("register_page_header_buttons")
def regrade_button(page, user, view_name, next_url=None):
    """On a lesson with a quiz: regrade its attempts after correcting it."""
    specific = page.specific_deferred
    if not isinstance(specific, LessonPage) or not specific.has_quiz:
        return
    if quiz_regrade_allowed(user=user, lesson=specific):
        yield Button(
            _("Regrade quiz attempts"),
            reverse("course_insights:regrade", args=[page.pk]),
            icon_name="redirect",
            priority=80,
        )
