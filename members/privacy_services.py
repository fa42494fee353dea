"""Privacy centre write operations: consent, data export, account deletion and
erasure, resetting inferred data. Each app's part comes from the registry in
members.privacy, so this module imports no domain app."""

import io
import json
import logging
import zipfile
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import privacy
from .models import (
    AccountDeletion,
    ConsentRecord,
    DataExport,
    LearningProfile,
    PrivacyPolicy,
    User,
)
from .privacy_middleware import POLICY_CACHE_KEY

logger = logging.getLogger("lyceum.privacy")

DELETED_MEMBER_NAME = "Deleted member"
EXPORT_SALT = "members.privacy.export"


def private_storage() -> FileSystemStorage:
    """Export archives: a directory outside MEDIA_ROOT, never served directly."""
    return FileSystemStorage(location=settings.LYCEUM_PRIVATE_ROOT)


# Consent ----------------------------------------------------------------------


def policy_current() -> PrivacyPolicy | None:
    return (
        PrivacyPolicy.objects.filter(published_at__lte=timezone.now())
        .order_by("-version")
        .first()
    )


def policy_current_version() -> int:
    """The current policy's version (0: none published), read from the
    database and cached for the re-consent middleware."""
    policy = policy_current()
    version = policy.version if policy else 0
    cache.set(POLICY_CACHE_KEY, version, None)
    return version


def consent_accepted_version(member: User) -> int:
    return (
        ConsentRecord.objects.filter(member=member)
        .order_by("-policy__version")
        .values_list("policy__version", flat=True)
        .first()
        or 0
    )


@transaction.atomic
def consent_accept(*, member: User, policy: PrivacyPolicy) -> ConsentRecord:
    """Record that the member accepts ``policy`` (once per version)."""
    if policy.published_at > timezone.now():
        raise ValidationError(_("This version of the policy is not published yet."))
    record, _created = ConsentRecord.objects.get_or_create(member=member, policy=policy)
    return record


# Export -----------------------------------------------------------------------


@transaction.atomic
def export_request(*, member: User) -> DataExport:
    """Queue an archive of the member's data; one pending request at a time."""
    pending = (
        DataExport.objects.select_for_update()
        .filter(member=member, status=DataExport.Status.PENDING)
        .first()
    )
    if pending:
        return pending
    export = DataExport.objects.create(member=member)

    def enqueue():
        from .privacy_tasks import build_export

        build_export.delay(export.pk)

    transaction.on_commit(enqueue)
    return export


def export_data(member: User) -> dict:
    """Everything the registry's exporters return for the member."""
    data = {
        "format": "lyceum-member-export/1",
        "generated_at": timezone.now(),
        "member": str(member.public_id),
    }
    for name, export in privacy.exporters().items():
        data[name] = export(member)
    return data


def export_build(*, export_id: int) -> DataExport:
    """Write the zip (data.json and the avatar, if any) to private storage and
    tell the member. Rebuilding a ready export does nothing."""
    export = DataExport.objects.select_related("member").get(pk=export_id)
    if export.status == DataExport.Status.READY:
        return export
    try:
        return _export_write(export)
    except Exception:
        # Not left pending forever: the member can ask again.
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED)
        logger.exception("data export %s failed", export.pk)
        raise


def _export_write(export: DataExport) -> DataExport:
    member = export.member
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(export_data(member), cls=DjangoJSONEncoder, indent=2),
        )
        if member.avatar:
            try:
                with member.avatar.open("rb") as avatar:
                    name = member.avatar.name.rsplit("/", 1)[-1]
                    archive.writestr(f"avatar/{name}", avatar.read())
            except OSError:
                logger.warning("avatar file of member %s missing", member.pk)
    storage = private_storage()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = storage.save(
        f"exports/{member.public_id}/lyceum-export-{stamp}.zip",
        ContentFile(buffer.getvalue()),
    )
    now = timezone.now()
    export.status = DataExport.Status.READY
    export.file_name = name
    export.size = len(buffer.getvalue())
    export.ready_at = now
    export.expires_at = now + timedelta(days=settings.LYCEUM_EXPORT_LINK_DAYS)
    export.save()
    _export_ready_mail(export)
    return export


def export_token(export: DataExport) -> str:
    return signing.TimestampSigner(salt=EXPORT_SALT).sign(str(export.pk))


def export_from_token(token: str, *, member: User) -> DataExport:
    """The member's ready export named by a signed link. Raises
    signing.SignatureExpired / signing.BadSignature for expired or tampered
    tokens and DataExport.DoesNotExist when it is not the member's."""
    max_age = timedelta(days=settings.LYCEUM_EXPORT_LINK_DAYS)
    export_id = signing.TimestampSigner(salt=EXPORT_SALT).unsign(token, max_age=max_age)
    export = DataExport.objects.get(
        pk=int(export_id), member=member, status=DataExport.Status.READY
    )
    if export.is_expired:
        raise signing.SignatureExpired("export expired")
    return export


