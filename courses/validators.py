"""Validation of files learners hand in for assignments: the extension must be
one the block accepts (from a fixed safe list), the size within its limit, and
the content must be what the extension claims (images decoded with Pillow, like
members/validators.py does for avatars)."""

import warnings
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# Everything an assignment may ever accept; a block narrows it further.
SAFE_EXTENSIONS = {"pdf", "txt", "md", "zip", "png", "jpg", "jpeg", "webp"}
IMAGE_FORMATS = {"png": {"PNG"}, "jpg": {"JPEG"}, "jpeg": {"JPEG"}, "webp": {"WEBP"}}
MAX_IMAGE_PIXELS = 40_000_000


def accepted_extensions(setting: str) -> set[str]:
    """The block's comma-separated list, limited to the safe ones (jpg ⇒ jpeg)."""
    wanted = {
        part.strip().lower().lstrip(".") for part in (setting or "").split(",")
    } & SAFE_EXTENSIONS
    if "jpg" in wanted or "jpeg" in wanted:
        wanted |= {"jpg", "jpeg"}
    return wanted


def validate_submission_file(file, *, extensions: set[str], max_bytes: int) -> None:
    """Refuse a file of the wrong type, too large, or not what it claims to be."""
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in extensions:
        raise ValidationError(
            _("“.%(ext)s” files are not accepted here; upload one of: %(allowed)s.")
            % {
                "ext": extension or "?",
                "allowed": ", ".join(sorted(extensions)) or "—",
            },
            code="bad_extension",
        )
    if file.size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s; upload one of at most %(max)s.")
            % {"size": filesizeformat(file.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    if file.size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        if extension in IMAGE_FORMATS:
            _check_image(file, IMAGE_FORMATS[extension])
        elif extension == "pdf":
            if not file.read(5).startswith(b"%PDF-"):
                raise _not_what_it_claims("PDF")
        elif extension == "zip":
            if not zipfile.is_zipfile(file):
                raise _not_what_it_claims("ZIP")
        else:
            try:
                file.read().decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError(
                    _("Text files must be UTF-8 text; save it as plain text."),
                    code="not_text",
                ) from None
    finally:
        file.seek(position)


def _not_what_it_claims(kind: str) -> ValidationError:
    return ValidationError(
        _("This file is not a real %(kind)s file; export it again and upload that.")
        % {"kind": kind},
        code="bad_content",
    )


def _check_image(file, formats: set[str]) -> None:
    not_an_image = ValidationError(
        _("This file is not an image we can read; upload a PNG, JPEG or WebP."),
        code="not_an_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in formats:
                    raise not_an_image
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _("This image is too large to process; upload a smaller one."),
                        code="too_many_pixels",
                    )
                image.verify()
            file.seek(0)
            with Image.open(file) as image:
                image.load()
    except ValidationError:
        raise
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise not_an_image from error
