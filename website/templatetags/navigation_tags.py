"""Header and footer navigation from the site's NavigationSettings."""

from django import template

from website.models import NavigationSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation_links(context, which: str) -> list[dict]:
    """The "header" or "footer" links as dicts (href, text, current) for the
    request's site; an empty list when no site matches the request."""
    request = context.get("request")
    if request is None:
        return []
    try:
        navigation = NavigationSettings.for_request(request)
    except NavigationSettings.DoesNotExist:
        return []
    stream = navigation.header_links if which == "header" else navigation.footer_links
    links = []
    for block in stream:
        href, text = block.value.href(request), block.value.text()
        if not (href and text):
            continue  # a link to a deleted or unpublished page
        current = href == request.path or (
            href != "/" and request.path.startswith(href)
        )
        links.append({"href": href, "text": text, "current": current})
    return links


@register.simple_tag(takes_context=True)
def footer_text(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    try:
        return NavigationSettings.for_request(request).footer_text
    except NavigationSettings.DoesNotExist:
        return ""
