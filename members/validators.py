"""Validation of images that members upload (avatars), done with Pillow so a
renamed file, an oversized image or a decompression bomb is refused with a clear
message instead of crashing a request later."""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_AVATAR_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}

NOT_AN_IMAGE = _(
    "This file is not an image we can read; please upload a JPEG, PNG, GIF or "
    "WebP picture."
)
DECOMPRESSION_BOMB = _(
    "This image is far too large to process; please upload a smaller one."
)


def validate_avatar(file) -> None:
    """Refuse anything but a readable JPEG/PNG/GIF/WebP of sensible size.

    The whole image is decoded (its pixel count is bounded first), so a
    truncated or corrupt file fails here and not when it is re-encoded."""
    if getattr(file, "_committed", False):
        # An avatar already in storage was re-encoded by us when it was uploaded;
        # re-validating it on every profile save would only add failure modes.
        return

    max_bytes = settings.LYCEUM_AVATAR_MAX_BYTES
    max_pixels = settings.LYCEUM_AVATAR_MAX_PIXELS
    min_side = settings.LYCEUM_AVATAR_MIN_SIDE

    if file.size > max_bytes:
        raise ValidationError(
            _("This image is %(size)s; please upload one of at most %(max)s.")
            % {"size": filesizeformat(file.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that; treat the
            # warning as the error it is for an avatar.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as image:
                image_format = image.format
                width, height = image.size
                _require_allowed_format(image_format, width, height)
                if width * height > max_pixels:
                    raise ValidationError(
                        _(
                            "This image is %(w)s×%(h)s pixels; please upload one "
                            "of at most %(max)s pixels in all."
                        )
                        % {"w": width, "h": height, "max": f"{max_pixels:,}"},
                        code="too_many_pixels",
                    )
                image.verify()
            # verify() leaves the image unusable and skips the pixel data of most
            # formats; decoding the (now bounded) image catches truncated files.
            file.seek(0)
            with Image.open(file) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(DECOMPRESSION_BOMB, code="decompression_bomb") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from exc
    finally:
        file.seek(position)

    if min(width, height) < min_side:
        raise ValidationError(
            _(
                "This image is %(w)s×%(h)s pixels; avatars need at least "
                "%(min)s×%(min)s."
            )
            % {"w": width, "h": height, "min": min_side},
            code="too_small",
        )


def _require_allowed_format(image_format: str | None, width: int, height: int):
    if image_format not in ALLOWED_AVATAR_FORMATS:
        raise ValidationError(
            _(
                "%(format)s images are not accepted; please upload a JPEG, PNG, GIF "
                "or WebP picture."
            )
            % {"format": image_format or _("These")},
            code="bad_format",
        )
    if width <= 0 or height <= 0:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
