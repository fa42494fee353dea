import pytest

from website.models import NavigationSettings

from .conftest import make_article, make_standard_page

pytestmark = pytest.mark.django_db


def link(page=None, label="", url=""):
    return {
        "type": "link",
        "value": {"label": label, "page": page.pk if page else None, "url": url},
    }


def test_navigation_settings_render_in_header_and_footer(client, site, home_page):
    about = make_standard_page(home_page, title="About Lyceum", slug="about")
    navigation = NavigationSettings.for_site(site)
    navigation.header_links = [link(about, "About")]
    navigation.footer_links = [
        link(label="Source code", url="https://example.org/lyceum"),
    ]
    navigation.footer_text = "Made by learners."
    navigation.save()

    html = client.get("/").content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    footer = html[html.index("<footer") : html.index("</footer>")]

    assert '<a href="/about/">About</a>' in header
    assert '<a href="https://example.org/lyceum">Source code</a>' in footer
    assert "Made by learners." in footer
    assert "Source code" not in header


def test_current_page_is_marked_in_the_header(client, site, home_page):
    about = make_standard_page(home_page, title="About", slug="about")
    navigation = NavigationSettings.for_site(site)
    navigation.header_links = [link(about)]
    navigation.save()

    html = client.get("/about/").content.decode()
    assert '<a href="/about/" aria-current="page">About</a>' in html


def test_links_to_unpublished_pages_are_hidden(client, site, article_index):
    draft = make_article(article_index, title="Draft", publish=False)
    navigation = NavigationSettings.for_site(site)
    navigation.header_links = [link(draft, "Draft link")]
    navigation.save()

    assert "Draft link" not in client.get("/").content.decode()


def test_header_offers_account_links_to_visitors_and_log_out_to_members(
    client, home_page, author
):
    html = client.get("/").content.decode()
    assert "Log in" in html and "Sign up" in html

    client.force_login(author)
    html = client.get("/").content.decode()
    assert '<span data-testid="member-name">Grace Hopper</span>' in html
    assert 'action="/accounts/logout/"' in html and "Log out" in html
