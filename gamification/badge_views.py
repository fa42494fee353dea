"""Public badge pages and the hosted Open Badges 2.0 documents, and the
challenges page. Absolute URLs come from the request's origin (see
gamification/openbadges.py)."""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Site

from core.markdown import render_markdown

from . import badge_selectors, openbadges
from .badge_images import badge_png
from .badge_models import BadgeAward, BadgeClass, IssuerSettings
from .badges import badge_narrative
from .challenges import challenges_overview


def _json_ld(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data,
        status=status,
        content_type=f"{openbadges.JSON_LD_TYPE}; charset=utf-8",
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    # Backpacks and browser-based verifiers fetch these from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _png(data: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _site_name(request) -> str:
    site = Site.find_for_request(request)
    return (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME


def _award(uuid) -> BadgeAward:
    return get_object_or_404(
        BadgeAward.objects.select_related("badge", "badge__image", "member"),
        uuid=uuid,
    )


# Open Badges documents --------------------------------------------------------


@require_safe
def ob_issuer(request):
    issuer = IssuerSettings.load(request_or_site=request)
    data = openbadges.issuer_json(
        openbadges.origin_of(request), issuer=issuer, site_name=_site_name(request)
    )
    return _json_ld(data)


@require_safe
@cache_control(public=True, max_age=3600)
def ob_issuer_image(request):
    issuer = IssuerSettings.load(request_or_site=request)
    if not issuer.image_id:
        raise Http404
    rendition = issuer.image.get_rendition("max-512x512|format-png")
    with rendition.file.open("rb") as handle:
        return _png(handle.read())


@require_safe
def ob_badge(request, pk: int):
    badge = get_object_or_404(BadgeClass.objects.select_related("course"), pk=pk)
    data = openbadges.badge_class_json(
        openbadges.origin_of(request), badge, narrative=badge_narrative(badge)
    )
    return _json_ld(data)


@require_safe
@cache_control(public=True, max_age=3600)
def badge_image(request, pk: int):
    badge = get_object_or_404(BadgeClass.objects.select_related("image"), pk=pk)
    return _png(badge_png(badge))


@require_safe
def ob_assertion(request, uuid):
    """The hosted assertion; 410 Gone with `revoked: true` once revoked."""
    award = _award(uuid)
    data = openbadges.assertion_json(openbadges.origin_of(request), award)
    return _json_ld(data, status=410 if award.revoked else 200)


@require_safe
def award_png(request, uuid):
    """The badge picture with the assertion's URL baked in."""
    award = _award(uuid)
    if award.revoked:
        raise Http404
    origin = openbadges.origin_of(request)
    baked = openbadges.bake_png(
        badge_png(award.badge), openbadges.assertion_url(origin, award)
    )
    return _png(baked, filename=f"{award.badge.slug}-{award.uuid}.png")


# Pages ------------------------------------------------------------------------


@require_safe
def award_page(request, uuid):
    """The public page of one award, for sharing (Open Graph tags)."""
    award = _award(uuid)
    origin = openbadges.origin_of(request)
    context = {
        "award": award,
        "badge": award.badge,
        "narrative_html": render_markdown(badge_narrative(award.badge)),
        "issuer_name": IssuerSettings.load(request_or_site=request).name
        or _site_name(request),
        "page_url": openbadges.award_page_url(origin, award),
        "assertion_url": openbadges.assertion_url(origin, award),
        "image_url": openbadges.badge_image_url(origin, award.badge),
        "png_url": openbadges.baked_png_url(origin, award),
        "is_mine": request.user.is_authenticated and request.user.pk == award.member_id,
    }
    return render(
        request,
        "gamification/badges/award.html",
        context,
        status=410 if award.revoked else 200,
    )


@require_safe
def badge_catalogue(request):
    member = request.user if request.user.is_authenticated else None
    entries = badge_selectors.badge_catalogue(member=member)
    for entry in entries:
        entry.narrative_html = render_markdown(badge_narrative(entry.badge))
    return render(request, "gamification/badges/catalogue.html", {"entries": entries})


@require_safe
def badge_detail(request, slug: str):
    member = request.user if request.user.is_authenticated else None
    entry = badge_selectors.badge_entry(slug=slug, member=member)
    if entry is None:
        raise Http404
    origin = openbadges.origin_of(request)
    return render(
        request,
        "gamification/badges/detail.html",
        {
            "entry": entry,
            "badge": entry.badge,
            "narrative_html": render_markdown(badge_narrative(entry.badge)),
            "page_url": openbadges.badge_page_url(origin, entry.badge),
            "image_url": openbadges.badge_image_url(origin, entry.badge),
            "json_url": openbadges.badge_class_url(origin, entry.badge),
        },
    )


@require_safe
def challenge_list(request):
    member = request.user if request.user.is_authenticated else None
    return render(
        request,
        "gamification/challenges.html",
        {"overview": challenges_overview(member=member)},
    )
