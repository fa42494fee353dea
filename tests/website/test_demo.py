import pytest
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from website.demo import seed_website
from website.models import ArticlePage, HomePage, NavigationSettings

pytestmark = pytest.mark.django_db


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
    }


def test_seed_website_is_idempotent(author):
    first = seed_website(authors=[author])
    after_first = counts()
    second = seed_website(authors=[author])

    assert first == second
    assert counts() == after_first
    assert first["articles"] >= 8
    assert first["standard pages"] == 2


def test_seeded_site_is_browsable(client, author):
    seed_website(authors=[author])

    home = client.get("/").content.decode()
    articles = client.get("/articles/").content.decode()
    article = client.get("/articles/learn-python-by-building-projects/")

    assert "Learn together, at your own pace" in home
    assert "Spaced repetition" in home  # a featured article
    assert articles.count('class="card"') == 8
    assert article.status_code == 200
    assert '<span class="kn">import</span>' in article.content.decode()
    assert "By Grace Hopper" in article.content.decode()
    assert 'href="/about/"' in home  # navigation from the settings


def test_seeded_articles_are_published_with_body_tags_and_covers(author):
    seed_website(authors=[author])
    articles = ArticlePage.objects.live()

    assert articles.count() == 8
    for article in articles:
        assert article.has_unpublished_changes is False
        assert article.cover_image is not None
        assert article.tags.exists()
        assert len(article.body) >= 4
    block_types = {block.block_type for a in articles for block in a.body}
    assert {"heading", "code", "callout", "quote"} <= block_types
    assert HomePage.objects.get().featured
    assert NavigationSettings.objects.get().header_links


def test_seed_website_works_without_authors():
    result = seed_website(authors=[])
    assert result["articles"] == 8
    assert not ArticlePage.objects.filter(author__isnull=False).exists()
