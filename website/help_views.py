"""The help box (/help/?q=) and the "ask before you post" suggestions
(/help/similar/?q=), both answered by website.help."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from . import help as help_search

PAGE_RESULTS = 8
SIMILAR_RESULTS = 5
# Fewer characters than this say too little to match on.
MIN_QUERY_CHARS = 4


def _query(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[: help_search.QUERY_MAX_CHARS]


def _kinds(request: HttpRequest) -> tuple[str, ...] | None:
    kinds = tuple(k for k in request.GET.getlist("kind") if k in help_search.KINDS)
    return kinds or None


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    results = []
    if len(query) >= MIN_QUERY_CHARS:
        results = help_search.help_search(
            query=query, member=request.user, limit=PAGE_RESULTS, kinds=_kinds(request)
        )
    return render(
        request,
        "pages/help.html",
        {
            "query": query,
            "searched": len(query) >= MIN_QUERY_CHARS,
            "results": results,
        },
    )


@require_http_methods(["GET", "POST"])
def similar(request: HttpRequest) -> HttpResponse:
    """GET ?q=: the HTML fragment the new-topic form fetches as the member
    types. POST (title, body): the same matches on a page, for the form's
    "Check for similar questions" button without JavaScript — posted, so a
    long draft fits and the form's CSRF token stays out of the URL."""
    if request.method == "POST":
        title = request.POST.get("title", "")
        body = request.POST.get("body", "")
        # The title says most about what is asked: it counts twice.
        query = " ".join(f"{title} {title} {body}".split())[
            : help_search.QUERY_MAX_CHARS
        ]
        template = "pages/help.html"
    else:
        query = _query(request)
        template = "pages/includes/help_similar.html"
    searched = len(query) >= MIN_QUERY_CHARS
    results = []
    if searched:
        results = help_search.help_search(
            query=query,
            member=request.user,
            limit=SIMILAR_RESULTS,
            kinds=_kinds(request),
        )
    shown = " ".join(request.POST.get("title", "").split()) or query
    return render(
        request,
        template,
        {"results": results, "searched": searched, "query": shown},
    )
