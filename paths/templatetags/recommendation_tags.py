"""`{% load recommendation_tags %}{% recommended_for_you %}`: the signed-in
member's stored recommendations, two per kind, for dashboards (one query; a
member without a list yet sees an invitation instead of waiting for one)."""

from django import template

register = template.Library()


@register.inclusion_tag("paths/includes/recommendations.html", takes_context=True)
def recommended_for_you(context):
    from paths.views_recommend import grouped_recommendations

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"groups": [], "compact": True}
    return {
        "groups": grouped_recommendations(user, compute_missing=False),
        "compact": True,
        "request": request,
    }
