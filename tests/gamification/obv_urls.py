"""The site's URLs plus one test-only route serving forged copies of badge
documents (test_openbadges_validator.py), so the validator can be shown that
hosted verification rejects them."""

from django.http import Http404, JsonResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

FORGED: dict[str, dict] = {}


def forged_document(request, name: str):
    if name not in FORGED:
        raise Http404
    return JsonResponse(FORGED[name], content_type="application/ld+json")


urlpatterns = [
    path("test-only/forged/<slug:name>.json", forged_document),
    *site_urlpatterns,
]
