"""The forum's search page (the query logic is in forum/search.py)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import search


def search_page(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[: search.QUERY_MAX_LENGTH]
    words = search.query_words(query)
    page_obj = search.search_posts(
        query=query, viewer=request.user, page_number=request.GET.get("page")
    )
    results = [
        (post, search.result_highlights(post, words)) for post in page_obj.object_list
    ]
    return render(
        request,
        "forum/search.html",
        {
            "query": query,
            "searched": bool(words),
            "page_obj": page_obj,
            "results": results,
            "extra_query": urlencode({"q": query}),
        },
    )
