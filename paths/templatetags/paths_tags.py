"""Template tags other pages use to point members at their learning path."""

from django import template

from ..models import LearningPath

register = template.Library()


@register.inclusion_tag("paths/includes/path_cta.html", takes_context=True)
def learning_path_cta(context) -> dict:
    """A "My path" link for a member with a goal, else a "Set my goal" call to
    action; nothing for visitors. 1 query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"hidden": True}
    return {"has_path": LearningPath.objects.filter(member=user).exists()}
