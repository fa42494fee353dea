from django import template

from ..selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_unread(context) -> int:
    """The bell's number for the signed-in member: one COUNT query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)
