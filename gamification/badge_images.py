"""Badge pictures: checking an uploaded image with Pillow, publishing it as
PNG (Open Badges images are PNG or SVG, and only a PNG can be baked), and
drawing a medallion from the badge's name when there is no upload."""

import hashlib
import io
import logging
import math

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont, UnidentifiedImageError

logger = logging.getLogger("lyceum.gamification")

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
MIN_SIDE = 128
MAX_SIDE = 4096
MAX_BYTES = 4 * 1024 * 1024
PUBLISHED_SIDE = 512
PUBLISHED_FILTER = f"max-{PUBLISHED_SIDE}x{PUBLISHED_SIDE}|format-png"

SHAPES = ("circle", "hexagon", "shield", "star", "rounded")
PALETTES = (
    ((37, 99, 235), (96, 165, 250)),  # blue
    ((220, 38, 38), (251, 146, 60)),  # red to orange
    ((5, 150, 105), (52, 211, 153)),  # green
    ((124, 58, 237), (192, 132, 252)),  # violet
    ((217, 119, 6), (252, 211, 77)),  # amber
    ((8, 145, 178), (103, 232, 249)),  # cyan
    ((190, 24, 93), (244, 114, 182)),  # pink
    ((71, 85, 105), (148, 163, 184)),  # slate
    ((22, 101, 52), (163, 230, 53)),  # lime
    ((154, 52, 18), (234, 88, 12)),  # rust
    ((30, 64, 175), (167, 139, 250)),  # indigo to lilac
    ((15, 118, 110), (250, 204, 21)),  # teal to gold
)


def badge_image_problem(image) -> str | None:
    """Why this uploaded image cannot be a badge picture, or None. Opens it
    with Pillow (so a renamed SVG or a truncated file is caught)."""
    try:
        size = image.file.size
    except (OSError, ValueError):
        return str(_("The image file is missing. Upload it again."))
    if size > MAX_BYTES:
        return str(_("The image is larger than 4 MB. Upload a smaller one."))
    try:
        with image.open_file() as handle:
            with PILImage.open(handle) as picture:
                picture.verify()
                kind, (width, height) = picture.format, picture.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return str(
            _("This is not a picture we can read. Upload a PNG, JPEG or WebP file.")
        )
    if kind not in ACCEPTED_FORMATS:
        return str(
            _("Badge images must be PNG, JPEG or WebP (this one is %(kind)s).")
            % {"kind": kind}
        )
    if min(width, height) < MIN_SIDE:
        return str(
            _("The image is %(w)d × %(h)d pixels; badges need at least 128 × 128.")
            % {"w": width, "h": height}
        )
    if max(width, height) > MAX_SIDE:
        return str(
            _("The image is %(w)d × %(h)d pixels; badges may be at most 4096 × 4096.")
            % {"w": width, "h": height}
        )
    return None


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "★"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


def _mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _polygon(cx: float, cy: float, r: float, sides: int, turn: float = 0.0):
    return [
        (
            cx + r * math.cos(turn + 2 * math.pi * i / sides),
            cy + r * math.sin(turn + 2 * math.pi * i / sides),
        )
        for i in range(sides)
    ]


def _star(cx: float, cy: float, outer: float, inner: float, points: int = 8):
    corners = []
    for i in range(points * 2):
        r = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + math.pi * i / points
        corners.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return corners


def _outline(shape: str, size: int, inset: float):
    """The badge's silhouette as (kind, geometry) for ImageDraw."""
    c, r = size / 2, size / 2 - inset
    if shape == "hexagon":
        return "polygon", _polygon(c, c, r, 6, math.pi / 6)
    if shape == "star":
        return "polygon", _star(c, c, r, r * 0.84, 12)
    if shape == "shield":
        top, bottom = c - r * 0.92, c + r
        left, right, mid = c - r * 0.86, c + r * 0.86, c + r * 0.15
        curve = []
        for i in range(1, 20):  # a quadratic Bézier from the side to the tip
            t = i / 20
            x = (1 - t) ** 2 * right + 2 * (1 - t) * t * right + t**2 * c
            y = (1 - t) ** 2 * mid + 2 * (1 - t) * t * (bottom - r * 0.3)
            curve.append((x, y + t**2 * bottom))
        mirrored = [(2 * c - x, y) for x, y in reversed(curve)]
        return "polygon", [
            (left, top),
            (right, top),
            (right, mid),
            *curve,
            (c, bottom),
            *mirrored,
            (left, mid),
        ]
    if shape == "rounded":
        return "rounded", [c - r, c - r, c + r, c + r]
    return "ellipse", [c - r, c - r, c + r, c + r]


