"""Small builders for members tests."""

import io
import struct
import zlib

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.models import User

PASSWORD = "a-long-demo-passphrase-42"


def member_build(**kwargs) -> User:
    """A member who has confirmed their e-mail address and can log in."""
    kwargs.setdefault("username", "linh")
    kwargs.setdefault("email", f"{kwargs['username']}@example.org")
    kwargs.setdefault("display_name", "Linh Nguyen")
    password = kwargs.pop("password", PASSWORD)
    user = User.objects.create_user(password=password, **kwargs)
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def image_upload(
    size=(300, 200), *, fmt="PNG", name=None, mode="RGB", color=(200, 80, 40)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt)
    name = name or f"picture.{fmt.lower()}"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def png_claiming_size(width: int, height: int) -> SimpleUploadedFile:
    """A tiny PNG whose header claims width×height pixels: what a decompression
    bomb looks like before anything is decoded (a few hundred bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data))
            + body
            + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    # One row's worth of zeros, compressed: the rest would decompress to GBs.
    data = zlib.compress(b"\x00" * (width + 1), 9)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", data)
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", png, content_type="image/png")
