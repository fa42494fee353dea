"""Blocks used only by the website's own pages and settings."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

BLOCK_TEMPLATES = "components/streamfield/blocks"


class LinkValue(blocks.StructValue):
    def href(self, request=None) -> str:
        page = self.get("page")
        if page:
            # Unpublished pages would only give visitors a 404.
            return (page.get_url(request) or "") if page.live else ""
        return self.get("url") or ""

    def text(self) -> str:
        page = self.get("page")
        return self.get("label") or (page.title if page else "")


class LinkBlock(blocks.StructBlock):
    """A navigation link to a page of this site or to any URL."""

    label = blocks.CharBlock(
        required=False,
        max_length=60,
        help_text=_("Defaults to the page title for links to pages."),
    )
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(
        required=False,
        max_length=300,
        label=_("URL"),
        help_text=_("A full address (https://…) or a path on this site (/search/)."),
    )

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                block_errors={
                    "page": ValidationError(_("Choose a page or give a URL, not both."))
                }
            )
        if value.get("url") and not value.get("label"):
            raise StructBlockValidationError(
                block_errors={
                    "label": ValidationError(_("Give links to URLs a label."))
                }
            )
        return value

    class Meta:
        icon = "link"
        template = f"{BLOCK_TEMPLATES}/link_block.html"
        value_class = LinkValue


class FeaturedItemBlock(blocks.StructBlock):
    """A page of any type (article, course, …) shown as a card on the home page."""

    page = blocks.PageChooserBlock()
    blurb = blocks.TextBlock(
        required=False,
        max_length=240,
        help_text=_("Optional text for the card; defaults to the page's own intro."),
    )

    class Meta:
        icon = "pick"
        template = f"{BLOCK_TEMPLATES}/featured_item_block.html"
