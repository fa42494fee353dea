"""Markdown written by members, rendered to HTML that is safe to show anyone.

Rendering is two steps: the `markdown` package (fenced code highlighted on the
server by Pygments into CSS classes, styled by static/css/pygments.css), then
nh3 with an allow-list. Only the sanitiser's output is trusted: raw HTML in the
source and whatever Markdown makes of hostile input pass through it."""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from pygments.token import STANDARD_TYPES

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "blockquote",
        "br",
        "code",
        "del",
        "div",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
# No data: (inline images and HTML documents) and no javascript:/vbscript:;
# relative URLs stay (links to other pages of the site).
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
# Classes only where Pygments puts them, so members cannot borrow the site's
# component classes (a fake "button", a full-screen "hero").
HIGHLIGHT_CLASS = "highlight"
ALLOWED_CLASSES = {
    "div": {HIGHLIGHT_CLASS},
    "span": {name for name in STANDARD_TYPES.values() if name},
}
# Dropped with their content, not just unwrapped.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript"}
)

_EXTENSIONS = ["fenced_code", "codehilite", "tables", "sane_lists", "nl2br"]
_EXTENSION_CONFIGS = {
    "codehilite": {
        "css_class": HIGHLIGHT_CLASS,
        "guess_lang": False,  # unlabelled blocks stay plain, not mis-coloured
        "use_pygments": True,
    }
}


def markdown_to_html(source: str) -> str:
    """The sanitised HTML for a member's Markdown (a plain str, for storing)."""
    converter = markdown_lib.Markdown(
        extensions=_EXTENSIONS,
        extension_configs=_EXTENSION_CONFIGS,
        output_format="html",
    )
    return html_sanitise(converter.convert(source or ""))


def html_sanitise(html: str) -> str:
    """Keep only allow-listed tags, attributes, classes and URL schemes."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str) -> SafeString:
    """For templates: the sanitised HTML, marked safe."""
    # Safe: html_sanitise's allow-list is the only way out of markdown_to_html.
    return mark_safe(markdown_to_html(source))  # noqa: S308
