"""Write operations on members: profile changes and staff roles."""

import io
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, features

from . import roles
from .models import LearningProfile, User
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


# Learning profile --------------------------------------------------------------

PROFILE_FIELDS = (
    "interest_topic_ids",
    "experience",
    "weekly_minutes",
    "preferred_formats",
    "preferred_language",
    "city",
    "personalisation",
    "mentoring_available",
)


def learning_profile_get(*, user: User) -> LearningProfile:
    """The member's learning profile; an unsaved one with the defaults if they
    have none yet (reading never writes). 1 query."""
    profile = LearningProfile.objects.filter(user=user).first()
    return profile if profile is not None else LearningProfile(user=user)


@transaction.atomic
def learning_profile_update(*, user: User, **fields) -> LearningProfile:
    """Save some of the profile's answers (keys of PROFILE_FIELDS); the rest
    keep their values. Invalid values raise ValidationError and change nothing."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not learning profile fields: {sorted(unknown)}")
    profile, _created = LearningProfile.objects.select_for_update().get_or_create(
        user=user
    )
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(profile, name, value)
    if "preferred_formats" in fields:
        profile.preferred_formats = sorted(set(profile.preferred_formats or []))
    if "interest_topic_ids" in fields:
        profile.interest_topic_ids = sorted(set(profile.interest_topic_ids or []))
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


@transaction.atomic
def learning_profile_mark_onboarding(
    *, user: User, offered: bool = False, finished: bool = False
) -> LearningProfile:
    """Note that onboarding was offered (the member is sent there only once)
    and/or finished. Earlier times are kept."""
    profile, _created = LearningProfile.objects.select_for_update().get_or_create(
        user=user
    )
    now = timezone.now()
    changed = []
    if (offered or finished) and profile.onboarding_offered_at is None:
        profile.onboarding_offered_at = now
        changed.append("onboarding_offered_at")
    if finished and profile.onboarded_at is None:
        profile.onboarded_at = now
        changed.append("onboarded_at")
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])
    return profile
