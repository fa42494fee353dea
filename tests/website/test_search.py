import pytest

from .conftest import make_article

pytestmark = pytest.mark.django_db


def body(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def test_search_finds_an_article_by_a_word_in_its_body(client, article_index):
    make_article(
        article_index,
        title="Remember more",
        body=body("Ebbinghaus measured forgetting with nonsense syllables."),
    )
    make_article(article_index, title="Unrelated", body=body("Gardening tips."))

    html = client.get("/search/", {"query": "Ebbinghaus"}).content.decode()

    assert 'href="/articles/remember-more/"' in html
    assert "Unrelated" not in html
    assert "1 result for “Ebbinghaus”" in html
    assert 'value="Ebbinghaus"' in html  # the query is echoed in the form


def test_search_ignores_unpublished_pages(client, article_index):
    make_article(
        article_index,
        title="Hidden draft",
        body=body("Zettelkasten explained."),
        publish=False,
    )
    html = client.get("/search/", {"query": "Zettelkasten"}).content.decode()
    assert "Hidden draft" not in html
    assert "Nothing matched your search." in html


def test_search_results_are_paginated(client, article_index):
    for number in range(12):
        make_article(
            article_index, title=f"Metacognition {number}", body=body("Metacognition.")
        )

    first = client.get("/search/", {"query": "metacognition"}).content.decode()
    second = client.get(
        "/search/", {"query": "metacognition", "page": 2}
    ).content.decode()

    assert "12 results" in first
    assert first.count('class="search-result"') == 10
    assert second.count('class="search-result"') == 2
    assert "page=2" in first and "query=metacognition" in first


def test_search_without_a_query_invites_one(client):
    html = client.get("/search/").content.decode()
    assert "Type a word or two above" in html
