import io
import os
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.services import member_update_profile
from members.validators import validate_avatar

from .helpers import image_upload, png_claiming_size

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("members:profile_edit")


def validation_code(upload) -> str | None:
    try:
        validate_avatar(upload)
    except ValidationError as error:
        return error.code
    return None


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_common_formats_are_accepted(fmt):
    assert validation_code(image_upload((200, 200), fmt=fmt)) is None


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("cat.png", b"definitely not a picture"), "not_an_image"),
        (SimpleUploadedFile("empty.png", b""), "not_an_image"),
        (image_upload((200, 200), fmt="BMP"), "bad_format"),
        (image_upload((200, 200), fmt="TIFF"), "bad_format"),
        (image_upload((40, 300)), "too_small"),
        (png_claiming_size(100_000, 100_000), "decompression_bomb"),
        (png_claiming_size(5_000, 5_000), "too_many_pixels"),
    ],
    ids=["text", "empty", "bmp", "tiff", "too-small", "bomb", "too-many-pixels"],
)
def test_bad_uploads_are_refused(upload, code):
    assert validation_code(upload) == code


def test_truncated_image_is_refused():
    # Noise does not compress, so cutting the file in half loses pixel rows.
    # Pillow's verify() passes a cut JPEG: only decoding finds out.
    noise = random.Random(0).randbytes(300 * 300 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (300, 300), noise).save(buffer, format="JPEG")
    data = buffer.getvalue()
    truncated = SimpleUploadedFile("cut.jpg", data[: len(data) // 2])
    assert validation_code(truncated) == "not_an_image"


def test_too_many_bytes_is_refused(settings):
    settings.LYCEUM_AVATAR_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.png", b"\0" * 1001)
    with pytest.raises(ValidationError) as error:
        validate_avatar(upload)
    assert error.value.messages == [
        "This image is 1001\xa0bytes; please upload one of at most 1000\xa0bytes."
    ]


def test_profile_page_shows_the_members_details(member_client, member):
    response = member_client.get(PROFILE_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Linh Nguyen"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="remove_avatar"' not in html  # nothing to remove yet


def test_profile_needs_a_login(client):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302


def test_saving_the_profile_resizes_and_re_encodes_the_avatar(member_client, member):
    response = member_client.post(
        PROFILE_URL,
        {
            "display_name": "Linh N.",
            "first_name": "Linh",
            "last_name": "Nguyen",
            "avatar": image_upload((1200, 800), fmt="JPEG", name="me.jpg"),
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Linh N."
    assert member.avatar.name.startswith(f"avatars/{member.public_id}/")
    with Image.open(member.avatar.path) as stored:
        assert stored.size == (256, 256)  # centre-cropped square, shrunk
        assert stored.format in {"WEBP", "PNG"}
        assert "exif" not in stored.info
    page = member_client.get(PROFILE_URL).content.decode()
    assert "Your profile has been saved." in page
    assert member.avatar.url in page


def test_small_avatars_are_not_enlarged(member):
    member_update_profile(
        user=member,
        display_name="Linh",
        first_name="",
        last_name="",
        avatar=image_upload((100, 80)),
    )
    with Image.open(member.avatar.path) as stored:
        assert stored.size == (80, 80)


def test_transparency_survives_re_encoding(member):
    member_update_profile(
        user=member,
        display_name="Linh",
        first_name="",
        last_name="",
        avatar=image_upload((128, 128), mode="RGBA", color=(0, 0, 0, 0)),
    )
    with Image.open(member.avatar.path) as stored:
        assert stored.convert("RGBA").getpixel((5, 5))[3] == 0


def test_a_new_avatar_replaces_and_deletes_the_old_file(
    member, django_capture_on_commit_callbacks
):
    def upload():
        with django_capture_on_commit_callbacks(execute=True):
            member_update_profile(
                user=member,
                display_name="",
                first_name="",
                last_name="",
                avatar=image_upload((300, 300)),
            )
        return member.avatar.path

    first = upload()
    second = upload()
    assert first != second
    assert not os.path.exists(first)
    assert os.path.exists(second)


def test_removing_the_avatar_deletes_the_file(
    member_client, member, django_capture_on_commit_callbacks
):
    member_update_profile(
        user=member,
        display_name="",
        first_name="",
        last_name="",
        avatar=image_upload((300, 300)),
    )
    path = member.avatar.path
    assert 'name="remove_avatar"' in member_client.get(PROFILE_URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(PROFILE_URL, {"display_name": "Linh", "remove_avatar": "on"})
    member.refresh_from_db()
    assert not member.avatar
    assert not os.path.exists(path)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("cat.png", b"GIF89a but not really"),
            "not an image we can read",
        ),
        (png_claiming_size(100_000, 100_000), "far too large to process"),
        (png_claiming_size(5_000, 5_000), "5000×5000 pixels"),
        (image_upload((200, 200), fmt="BMP"), "BMP images are not accepted"),
        (image_upload((32, 32)), "avatars need at least 64×64"),
    ],
    ids=["fake", "bomb", "too-many-pixels", "bmp", "too-small"],
)
def test_bad_avatar_shows_an_error_next_to_the_field_and_keeps_the_rest(
    member_client, member, upload, message
):
    response = member_client.post(
        PROFILE_URL,
        {
            "display_name": "Linh the Bold",
            "first_name": "Linh",
            "last_name": "Nguyen",
            "avatar": upload,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_avatar_error"' in html
    assert message in html
    assert 'value="Linh the Bold"' in html  # what was typed is not lost
    # ... but nothing was saved, and the header still shows the saved name.
    member.refresh_from_db()
    assert member.display_name == "Linh Nguyen"
    assert not member.avatar
    assert 'data-testid="member-name">Linh Nguyen<' in html


def test_oversized_upload_shows_an_error(member_client, settings):
    settings.LYCEUM_AVATAR_MAX_BYTES = 2048
    response = member_client.post(
        PROFILE_URL,
        {"display_name": "Linh", "avatar": image_upload((2000, 2000), fmt="PNG")},
    )
    assert response.status_code == 200
    assert "please upload one of at most 2.0\xa0KB" in response.content.decode()
