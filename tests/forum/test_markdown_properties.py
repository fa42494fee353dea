"""Property-based: whatever a member types, the rendered HTML holds only
allow-listed tags and attributes, no event handlers, no styles and no URL
with a dangerous scheme (checked on the parsed output, not by substring)."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    markdown_to_html,
)

FRAGMENTS = [
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="',
    '">',
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "&#106;",
    "&#x6A;",
    "data:text/html,",
    "vbscript:",
    "<iframe ",
    "<style>",
    "style=",
    "onclick=",
    " onmouseover=",
    "[x](",
    ")",
    "![i](",
    '<div class="hero">',
    "```",
    "```html\n",
    "`",
    "\n",
    "\n\n",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=",
    "<embed src=",
    "<form action=",
    "<input ",
    "<base href=",
    "<meta http-equiv=refresh content=0;url=",
    '"',
    "'",
    "<",
    ">",
    "&",
    "*",
    "_",
    "<a href='//evil.example'>",
    '<a href="https://ok.example" target=_blank>',
    "<td background=",
    "<img srcset=",
    '<p style="color:red">',
]

hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40
).map("".join)

URL_ATTRIBUTES = {"href", "src"}
GLOBAL_EXTRA = {"a": {"rel"}, "div": {"class"}, "span": {"class"}}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _scheme(url: str) -> str:
    cleaned = "".join(ch for ch in url if ch.isprintable() and not ch.isspace())
    return urlsplit(cleaned).scheme.lower()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_rendered_html_only_holds_what_the_allow_list_permits(source):
    collector = _Collector()
    collector.feed(markdown_to_html(source))
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, tag
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | GLOBAL_EXTRA.get(tag, set())
        for name, value in attrs:
            assert name in allowed, (tag, name)
            assert not name.startswith("on")
            if name in URL_ATTRIBUTES and value:
                scheme = _scheme(value)
                assert scheme in URL_SCHEMES or scheme == "", (tag, value)
            if name == "class" and value:
                assert set(value.split()) <= ALLOWED_CLASSES[tag], value
            if name == "rel":
                assert value == "nofollow ugc noopener"


words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüßçñ", min_size=1, max_size=12),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(words)
def test_plain_words_all_survive_rendering(word_list):
    html = markdown_to_html(" ".join(word_list))
    for word in word_list:
        assert word in html
