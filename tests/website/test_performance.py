from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import make_article, make_image

pytestmark = pytest.mark.django_db


def add_articles(index, start, stop):
    for number in range(start, stop):
        make_article(
            index,
            title=f"Article {number}",
            date=date(2025, 1, number + 1),
            cover_image=make_image(title=f"Cover {number}"),
            tags=[f"tag-{number}", "shared"],
        )


def queries_to_render(client, url):
    client.get(url)  # warm up: renditions are generated on first view
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_article_index_makes_no_query_per_article(
    client, article_index, django_assert_max_num_queries
):
    add_articles(article_index, 0, 3)
    with_three = queries_to_render(client, "/articles/")

    add_articles(article_index, 3, 10)  # the first page now shows 9 cards
    client.get("/articles/")  # warm up the new renditions
    with django_assert_max_num_queries(with_three):
        html = client.get("/articles/").content.decode()

    assert html.count('class="card"') == 9
    assert "Article 9" in html and "Article 1" in html


def feature(home_page, articles):
    home_page.featured = [
        {"type": "item", "value": {"page": article.pk, "blurb": ""}}
        for article in articles
    ]
    home_page.save_revision().publish()


def test_home_page_makes_no_query_per_featured_card(
    client, site, article_index, home_page, django_assert_max_num_queries
):
    add_articles(article_index, 0, 6)
    articles = list(article_index.get_children().specific().order_by("pk"))
    feature(home_page, articles[:2])
    with_two = queries_to_render(client, "/")

    feature(home_page, articles)
    client.get("/")  # warm up the new renditions
    with django_assert_max_num_queries(with_two):
        html = client.get("/").content.decode()

    assert html.count('class="card"') == 6
