import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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


class LearningProfile(models.Model):
    """What a member tells Lyceum about how they learn: interests, experience,
    time, formats, language, city, and how much personalisation they want.

    It lives in members (the foundation layer), so it cannot point at the
    courses taxonomy: interests are stored as topic ids, formats as the codes of
    ``courses.choices.Format`` (mirrored by ``LearningFormat``). Goals, which
    need courses and skills, are in paths."""

    class Experience(models.TextChoices):
        NEWCOMER = "newcomer", _("New to this")
        SOME = "some", _("Some experience")
        EXPERIENCED = "experienced", _("Experienced")

    class Personalisation(models.TextChoices):
        OFF = "off", _("Off: the same curated paths for everyone, no activity used")
        BASIC = "basic", _("Basic: from what I tell Lyceum in my profile")
        FULL = "full", _("Full: also from what I do (answers, completions)")

    class LearningFormat(models.TextChoices):
        TEXT = "text", _("Text")
        VIDEO = "video", _("Video")
        LIVE = "live", _("Live sessions")
        HANDS_ON = "hands-on", _("Hands-on")

    MIN_WEEKLY_MINUTES = 15
    MAX_WEEKLY_MINUTES = 40 * 60

    user = models.OneToOneField(
        User,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="learning_profile",
    )
    interest_topic_ids = models.JSONField(
        _("interests"),
        default=list,
        blank=True,
        help_text=_("Ids of the courses taxonomy's topics the member cares about."),
    )
    experience = models.CharField(
        _("experience"),
        max_length=20,
        choices=Experience.choices,
        default=Experience.SOME,
    )
    weekly_minutes = models.PositiveSmallIntegerField(
        _("time per week (minutes)"),
        default=120,
        validators=[
            MinValueValidator(MIN_WEEKLY_MINUTES),
            MaxValueValidator(MAX_WEEKLY_MINUTES),
        ],
    )
    preferred_formats = models.JSONField(
        _("preferred formats"),
        default=list,
        blank=True,
        help_text=_("Format codes (text, video, live, hands-on); empty: any."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    personalisation = models.CharField(
        _("personalisation"),
        max_length=10,
        choices=Personalisation.choices,
        default=Personalisation.FULL,
    )
    mentoring_available = models.BooleanField(
        _("available as a mentor"),
        default=False,
        help_text=_("Other members may ask you for help with skills you master."),
    )
    onboarding_offered_at = models.DateTimeField(
        _("onboarding offered at"), null=True, blank=True
    )
    onboarded_at = models.DateTimeField(
        _("onboarding finished at"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("learning profile")
        verbose_name_plural = _("learning profiles")

    def __str__(self) -> str:
        return f"Learning profile of {self.user_id}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        ids = self.interest_topic_ids
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids
        ):
            errors["interest_topic_ids"] = _("Interests must be a list of topic ids.")
        formats = self.preferred_formats
        allowed = set(self.LearningFormat.values)
        if not isinstance(formats, list) or not set(formats) <= allowed:
            errors["preferred_formats"] = _(
                "Choose formats from: text, video, live sessions, hands-on."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def uses_profile(self) -> bool:
        """Whether plans and recommendations may use what the member stated."""
        return self.personalisation != self.Personalisation.OFF

    @property
    def uses_behaviour(self) -> bool:
        """Whether plans and recommendations may use what the member did."""
        return self.personalisation == self.Personalisation.FULL


from .models_privacy import *  # noqa: E402, F403  (privacy centre models)
