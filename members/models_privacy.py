"""Privacy centre models: the versioned privacy policy and consent records,
data-export archives and account-deletion requests."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AccountDeletion", "ConsentRecord", "DataExport", "PrivacyPolicy"]


class PrivacyPolicy(models.Model):
    """One published version of the privacy policy. The newest version whose
    ``published_at`` has passed is current; members accept it on sign-up and
    are asked again when a newer one is published."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    summary = models.TextField(
        _("summary of changes"),
        help_text=_("Shown when members are asked to accept it."),
    )
    url = models.CharField(
        _("full text address"),
        max_length=300,
        blank=True,
        help_text=_("Address of the full policy, e.g. /privacy/."),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Privacy policy v{self.version}"


class ConsentRecord(models.Model):
    """A member accepted one version of the privacy policy, at that moment."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    policy = models.ForeignKey(
        PrivacyPolicy, on_delete=models.PROTECT, related_name="consents"
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "policy"], name="consent_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} accepted v{self.policy_id} at {self.accepted_at}"


class DataExport(models.Model):
    """A member's request for an archive of their data; the file lives in
    private storage (LYCEUM_PRIVATE_ROOT), served only to its member."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.member_id} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class AccountDeletion(models.Model):
    """A member asked for their account to be erased. It happens at
    ``scheduled_for`` (after the grace period) unless cancelled first."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletions"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    scheduled_for = models.DateTimeField(_("scheduled for"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account deletion")
        verbose_name_plural = _("account deletions")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(cancelled_at__isnull=True),
                name="one_open_deletion_per_member",
            )
        ]
        indexes = [models.Index(fields=["scheduled_for"])]

    def __str__(self) -> str:
        return f"deletion of {self.member_id} on {self.scheduled_for}"
