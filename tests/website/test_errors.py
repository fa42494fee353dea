import pytest
from django.test import Client

from website import views

pytestmark = pytest.mark.django_db


def test_missing_page_gets_the_styled_404(client, home_page):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We couldn’t find that page" in html
    assert 'class="site-header"' in html  # the full site layout, not a bare page
    assert 'action="/search/"' in html


@pytest.mark.urls("tests.website.urls_with_error")
def test_server_error_returns_the_styled_500(home_page):
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "<style>" in html  # self-contained: no stylesheet to fetch


def test_server_error_survives_a_broken_template(rf, monkeypatch):
    def broken(name):
        raise OSError("template directory gone")

    monkeypatch.setattr(views.loader, "get_template", broken)
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_expired_form_gets_a_friendly_403(home_page):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/",
        {"login": "a@example.com", "password": "x"},
        HTTP_REFERER="http://testserver/accounts/login/",
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your form expired" in html
    assert 'href="http://testserver/accounts/login/"' in html  # back to the form


def test_expired_form_page_does_not_link_back_to_other_sites(home_page):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