def _draw_shape(draw, shape: str, size: int, inset: float, **style) -> None:
    kind, geometry = _outline(shape, size, inset)
    if kind == "ellipse":
        draw.ellipse(geometry, **style)
    elif kind == "rounded":
        draw.rounded_rectangle(geometry, radius=size * 0.18, **style)
    else:
        draw.polygon(geometry, **style)


def badge_art_png(
    name: str,
    key: str,
    *,
    size: int = PUBLISHED_SIDE,
    palette: int | None = None,
    shape: str | None = None,
) -> bytes:
    """A deterministic medallion for a badge: a shape and palette chosen from
    `key` (unless given), a radial gradient, a ring, a ribbon and the name's
    initials."""
    digest = hashlib.sha256(key.encode()).digest()
    dark, light = PALETTES[(digest[0] if palette is None else palette) % len(PALETTES)]
    shape = shape or SHAPES[digest[1] % len(SHAPES)]
    scale = 4  # draw large, then shrink: smooth edges without antialiasing
    big = size * scale
    art = PILImage.new("RGBA", (big, big), (0, 0, 0, 0))

    # Ribbon tails behind the medallion.
    ribbon = ImageDraw.Draw(art)
    tail = [
        (big * 0.30, big * 0.62),
        (big * 0.44, big * 0.62),
        (big * 0.40, big * 0.98),
        (big * 0.33, big * 0.90),
        (big * 0.24, big * 0.96),
    ]
    ribbon.polygon(tail, fill=(*dark, 255))
    ribbon.polygon([(big - x, y) for x, y in tail], fill=(*dark, 255))

    # Gradient body clipped to the shape.
    mask = PILImage.new("L", (big, big), 0)
    _draw_shape(ImageDraw.Draw(mask), shape, big, big * 0.06, fill=255)
    body = PILImage.new("RGBA", (big, big))
    paint = ImageDraw.Draw(body)
    steps = 48
    for i in range(steps, 0, -1):
        r = big * 0.75 * i / steps
        cx, cy = big * 0.38, big * 0.32
        paint.ellipse(
            [cx - r, cy - r, cx + r, cy + r],
            fill=(*_mix(light, dark, i / steps), 255),
        )
    art.paste(body, (0, 0), mask)

    # Rings and a small accent star.
    draw = ImageDraw.Draw(art)
    _draw_shape(draw, shape, big, big * 0.06, outline=(*dark, 255), width=big // 40)
    _draw_shape(
        draw, shape, big, big * 0.13, outline=(255, 255, 255, 150), width=big // 90
    )
    draw.polygon(
        _star(big / 2, big * 0.24, big * 0.05, big * 0.022, 5),
        fill=(255, 255, 255, 230),
    )

    # Initials, centred.
    text = initials(name)
    font = ImageFont.load_default(size=big * (0.30 if len(text) > 1 else 0.36))
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top + big * 0.03
    draw.text((x + big * 0.008, y + big * 0.012), text, font=font, fill=(0, 0, 0, 70))
    draw.text((x, y), text, font=font, fill=(255, 255, 255, 255))

    picture = art.resize((size, size), PILImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def badge_png(badge) -> bytes:
    """The badge's published picture as PNG bytes: the uploaded image as a
    PNG rendition (made once, kept by Wagtail), or the drawn medallion. Kept
    in the cache under a key that changes with the picture."""
    source = (
        f"{badge.image_id}:{badge.image.file_hash}" if badge.image_id else ""
    ) + f":{badge.name}:{badge.slug}"
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    key = f"badge-png:{badge.pk}:{digest}"
    data = cache.get(key)
    if data is None:
        data = _badge_png_uncached(badge)
        cache.set(key, data, timeout=24 * 3600)
    return data


def _badge_png_uncached(badge) -> bytes:
    if badge.image_id:
        try:
            rendition = badge.image.get_rendition(PUBLISHED_FILTER)
            with rendition.file.open("rb") as handle:
                return handle.read()
        except (OSError, ValueError, UnidentifiedImageError):
            logger.warning(
                "Badge %s: its image could not be rendered; drawing one", badge.pk
            )
    return badge_art_png(badge.name, badge.slug)
