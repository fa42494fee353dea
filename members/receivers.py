"""Sign-up, login and logout are the first things Lyceum records."""

import uuid

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Page

from activity.services import activity_record

from . import roles


@receiver(user_signed_up, dispatch_uid="members.signed_up")
def record_sign_up(sender, request, user, **kwargs) -> None:
    activity_record(
        actor=user,
        verb="registered",
        object_type="site",
        object_id="lyceum",
        idempotency_key=f"registered:site:{user.pk}",
    )


@receiver(user_logged_in, dispatch_uid="members.logged_in")
def record_login(sender, request, user, **kwargs) -> None:
    activity_record(
        actor=user,
        verb="logged-in",
        object_type="site",
        object_id="lyceum",
        idempotency_key=f"logged-in:{user.pk}:{uuid.uuid4().hex}",
        context={"via": _login_channel(request)},
    )


@receiver(user_logged_out, dispatch_uid="members.logged_out")
def record_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    activity_record(
        actor=user,
        verb="logged-out",
        object_type="site",
        object_id="lyceum",
        idempotency_key=f"logged-out:{user.pk}:{uuid.uuid4().hex}",
    )


def _login_channel(request) -> str:
    if request is None:
        return "unknown"
    return "admin" if request.path.startswith("/admin/") else "site"


@receiver(post_save, dispatch_uid="members.section_page_grants")
def grant_section_permissions(sender, instance, created, raw=False, **kwargs) -> None:
    """A new catalogue or article index is a section the staff roles work in."""
    if created and not raw and isinstance(instance, Page):
        roles.section_page_grant(instance)
