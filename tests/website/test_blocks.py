import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from core.blocks import ContentStreamBlock, VideoBlock

pytestmark = pytest.mark.django_db


def make_document(name="lesson.mp4", title="Lesson recording"):
    document = get_document_model()(title=title)
    document.file.save(name, ContentFile(b"not really a video"), save=False)
    document.save()
    return document


def render_stream(raw):
    block = ContentStreamBlock()
    return block.render(block.to_python(raw))


def test_every_block_renders(image):
    handout = make_document("handout.pdf", "Week 1 handout")
    recording = make_document("talk.webm", "Recorded talk")
    raw = [
        {"type": "paragraph", "value": "<p>Plain <b>rich</b> text.</p>"},
        {"type": "heading", "value": {"text": "Next steps", "level": "h3"}},
        {
            "type": "image",
            "value": {"image": image.pk, "alt_text": "A chart", "caption": "Fig. 1"},
        },
        {
            "type": "video",
            "value": {"title": "Our talk", "document": recording.pk, "url": ""},
        },
        {
            "type": "code",
            "value": {
                "language": "python",
                "code": "def add(a, b):\n    return a + b\n",
            },
        },
        {
            "type": "callout",
            "value": {"kind": "warning", "title": "Careful", "body": "<p>Hot!</p>"},
        },
        {"type": "quote", "value": {"text": "Know thyself.", "attribution": "Delphi"}},
        {"type": "document", "value": {"document": handout.pk, "label": "Handout"}},
    ]

    html = render_stream(raw)

    assert "Plain <b>rich</b> text." in html
    assert '<h3 id="next-steps" class="block-heading">Next steps</h3>' in html
    assert 'alt="A chart"' in html and "<figcaption>Fig. 1</figcaption>" in html
    assert "<video" in html and 'type="video/webm"' in html and recording.url in html
    assert '<span class="k">def</span>' in html  # Pygments token classes
    assert '<span class="nf">add</span>' in html
    assert 'class="callout callout--warning"' in html and "Hot!" in html
    assert "<blockquote><p>Know thyself.</p></blockquote>" in html
    assert "— Delphi" in html
    assert f'href="{handout.url}"' in html and "Handout" in html


def test_code_is_escaped_not_executed():
    html = render_stream(
        [{"type": "code", "value": {"language": "html", "code": "<script>x</script>"}}]
    )
    assert "<script>" not in html
    assert "&lt;" in html


def test_external_video_link_renders_without_fetching_anything():
    html = render_stream(
        [
            {
                "type": "video",
                "value": {
                    "title": "Intro lecture",
                    "url": "https://videos.example.org/watch/42",
                    "caption": "",
                },
            }
        ]
    )
    assert '<a href="https://videos.example.org/watch/42"' in html
    assert "Watch “Intro lecture”" in html
    assert "<video" not in html and "<iframe" not in html


def test_direct_mp4_link_plays_in_the_page():
    html = render_stream(
        [
            {
                "type": "video",
                "value": {"title": "Clip", "url": "https://example.org/clip.mp4"},
            }
        ]
    )
    assert '<source src="https://example.org/clip.mp4" type="video/mp4">' in html


def test_video_block_needs_exactly_one_source_of_the_right_kind():
    block = VideoBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "Nothing", "document": None, "url": ""}))

    video = make_document("talk.mp4")
    both = {"title": "Both", "document": video.pk, "url": "https://example.org/a"}
    with pytest.raises(ValidationError):
        block.clean(block.to_python(both))

    slides = make_document("slides.pdf")
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "PDF", "document": slides.pk, "url": ""}))

    cleaned = block.clean(
        block.to_python({"title": "Fine", "document": video.pk, "url": ""})
    )
    assert cleaned["document"] == video


def test_mp4_and_webm_uploads_are_allowed(settings):
    assert {"mp4", "webm"} <= set(settings.WAGTAILDOCS_EXTENSIONS)
