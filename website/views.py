import logging

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.models import Page

logger = logging.getLogger("lyceum.website")

SEARCH_RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200

# Served if even the plain 500 template cannot be loaded: nothing here can fail.
FALLBACK_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Server error · Lyceum</title></head><body><main>"
    "<h1>Something went wrong</h1><p>Please try again in a moment.</p>"
    '<p><a href="/">Go to the home page</a></p></main></body></html>'
)


def search(request):
    """Full-text search over live, public pages (Wagtail's database backend)."""
    query = request.GET.get("query", "").strip()[:MAX_QUERY_LENGTH]
    if query:
        results = Page.objects.live().public().specific().search(query)
    else:
        results = Page.objects.none()
    page = Paginator(results, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pages/search.html",
        {"query": query, "search_query": query, "results": page},
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database: whatever broke the page may be broken here.
    try:
        html = loader.get_template("500.html").render()
    except Exception:  # the error page itself must never fail
        logger.exception("Could not render 500.html")
        html = FALLBACK_500
    return HttpResponseServerError(html)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """A form was posted with a missing or expired CSRF token (CSRF_FAILURE_VIEW)."""
    referer = request.headers.get("referer", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {"reason": reason, "back_url": referer if same_site else ""}
    return render(request, "403_csrf.html", context, status=403)
