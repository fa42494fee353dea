from datetime import date

import pytest
from wagtail.models import Page, Site

from website.models import ArticleIndexPage, ArticlePage, HomePage, StandardPage

from .conftest import make_article, make_standard_page

pytestmark = pytest.mark.django_db


def test_fresh_database_has_a_home_page_as_the_default_site_root(home_page):
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == home_page
    assert not Page.objects.filter(
        depth=2, content_type__app_label="wagtailcore", content_type__model="page"
    ).exists()  # Wagtail's "Welcome" page was replaced


def test_page_tree_rules(home_page, article_index):
    root = Page.get_first_root_node()
    about = make_standard_page(home_page)

    assert not HomePage.can_create_at(root)  # max_count = 1, one already exists
    assert ArticlePage.can_create_at(article_index)
    assert not ArticlePage.can_create_at(home_page)
    assert not ArticlePage.can_create_at(about)
    assert ArticleIndexPage.can_create_at(home_page)
    assert not ArticleIndexPage.can_create_at(about)
    assert StandardPage.can_create_at(about)
    assert not StandardPage.can_create_at(article_index)


def test_home_page_shows_hero_featured_pages_and_join_call(
    client, home_page, article_index
):
    article = make_article(article_index, title="Spacing your reviews")
    home_page.hero_title = "Learn with friends"
    home_page.hero_lead = "A calm place to study."
    home_page.featured = [{"type": "item", "value": {"page": article.pk, "blurb": ""}}]
    home_page.save_revision().publish()

    html = client.get("/").content.decode()

    assert "Learn with friends" in html
    assert "A calm place to study." in html
    assert 'href="/articles/spacing-your-reviews/"' in html
    assert "A short introduction for listings." in html  # the card's summary
    assert 'href="/accounts/signup/"' in html


def test_home_page_hides_the_join_call_from_members(
    client, home_page, author, article_index
):
    client.force_login(author)
    html = client.get("/").content.decode()
    assert 'id="join-title"' not in html
    assert "Grace Hopper" in html


def test_home_page_falls_back_to_latest_articles(client, home_page, article_index):
    make_article(article_index, title="The newest idea", date=date(2025, 5, 1))
    html = client.get("/").content.decode()
    assert "The newest idea" in html


def test_unpublished_featured_page_is_left_out(client, home_page, article_index):
    draft = make_article(article_index, title="Secret draft", publish=False)
    home_page.featured = [{"type": "item", "value": {"page": draft.pk, "blurb": ""}}]
    home_page.save_revision().publish()
    assert "Secret draft" not in client.get("/").content.decode()


def test_article_page_renders_its_content(client, article_index, author, image):
    make_article(
        article_index,
        title="Notes that teach",
        intro="Write notes in your own words.",
        author=author,
        cover_image=image,
        date=date(2025, 3, 4),
        tags=["notes", "memory"],
        body=[
            {"type": "heading", "value": {"text": "Cornell notes", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Divide the page into columns.</p>"},
        ],
    )

    response = client.get("/articles/notes-that-teach/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1" in html and "Notes that teach" in html
    assert "Write notes in your own words." in html
    assert "By Grace Hopper" in html
    assert "1 min read" in html
    assert '<h2 id="cornell-notes"' in html
    assert "Divide the page into columns." in html
    assert 'alt="A small blue rectangle"' in html
    assert 'href="/articles/?tag=memory"' in html


def test_reading_time_grows_with_the_body(article_index):
    words = " ".join(["word"] * 900)
    article = make_article(
        article_index, body=[{"type": "paragraph", "value": f"<p>{words}</p>"}]
    )
    article.refresh_from_db()
    assert article.reading_minutes == 5  # 900 words + intro at 200 a minute


def test_article_index_lists_live_articles_newest_first(client, article_index):
    make_article(article_index, title="Older article", date=date(2024, 1, 1))
    make_article(article_index, title="Newer article", date=date(2025, 1, 1))
    make_article(article_index, title="Draft article", publish=False)

    html = client.get("/articles/").content.decode()

    assert "Ideas on learning." in html
    assert html.index("Newer article") < html.index("Older article")
    assert "Draft article" not in html


def test_article_index_paginates(client, article_index):
    for number in range(11):
        make_article(
            article_index, title=f"Article {number:02d}", date=date(2025, 1, number + 1)
        )

    first = client.get("/articles/").content.decode()
    second = client.get("/articles/?page=2").content.decode()

    assert "Article 10" in first and "Article 02" in first
    assert "Article 01" not in first
    assert "Article 01" in second and "Article 00" in second
    assert "Page 2 of 2" in second


def test_article_index_filters_by_tag(client, article_index):
    make_article(article_index, title="About memory", tags=["memory"])
    make_article(article_index, title="About motivation", tags=["motivation"])

    html = client.get("/articles/?tag=memory").content.decode()

    assert "About memory" in html
    assert "About motivation" not in html
    assert "Show all articles" in html


def test_standard_page_renders(client, home_page):
    make_standard_page(
        home_page,
        title="Community guidelines",
        intro="Be kind and be helpful.",
        body=[{"type": "paragraph", "value": "<p>Criticise ideas, not people.</p>"}],
    )
    html = client.get("/community-guidelines/").content.decode()
    assert "Be kind and be helpful." in html
    assert "Criticise ideas, not people." in html


def test_course_catalogue_can_live_under_the_home_page(home_page):
    from courses.models import CourseIndexPage

    assert CourseIndexPage.can_create_at(home_page)
