"""The public site's pages: home, articles, standard pages, and site navigation."""

import math

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.blocks import ContentStreamBlock
from core.pages import CardMixin, prefetch_cards

from .blocks import FeaturedItemBlock, LinkBlock

IMAGE_MODEL = "wagtailimages.Image"
WORDS_PER_MINUTE = 200
ARTICLES_PER_PAGE = 9


class HomePage(CardMixin, Page):
    """The front page: a hero, featured pages of any type and a call to join."""

    hero_title = models.CharField(_("hero title"), max_length=120, blank=True)
    hero_lead = models.TextField(_("hero lead"), max_length=400, blank=True)
    hero_image = models.ForeignKey(
        IMAGE_MODEL,
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_cta_label = models.CharField(
        _("call-to-action label"), max_length=60, blank=True
    )
    hero_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("call-to-action page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    featured_heading = models.CharField(
        _("featured heading"), max_length=120, blank=True, default="Featured"
    )
    featured = StreamField(
        [("item", FeaturedItemBlock())],
        blank=True,
        verbose_name=_("featured pages"),
        help_text=_("Articles, courses or any other pages to show as cards."),
    )
    join_heading = models.CharField(
        _("join heading"), max_length=120, blank=True, default="Learn together"
    )
    join_text = models.TextField(_("join text"), max_length=400, blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_lead"),
                FieldPanel("hero_image"),
                FieldPanel("hero_cta_label"),
                FieldPanel("hero_cta_page"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("featured_heading"),
        FieldPanel("featured"),
        MultiFieldPanel(
            [FieldPanel("join_heading"), FieldPanel("join_text")],
            heading=_("Call to join (shown to visitors who are not signed in)"),
        ),
    ]

    search_fields = Page.search_fields + [index.SearchField("hero_lead")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    # Apps that add top-level sections (courses, forum) add their index page here.
    subpage_types = [
        "website.ArticleIndexPage",
        "website.StandardPage",
        "courses.CourseIndexPage",
        "courses.EventIndexPage",
        "paths.CuratedPathIndexPage",
    ]
    template = "pages/home_page.html"

    def featured_cards(self) -> list[dict]:
        """The featured pages that are live, in editor order, as card data."""
        items = [
            (block["value"].get("page"), block["value"].get("blurb", ""))
            for block in self.featured.raw_data
            if block.get("type") == "item"
        ]
        ids = [page_id for page_id, _blurb in items if page_id]
        pages = {
            page.pk: page
            for page in Page.objects.filter(pk__in=ids).live().public().specific()
        }
        prefetch_cards(pages.values())
        return [
            {"page": pages[page_id], "blurb": blurb or pages[page_id].card_summary}
            for page_id, blurb in items
            if page_id in pages
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        cards = self.featured_cards()
        if not cards:
            latest = ArticlePage.objects.live().public().for_listing()[:3]
            cards = [{"page": article, "blurb": article.intro} for article in latest]
        context["featured_cards"] = cards
        return context


class ArticleIndexPage(CardMixin, Page):
    """The list of articles, newest first, filterable by tag."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.ArticlePage"]
    template = "pages/article_index_page.html"

    @property
    def card_summary(self) -> str:
        return strip_tags(self.intro) or super().card_summary

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "").strip()[:100]
        articles = ArticlePage.objects.child_of(self).live().public().for_listing()
        if tag:
            articles = articles.filter(tags__name=tag)
        context["tag"] = tag
        context["articles"] = Paginator(articles, ARTICLES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return context


class ArticlePageQuerySet(PageQuerySet):
    def for_listing(self) -> "ArticlePageQuerySet":
        """Newest first, with everything a card shows fetched up front (no N+1)."""
        return (
            self.order_by("-date", "-first_published_at", "-pk")
            .select_related("cover_image", "author")
            .prefetch_related("cover_image__renditions")
        )


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "website.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(CardMixin, Page):
    """A long-form article by a community author."""

    card_related = ("cover_image",)

    intro = models.TextField(
        _("intro"), max_length=400, help_text=_("One or two sentences for listings.")
    )
    cover_image = models.ForeignKey(
        IMAGE_MODEL,
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"))
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )

    objects = PageManager.from_queryset(ArticlePageQuerySet)()

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [FieldPanel("author"), FieldPanel("date"), FieldPanel("tags")],
            heading=_("Details"),
        ),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["website.ArticleIndexPage"]
    subpage_types = []
    template = "pages/article_page.html"

    @property
    def card_image(self):
        return self.cover_image

    @property
    def card_summary(self) -> str:
        return self.intro

    def compute_reading_minutes(self) -> int:
        """Minutes to read the intro and body at an unhurried 200 words a minute."""
        texts = [self.intro, *self.body.stream_block.get_searchable_content(self.body)]
        words = sum(len(strip_tags(str(text)).split()) for text in texts)
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    def save(self, *args, **kwargs):
        self.reading_minutes = self.compute_reading_minutes()
        return super().save(*args, **kwargs)


class StandardPage(CardMixin, Page):
    """A plain content page: about, guidelines, help."""

    intro = models.TextField(_("intro"), max_length=400, blank=True)
    body = StreamField(ContentStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["website.HomePage", "website.StandardPage"]
    subpage_types = ["website.StandardPage"]
    template = "pages/standard_page.html"

    @property
    def card_summary(self) -> str:
        return self.intro or super().card_summary


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """The links in the site header and footer."""

    header_links = StreamField(
        [("link", LinkBlock())], blank=True, verbose_name=_("header links")
    )
    footer_links = StreamField(
        [("link", LinkBlock())], blank=True, verbose_name=_("footer links")
    )
    footer_text = models.CharField(_("footer text"), max_length=200, blank=True)

    panels = [
        FieldPanel("header_links"),
        FieldPanel("footer_links"),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = _("navigation")
