"""The content blocks shared by every long-form page (articles now, lessons later).

Everything renders offline: videos are uploaded files or plain links (no oEmbed),
code is highlighted on the server with Pygments into CSS classes.
"""

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

BLOCK_TEMPLATES = "components/streamfield/blocks"
VIDEO_EXTENSIONS = ("mp4", "webm")
RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "code", "document-link"]


class ParagraphBlock(blocks.RichTextBlock):
    """Running text: paragraphs, lists, links."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = f"{BLOCK_TEMPLATES}/paragraph_block.html"


class HeadingValue(blocks.StructValue):
    def anchor_id(self) -> str:
        return slugify(self.get("anchor") or self.get("text") or "")


class HeadingBlock(blocks.StructBlock):
    """A section heading (h2–h4) with an anchor others can link to."""

    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
    )
    anchor = blocks.CharBlock(
        required=False,
        max_length=60,
        help_text=_("Optional link target (#anchor); defaults to the heading text."),
    )

    class Meta:
        icon = "title"
        template = f"{BLOCK_TEMPLATES}/heading_block.html"
        value_class = HeadingValue


class ImageFigureBlock(blocks.StructBlock):
    """An image with the alt text a screen reader announces and a visible caption."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = f"{BLOCK_TEMPLATES}/image_block.html"


def _extension(name: str) -> str:
    return PurePosixPath(urlsplit(name).path).suffix.lstrip(".").lower()


class VideoValue(blocks.StructValue):
    def source_url(self) -> str:
        document = self.get("document")
        return document.url if document else self.get("url") or ""

    def mime_type(self) -> str:
        document = self.get("document")
        extension = _extension(document.filename if document else self.get("url", ""))
        return f"video/{extension}" if extension in VIDEO_EXTENSIONS else ""

    def playable(self) -> bool:
        """True when a browser can play the source in a <video> element."""
        return bool(self.mime_type())


class VideoBlock(blocks.StructBlock):
    """A video: an uploaded MP4/WebM document or a plain link (never an embed)."""

    title = blocks.CharBlock(max_length=150)
    document = DocumentChooserBlock(
        required=False, help_text=_("An uploaded .mp4 or .webm file.")
    )
    url = blocks.URLBlock(
        required=False,
        help_text=_("Or a link to the video; .mp4/.webm links play in the page."),
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    def clean(self, value):
        value = super().clean(value)
        document, url = value.get("document"), value.get("url")
        errors = {}
        if bool(document) == bool(url):
            message = _("Choose an uploaded video or give a link, not both.")
            errors["document"] = ValidationError(message)
        elif document and _extension(document.filename) not in VIDEO_EXTENSIONS:
            message = _("Upload the video as an .mp4 or .webm file.")
            errors["document"] = ValidationError(message)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "media"
        template = f"{BLOCK_TEMPLATES}/video_block.html"
        value_class = VideoValue


CODE_LANGUAGES = [
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("html", "HTML"),
    ("css", "CSS"),
    ("bash", _("Shell")),
    ("sql", "SQL"),
    ("json", "JSON"),
    ("text", _("Plain text")),
]


class CodeValue(blocks.StructValue):
    @cached_property
    def highlighted(self) -> str:
        """The code as HTML with Pygments token classes (styled by pygments.css)."""
        try:
            lexer = get_lexer_by_name(self.get("language") or "text")
        except ClassNotFound:
            lexer = get_lexer_by_name("text")
        formatter = HtmlFormatter(cssclass="highlight", wrapcode=True)
        # Pygments escapes the source itself, so its output is safe HTML.
        return mark_safe(highlight(self.get("code", ""), lexer, formatter))  # noqa: S308


class CodeBlock(blocks.StructBlock):
    """A code listing with syntax highlighting."""

    language = blocks.ChoiceBlock(choices=CODE_LANGUAGES, default="python")
    code = blocks.TextBlock()

    class Meta:
        icon = "code"
        template = f"{BLOCK_TEMPLATES}/code_block.html"
        value_class = CodeValue


class CalloutBlock(blocks.StructBlock):
    """A boxed note that stands out from the text: information, a tip or a warning."""

    kind = blocks.ChoiceBlock(
        choices=[
            ("info", _("Information")),
            ("tip", _("Tip")),
            ("warning", _("Warning")),
        ],
        default="info",
    )
    title = blocks.CharBlock(required=False, max_length=120)
    body = ParagraphBlock()

    class Meta:
        icon = "help"
        template = f"{BLOCK_TEMPLATES}/callout_block.html"


class QuoteBlock(blocks.StructBlock):
    """A pull quote with its attribution."""

    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=150)

    class Meta:
        icon = "openquote"
        template = f"{BLOCK_TEMPLATES}/quote_block.html"


class DocumentBlock(blocks.StructBlock):
    """A file readers can download (slides, worksheets, notebooks)."""

    document = DocumentChooserBlock()
    label = blocks.CharBlock(
        required=False, max_length=120, help_text=_("Defaults to the document title.")
    )

    class Meta:
        icon = "doc-full"
        template = f"{BLOCK_TEMPLATES}/document_block.html"


class ContentStreamBlock(blocks.StreamBlock):
    """The body of articles and lessons."""

    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = ImageFigureBlock()
    video = VideoBlock()
    code = CodeBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    document = DocumentBlock()

    class Meta:
        icon = "doc-full-inverse"
        template = f"{BLOCK_TEMPLATES}/content_stream_block.html"
