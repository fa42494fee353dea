"""Forum search: what is found, in what order, and what never is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.search import highlight, query_words, search_posts

from .conftest import make_board, make_post, make_topic, make_user

pytestmark = pytest.mark.django_db

URL = reverse("forum:search")


def found(query, viewer=None, page=1):
    return list(search_posts(query=query, viewer=viewer, page_number=page))


def test_finds_posts_by_topic_title_and_body():
    topic = make_topic(title="Reading CSV files", body="Use pandas for tables.")
    reply = make_post(topic=topic, body_markdown="Try the sep argument for semicolons.")
    assert [p.pk for p in found("semicolons")] == [reply.pk]
    # A title word finds every post of the topic, the opening post first.
    assert [p.number for p in found("csv")] == [1, 2]


def test_every_word_must_match_and_title_matches_rank_first():
    in_title = make_topic(title="Pandas groupby explained", body="Sum per region.")
    in_body = make_topic(title="Help with a report", body="pandas groupby is slow")
    make_topic(title="Pandas only", body="nothing else here")
    results = found("pandas groupby")
    assert [p.topic_id for p in results] == [in_title.pk, in_body.pk]


def test_hidden_deleted_posts_and_hidden_topics_are_never_found():
    topic = make_topic(title="Visible topic", body="zebracorn visible")
    make_post(topic=topic, body_markdown="zebracorn deleted", is_deleted=True)
    make_post(topic=topic, body_markdown="zebracorn hidden", is_hidden=True)
    make_topic(title="Hidden topic", body="zebracorn in a hidden topic", is_hidden=True)
    results = found("zebracorn")
    assert [p.body_markdown for p in results] == ["zebracorn visible"]


def test_pages_and_constant_query_count(client):
    board = make_board()
    topic = make_topic(board=board, title="Many replies", body="quokka opening")
    for n in range(24):
        make_post(topic=topic, body_markdown=f"quokka reply {n}")
    assert len(found("quokka")) == 20
    assert len(found("quokka", page=2)) == 5
    client.force_login(make_user())
    client.get(URL, {"q": "warm up"})  # site settings and navigation get cached
    with CaptureQueriesContext(connection) as full_page:
        response = client.get(URL, {"q": "quokka"})
    assert response.status_code == 200
    assert response.content.decode().count('class="forum-search-result"') == 20
    with CaptureQueriesContext(connection) as short_page:
        client.get(URL, {"q": "quokka", "page": 2})
    # Session, member, 2 permission checks (the admin user bar), site and
    # navigation as on every page; visible boards, count, the page — not one
    # per result.
    assert len(full_page) == len(short_page)
    assert len(full_page) <= 9, [q["sql"] for q in full_page.captured_queries]


def test_results_are_highlighted_and_escaped(client):
    make_topic(
        title="<b>bold</b> question about Pandas",
        body="pandas reading <script>alert(1)</script> tables",
    )
    html = client.get(URL, {"q": "pandas <tables>"}).content.decode()
    assert "<mark>Pandas</mark>" in html
    assert "<mark>pandas</mark>" in html
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert" not in html


def test_empty_query_shows_the_form_only(client):
    make_topic(title="Anything", body="text")
    response = client.get(URL, {"q": "   "})
    assert response.status_code == 200
    assert b"forum-search-result" not in response.content


def test_query_words_and_highlight_helpers():
    assert query_words("Pandas, pandas! CSV-files a") == ["pandas", "csv-files"]
    marked = highlight("Read <CSV> files; reading", ["read"])
    assert str(marked) == "<mark>Read</mark> &lt;CSV&gt; files; <mark>read</mark>ing"
    long = "x " * 200 + "needle " + "y " * 200
    cut = str(highlight(long, ["needle"], window=60))
    assert cut.startswith("…") and cut.endswith("…")
    assert "<mark>needle</mark>" in cut


def test_the_community_index_links_to_search(client):
    html = client.get(reverse("forum:boards")).content.decode()
    assert f'href="{URL}"' in html


def _private_board():
    from forum.models import Group, GroupMembership

    group = Group.objects.create(
        name="Night owls", slug="night-owls", visibility=Group.Visibility.PRIVATE
    )
    insider = make_user()
    GroupMembership.objects.create(group=group, member=insider)
    pending = make_user()
    GroupMembership.objects.create(
        group=group, member=pending, status=GroupMembership.Status.PENDING
    )
    return make_board(name="Owls only", group=group), insider, pending


def test_a_private_groups_topics_are_found_by_its_members_only(client):
    board, insider, pending = _private_board()
    topic = make_topic(board=board, title="Secret owl plans", body="nocturne meetup")
    make_topic(title="Public owl talk", body="nocturne is a nice word")
    outsider = make_user()
    for viewer in (None, outsider, pending):
        assert [p.topic_id for p in found("nocturne", viewer)] != []
        assert topic.pk not in [p.topic_id for p in found("nocturne", viewer)]
    assert topic.pk in [p.topic_id for p in found("nocturne", insider)]
    client.force_login(outsider)
    html = client.get(URL, {"q": "nocturne owl"}).content.decode()
    assert "Public <mark>owl</mark> talk" in html
    assert "Secret" not in html
    assert "meetup" not in html
    client.force_login(insider)
    html = client.get(URL, {"q": "owl"}).content.decode()
    assert "Secret <mark>owl</mark> plans" in html