def _export_ready_mail(export: DataExport) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    member = export.member
    if not member.email or not member.is_active:
        return
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    context = {
        "member": member,
        "export": export,
        "url": base + reverse("members:privacy_download", args=[export_token(export)]),
    }
    send_mail(
        subject=_("Your Lyceum data export is ready"),
        message=render_to_string("members/privacy/export_ready_email.txt", context),
        from_email=None,
        recipient_list=[member.email],
        html_message=render_to_string(
            "members/privacy/export_ready_email.html", context
        ),
        fail_silently=True,
    )


def exports_purge_expired() -> int:
    """Delete expired archives from private storage; keep the rows as a record."""
    storage = private_storage()
    done = 0
    for export in DataExport.objects.filter(expires_at__lte=timezone.now()).exclude(
        file_name=""
    ):
        storage.delete(export.file_name)
        DataExport.objects.filter(pk=export.pk).update(file_name="")
        done += 1
    return done


# Deletion ---------------------------------------------------------------------


def deletion_pending(member: User) -> AccountDeletion | None:
    return AccountDeletion.objects.filter(
        member=member, cancelled_at__isnull=True, erased_at__isnull=True
    ).first()


@transaction.atomic
def deletion_request(*, member: User, password: str) -> AccountDeletion:
    """Schedule the erasure of the member's account after the grace period,
    once they confirm with their password."""
    if not member.check_password(password):
        raise PermissionDenied(_("That password is not correct."))
    User.objects.select_for_update().get(pk=member.pk)
    pending = deletion_pending(member)
    if pending:
        return pending
    now = timezone.now()
    return AccountDeletion.objects.create(
        member=member,
        requested_at=now,
        scheduled_for=now + timedelta(days=settings.LYCEUM_DELETION_GRACE_DAYS),
    )


@transaction.atomic
def deletion_cancel(*, member: User) -> bool:
    """Cancel a scheduled deletion; False if there was none to cancel."""
    return bool(
        AccountDeletion.objects.select_for_update()
        .filter(member=member, cancelled_at__isnull=True, erased_at__isnull=True)
        .update(cancelled_at=timezone.now())
    )


@transaction.atomic
def account_erase(*, member: User) -> User:
    """Erase the member's personal data. Every app's eraser runs, then the
    member row is anonymised and deactivated (kept, so foreign keys, points
    totals and aggregates hold). Running it again changes nothing."""
    member = User.objects.select_for_update().get(pk=member.pk)
    for _name, erase in privacy.erasers().items():
        erase(member)
    avatar_name = member.avatar.name if member.avatar else ""
    member.username = f"deleted-{member.public_id.hex[:16]}"
    member.email = f"deleted-{member.public_id.hex[:16]}@invalid.invalid"
    member.display_name = DELETED_MEMBER_NAME
    member.first_name = member.last_name = ""
    member.avatar = ""
    member.is_active = False
    member.is_staff = member.is_superuser = False
    member.set_unusable_password()
    member.save()
    member.groups.clear()
    member.user_permissions.clear()
    EmailAddress.objects.filter(user=member).delete()
    LearningProfile.objects.filter(user=member).delete()
    _delete_socialaccounts(member)
    files = list(
        DataExport.objects.filter(member=member)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    )
    DataExport.objects.filter(member=member).update(file_name="")
    AccountDeletion.objects.filter(
        member=member, cancelled_at__isnull=True, erased_at__isnull=True
    ).update(erased_at=timezone.now())

    def delete_files():
        if avatar_name:
            member.avatar.storage.delete(avatar_name)
        storage = private_storage()
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return member


def _delete_socialaccounts(member: User) -> None:
    from django.apps import apps

    if apps.is_installed("allauth.socialaccount"):
        apps.get_model("socialaccount", "SocialAccount").objects.filter(
            user=member
        ).delete()


def erase_due_accounts() -> int:
    """Erase every account whose grace period has ended; returns how many."""
    due = list(
        AccountDeletion.objects.filter(
            scheduled_for__lte=timezone.now(),
            cancelled_at__isnull=True,
            erased_at__isnull=True,
        ).values_list("member_id", flat=True)
    )
    for member_id in due:
        account_erase(member=User(pk=member_id))
    return len(due)


# Inferred data ----------------------------------------------------------------


@transaction.atomic
def inferred_reset(*, member: User) -> None:
    """Forget what Lyceum inferred about the member (mastery estimates from
    behaviour, segments, churn risk, recommendations); the account stays."""
    for _name, reset in privacy.resetters().items():
        reset(member)
