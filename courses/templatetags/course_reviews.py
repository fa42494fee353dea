"""The course page's ratings section, as an inclusion tag so the page's own
context stays the course's."""

from django import template

from ..review_services import course_reviews

register = template.Library()


@register.inclusion_tag("courses/reviews/section.html", takes_context=True)
def course_reviews_section(context, course):
    request = context.get("request")
    user = getattr(request, "user", None)
    # The course page has already loaded the member's enrolment.
    progress = context.get("progress")
    enrolled = (
        progress.is_enrolled
        if progress is not None and progress.course.pk == course.pk
        else None
    )
    summary = course_reviews(course=course, user=user, enrolled=enrolled)
    return {
        "course": course,
        "summary": summary,
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "ratings": range(5, 0, -1),
    }
