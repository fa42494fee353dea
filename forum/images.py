"""Project images: checked and re-encoded with Pillow before anything is stored.

What we keep is a file Pillow wrote (at most IMAGE_MAX_SIDE pixels a side, no
metadata) and a 480 px wide thumbnail, never the member's bytes: a renamed
file, a truncated one, a decompression bomb or a polyglot is refused or
neutralised here. Limits can be tuned in settings (LYCEUM_FORUM_IMAGE_*)."""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError, features

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
IMAGE_MAX_SIDE = 1600  # the stored image
THUMBNAIL_SIZE = (480, 360)  # gallery cards: 4:3, cropped to the centre
IMAGE_MIN_SIDE = 32


def max_bytes() -> int:
    return getattr(settings, "LYCEUM_FORUM_IMAGE_MAX_BYTES", 8 * 1024 * 1024)


def max_pixels() -> int:
    # 40 megapixels: a large phone photo (8000×5000), far below Pillow's own
    # decompression-bomb threshold (89 megapixels).
    return getattr(settings, "LYCEUM_FORUM_IMAGE_MAX_PIXELS", 40_000_000)


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _error(message, code: str, name: str, **params) -> ValidationError:
    return ValidationError(message % {"name": name, **params}, code=code)


def _encoding() -> tuple[str, str]:
    return ("WEBP", "webp") if features.check("webp") else ("PNG", "png")


def _encode(picture: Image.Image, image_format: str, quality: int) -> bytes:
    out = io.BytesIO()
    if image_format == "WEBP":
        picture.save(out, format="WEBP", quality=quality, method=4)
    else:
        picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def project_image_process(file) -> ProcessedImage:
    """Check an uploaded image and return our re-encoded copy and thumbnail.
    Raises ValidationError (naming the file) if it is not a JPEG, PNG, GIF or
    WebP picture of sensible size."""
    name = getattr(file, "name", "") or _("the image")
    if file.size > max_bytes():
        raise _error(
            _("“%(name)s” is %(size)s; each image may be at most %(max)s."),
            "too_large",
            name,
            size=filesizeformat(file.size),
            max=filesizeformat(max_bytes()),
        )
    try:
        with warnings.catch_warnings():
            # Between Pillow's threshold and twice it Pillow only warns.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise _error(
                        _(
                            "“%(name)s” is a %(format)s file; please upload a "
                            "JPEG, PNG, GIF or WebP picture."
                        ),
                        "bad_format",
                        name,
                        format=image.format or _("non-image"),
                    )
                width, height = image.size
                if width * height > max_pixels():
                    raise _error(
                        _(
                            "“%(name)s” is %(w)s×%(h)s pixels; please upload one "
                            "of at most %(max)s megapixels."
                        ),
                        "too_many_pixels",
                        name,
                        w=width,
                        h=height,
                        max=max_pixels() // 1_000_000,
                    )
                if min(width, height) < IMAGE_MIN_SIDE:
                    raise _error(
                        _(
                            "“%(name)s” is only %(w)s×%(h)s pixels; images need "
                            "at least %(min)s pixels a side."
                        ),
                        "too_small",
                        name,
                        w=width,
                        h=height,
                        min=IMAGE_MIN_SIDE,
                    )
                image.seek(0)  # the first frame of an animation
                image.load()  # decodes it all: truncated files fail here
                picture = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _error(
            _("“%(name)s” is far too large to process; please upload a smaller image."),
            "decompression_bomb",
            name,
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _error(
            _(
                "“%(name)s” is not an image we can read; please upload a JPEG, "
                "PNG, GIF or WebP picture."
            ),
            "not_an_image",
            name,
        ) from exc
    finally:
        file.seek(0)

    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    picture = picture.convert("RGBA" if has_alpha else "RGB")
    image_format, extension = _encoding()
    full = picture.copy()
    full.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(picture, THUMBNAIL_SIZE, method=Image.Resampling.LANCZOS)
    return ProcessedImage(
        image=ContentFile(_encode(full, image_format, 85), name=f"image.{extension}"),
        thumbnail=ContentFile(
            _encode(thumb, image_format, 80), name=f"thumb.{extension}"
        ),
        width=full.width,
        height=full.height,
    )
