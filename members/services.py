"""Write operations on members: profile changes and staff roles."""

import io
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, features

from . import roles
from .models import User
from .validators import validate_avatar


@transaction.atomic
def member_update_profile(
    *,
    user: User,
    display_name: str,
    first_name: str,
    last_name: str,
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
) -> User:
    """Save a member's names and, if given, a new avatar re-encoded by us.

    The upload is re-encoded to a small square PNG/WebP with no metadata, so what
    we store and serve is a file Pillow wrote, never the member's bytes. The old
    avatar file is deleted once the transaction commits."""
    user.display_name = display_name.strip()
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.full_clean(exclude=["avatar", "password"])

    old_name = user.avatar.name if user.avatar else ""
    if avatar is not None:
        validate_avatar(avatar)
        content, extension = avatar_reencode(avatar)
        user.avatar.save(f"avatar.{extension}", content, save=False)
    elif remove_avatar:
        user.avatar = ""
    user.save()

    new_name = user.avatar.name if user.avatar else ""
    if old_name and old_name != new_name:
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return user


def avatar_reencode(file) -> tuple[ContentFile, str]:
    """Centre-crop to a square, shrink to at most LYCEUM_AVATAR_SIZE pixels a
    side and encode as WebP (PNG where Pillow lacks WebP). Returns the content
    and its file extension. ``file`` must have passed ``validate_avatar``."""
    size = settings.LYCEUM_AVATAR_SIZE
    file.seek(0)
    with Image.open(file) as image:
        image.seek(0)  # first frame of an animated GIF/WebP
        picture = ImageOps.exif_transpose(image)
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or (
            picture.mode == "P" and "transparency" in picture.info
        )
        picture = picture.convert("RGBA" if has_alpha else "RGB")
        side = min(picture.size)
        picture = ImageOps.fit(
            picture,
            (min(side, size), min(side, size)),
            method=Image.Resampling.LANCZOS,
        )
    out = io.BytesIO()
    if features.check("webp"):
        picture.save(out, format="WEBP", quality=85, method=4)
        extension = "webp"
    else:
        picture.save(out, format="PNG", optimize=True)
        extension = "png"
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"), (
        extension
    )


@transaction.atomic
def member_set_roles(*, user: User, instructor: bool, moderator: bool) -> User:
    """Put the member in (or take them out of) the Instructors and Moderators
    groups, creating the groups with their permissions if they are missing."""
    groups: dict[str, Group] = roles.groups_ensure()
    for name, wanted in (
        (roles.INSTRUCTORS, instructor),
        (roles.MODERATORS, moderator),
    ):
        if wanted:
            user.groups.add(groups[name])
        else:
            user.groups.remove(groups[name])
    # Wagtail's admin login only needs the access_admin permission, but Django's
    # permission cache on this instance is stale now.
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    return user
