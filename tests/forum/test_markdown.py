"""Members' Markdown becomes safe HTML (core.markdown)."""

import pytest

from core.markdown import markdown_to_html, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '<a href="vbscript:msgbox(1)">x</a>',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="position:fixed;inset:0">cover</div>',
    '<p onmouseover="alert(1)">hover</p>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name="password"></form>',
    '<a href="https://example.org" target="_blank" onclick="x()">x</a>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markup_loses_scripts_handlers_and_dangerous_urls(source):
    html = markdown_to_html(source).lower()
    for banned in (
        "<script",
        "javascript:",
        "vbscript:",
        "data:",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "<iframe",
        "<svg",
        "<style",
        "style=",
        "<form",
        "<input",
        "target=",
    ):
        assert banned not in html, (source, html)


def test_script_content_is_dropped_not_shown_as_text():
    assert "alert" not in markdown_to_html("Hi <script>alert(1)</script>")


def test_links_are_kept_and_marked_as_user_content():
    html = markdown_to_html("See [the docs](https://docs.example.org/x).")
    assert 'href="https://docs.example.org/x"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_relative_and_mailto_links_survive():
    html = markdown_to_html("[home](/learn/) and [mail](mailto:hi@example.org)")
    assert 'href="/learn/"' in html
    assert 'href="mailto:hi@example.org"' in html


def test_http_images_are_allowed_with_alt_text():
    html = markdown_to_html("![A chart](https://img.example.org/chart.png)")
    assert '<img alt="A chart" src="https://img.example.org/chart.png">' in html


def test_fenced_code_is_highlighted_with_pygments_classes():
    html = markdown_to_html("```python\ndef answer():\n    return 42\n```")
    assert '<div class="highlight">' in html
    assert '<span class="k">def</span>' in html  # keyword token
    assert '<span class="mi">42</span>' in html  # integer token


def test_code_is_escaped_not_executed():
    html = markdown_to_html("```html\n<script>alert(1)</script>\n```")
    assert "<script>" not in html
    assert "&lt;" in html and "script" in html


def test_members_cannot_borrow_site_component_classes():
    html = markdown_to_html('<div class="hero button">big</div>')
    assert "hero" not in html and "button" not in html


def test_everyday_markdown_renders():
    html = markdown_to_html(
        "# Title\n\n**bold** _it_ `code`\n\n- one\n- two\n\n> quoted\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )
    for fragment in ("<strong>bold</strong>", "<em>it</em>", "<code>code</code>"):
        assert fragment in html
    assert "<li>one</li>" in html and "<blockquote>" in html and "<td>1</td>" in html


def test_render_markdown_is_marked_safe_for_templates():
    assert hasattr(render_markdown("*x*"), "__html__")
