import uuid
from pathlib import PurePath

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_avatar


def avatar_upload_to(instance: "User", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower() or ".png"
    return f"avatars/{instance.public_id}/{uuid.uuid4().hex[:12]}{suffix}"


class User(AbstractUser):
    """A Lyceum member: learner, instructor, moderator or operator."""

    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Opaque id used in exports (xAPI) instead of the e-mail."),
    )
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    avatar = models.ImageField(
        _("avatar"),
        upload_to=avatar_upload_to,
        blank=True,
        validators=[validate_avatar],
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("moderate_members", _("Can moderate members (warn, silence, suspend)")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class PresenceDay(models.Model):
    """One row per member per day on which they did anything recorded in the
    activity log: the source of "days visited" (trust levels, streaks, DAU)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="presence_days"
    )
    day = models.DateField()
    first_seen = models.DateTimeField()
    actions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="presence_once_a_day")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.day}"
