"""The course page's ratings section, as an inclusion tag so the page's own
context stays the course's."""

from django import template

from ..review_services import course_reviews

register = template.Library()


@register.inclusion_tag("courses/reviews/section.html", takes_context=True)
def course_reviews_section(context, course):
    request = context.get("request")
    user = getattr(request, "user", None)
    summary = course_reviews(course=course, user=user)
    return {
        "course": course,
        "summary": summary,
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "ratings": range(5, 0, -1),
    }
