"""Open Badges 2.0, hosted verification: the Issuer profile, BadgeClass and
Assertion as JSON-LD, the salted recipient hash, and baking the assertion's
URL into a PNG (an iTXt chunk `openbadges`, as openbadges-bakery writes it).

Every absolute URL is built from one origin — the scheme and host of the
request being answered — so an assertion always lives on the same origin as
its issuer (a validator rejects a hosted assertion outside the issuer's
origin; `localhost` and `127.0.0.1` count as different origins)."""

import hashlib
import io
import secrets
from datetime import UTC

from django.urls import reverse
from PIL import Image as PILImage
from PIL.PngImagePlugin import PngInfo

OB_CONTEXT = "https://w3id.org/openbadges/v2"
BAKED_KEYWORD = "openbadges"
JSON_LD_TYPE = "application/ld+json"


# Recipients -------------------------------------------------------------------


def recipient_salt() -> str:
    return secrets.token_hex(8)


def recipient_identity(email: str, salt: str) -> str:
    """`sha256$<hex>` of the e-mail (trimmed, lower-cased) followed by the
    salt, as Open Badges 2.0 hashes an IdentityObject."""
    normalised = email.strip().lower()
    return "sha256$" + hashlib.sha256((normalised + salt).encode()).hexdigest()


# URLs -------------------------------------------------------------------------


def origin_of(request) -> str:
    """`scheme://host[:port]` of the request (the host is checked against
    ALLOWED_HOSTS by Django)."""
    return f"{request.scheme}://{request.get_host()}"


def issuer_url(origin: str) -> str:
    return origin + reverse("gamification:ob_issuer")


def issuer_image_url(origin: str) -> str:
    return origin + reverse("gamification:ob_issuer_image")


def badge_class_url(origin: str, badge) -> str:
    return origin + reverse("gamification:ob_badge", args=[badge.pk])


def badge_image_url(origin: str, badge) -> str:
    return origin + reverse("gamification:badge_image", args=[badge.pk])


def badge_page_url(origin: str, badge) -> str:
    return origin + reverse("gamification:badge_detail", args=[badge.slug])


def assertion_url(origin: str, award) -> str:
    return origin + reverse("gamification:ob_assertion", args=[award.uuid])


def award_page_url(origin: str, award) -> str:
    return origin + reverse("gamification:award", args=[award.uuid])


def baked_png_url(origin: str, award) -> str:
    return origin + reverse("gamification:award_png", args=[award.uuid])


# JSON-LD ----------------------------------------------------------------------


def issuer_json(origin: str, *, issuer, site_name: str) -> dict:
    """The Issuer profile. `issuer` is the IssuerSettings row."""
    data = {
        "@context": OB_CONTEXT,
        "type": "Issuer",
        "id": issuer_url(origin),
        "name": issuer.name or site_name,
        "url": issuer.url or origin + "/",
        "email": issuer.email,
    }
    if issuer.description:
        data["description"] = issuer.description
    if issuer.image_id:
        data["image"] = issuer_image_url(origin)
    return data


def badge_class_json(origin: str, badge, *, narrative: str) -> dict:
    """The BadgeClass: what the badge is and how it is earned."""
    return {
        "@context": OB_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(origin, badge),
        "name": badge.name,
        "description": badge.description,
        "image": badge_image_url(origin, badge),
        "criteria": {"id": badge_page_url(origin, badge), "narrative": narrative},
        "issuer": issuer_url(origin),
    }


def assertion_json(origin: str, award) -> dict:
    """A hosted Assertion; a revoked one answers only with its id, `revoked`
    and the reason (served as 410 Gone, as Open Badges asks)."""
    data = {
        "@context": OB_CONTEXT,
        "type": "Assertion",
        "id": assertion_url(origin, award),
    }
    if award.revoked:
        data["revoked"] = True
        data["revocationReason"] = award.revocation_reason
        return data
    data.update(
        {
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": award.recipient_salt,
                "identity": award.recipient_identity,
            },
            "badge": badge_class_url(origin, award.badge),
            "verification": {"type": "hosted"},
            "issuedOn": award.issued_on.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    if award.evidence:
        data["evidence"] = {
            "id": award_page_url(origin, award),
            "narrative": award.evidence,
        }
    return data


# Baking -----------------------------------------------------------------------


def bake_png(png: bytes, url: str) -> bytes:
    """The picture with the assertion's URL in an iTXt chunk keyed
    `openbadges` (any earlier one dropped: Pillow writes only what we give)."""
    info = PngInfo()
    info.add_itxt(BAKED_KEYWORD, url, lang="", tkey="", zip=False)
    with PILImage.open(io.BytesIO(png)) as picture:
        picture.load()
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def unbake_png(data: bytes) -> str | None:
    """The Open Badges data baked into a PNG, or None."""
    with PILImage.open(io.BytesIO(data)) as picture:
        if picture.format != "PNG":
            return None
        picture.load()
        value = picture.text.get(BAKED_KEYWORD)
    return None if value is None else str(value)
