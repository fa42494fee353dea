import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Site

from members.models import User
from website.models import ArticleIndexPage, ArticlePage, HomePage, StandardPage


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_image(**kwargs):
    kwargs.setdefault("title", "Test picture")
    kwargs.setdefault("description", "A small blue rectangle")
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), (40, 60, 200)).save(buffer, format="PNG")
    image = get_image_model()(**kwargs)
    image.file = ImageFile(buffer, name="test.png")
    image.save()
    return image


def make_article(index, *, publish=True, tags=(), **kwargs):
    kwargs.setdefault("title", "Why practice beats rereading")
    kwargs.setdefault("slug", kwargs["title"].lower().replace(" ", "-"))
    kwargs.setdefault("intro", "A short introduction for listings.")
    kwargs.setdefault(
        "body",
        [
            {
                "type": "paragraph",
                "value": "<p>Practising recall makes memories last.</p>",
            }
        ],
    )
    article = index.add_child(instance=ArticlePage(live=publish, **kwargs))
    if tags:
        article.tags.set(list(tags))
    revision = article.save_revision()
    if publish:
        revision.publish()
    return article


def make_standard_page(parent, **kwargs):
    kwargs.setdefault("title", "About us")
    kwargs.setdefault("slug", kwargs["title"].lower().replace(" ", "-"))
    page = parent.add_child(instance=StandardPage(**kwargs))
    page.save_revision().publish()
    return page


@pytest.fixture
def home_page():
    """The HomePage the data migration puts at the default site's root."""
    return HomePage.objects.get()


@pytest.fixture
def site(home_page):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def article_index(home_page):
    index = home_page.add_child(
        instance=ArticleIndexPage(
            title="Articles", slug="articles", intro="<p>Ideas on learning.</p>"
        )
    )
    index.save_revision().publish()
    return index


@pytest.fixture
def author():
    return User.objects.create_user(
        username="grace", email="grace@example.com", display_name="Grace Hopper"
    )


@pytest.fixture
def image():
    return make_image()
