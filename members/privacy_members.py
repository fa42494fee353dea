"""The members app's own part of the privacy registry (profile, preferences,
consent records, presence days), and the log-in check behind re-consent."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from .models import ConsentRecord, LearningProfile, PresenceDay, PrivacyPolicy
from .privacy import register_eraser, register_exporter, rows
from .privacy_middleware import SESSION_KEY


def profile_export(member) -> dict:
    return {
        "username": member.username,
        "email": member.email,
        "display_name": member.display_name,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "date_joined": member.date_joined,
        "last_login": member.last_login,
        "avatar": member.avatar.name.rsplit("/", 1)[-1] if member.avatar else None,
    }


def preferences_export(member) -> dict | None:
    found = rows(
        LearningProfile.objects.filter(user=member),
        [
            "interest_topic_ids",
            "experience",
            "weekly_minutes",
            "preferred_formats",
            "preferred_language",
            "city",
            "personalisation",
            "mentoring_available",
            "onboarded_at",
            "updated_at",
        ],
    )
    return found[0] if found else None


def consent_export(member) -> list[dict]:
    return rows(
        ConsentRecord.objects.filter(member=member).order_by("accepted_at"),
        ["policy__version", "accepted_at"],
    )


def presence_export(member) -> list[dict]:
    return rows(
        PresenceDay.objects.filter(user=member).order_by("day"),
        ["day", "first_seen", "actions"],
    )


def consent_erase(member) -> None:
    # The proof of consent names a member who no longer exists.
    ConsentRecord.objects.filter(member=member).delete()


register_exporter(
    "profile",
    profile_export,
    label=_("Account and profile"),
    purpose=_(
        "Your name, e-mail address and avatar let you log in and let other "
        "members recognise you."
    ),
    retention=_("Until you delete your account."),
)
register_exporter(
    "preferences",
    preferences_export,
    label=_("Learning profile and preferences"),
    purpose=_(
        "Your interests, experience, time budget, city and personalisation "
        "level shape your path, recommendations and events near you."
    ),
    retention=_("Until you change them or delete your account."),
)
register_exporter(
    "consents",
    consent_export,
    label=_("Consent records"),
    purpose=_("Which version of the privacy policy you accepted, and when."),
    retention=_("Until you delete your account."),
)
register_exporter(
    "presence_days",
    presence_export,
    label=_("Days you were active"),
    purpose=_("Counts your active days for trust levels and streaks."),
    retention=_("Kept without your name after you delete your account."),
)
register_eraser("consents", consent_erase)


@receiver(user_logged_in, dispatch_uid="privacy_consent_on_login")
def consent_check_on_login(sender, request, user, **kwargs) -> None:
    from .privacy_services import consent_accepted_version, policy_current_version

    if request is None or not hasattr(request, "session"):
        return
    policy_current_version()
    request.session[SESSION_KEY] = consent_accepted_version(user)
    from .privacy_services import deletion_pending

    deletion = deletion_pending(user)
    if deletion is not None and hasattr(request, "_messages"):
        from django.contrib import messages
        from django.utils.translation import gettext

        messages.warning(
            request,
            gettext(
                "Your account is scheduled for deletion on %(date)s. You can "
                "cancel it in the privacy centre."
            )
            % {"date": deletion.scheduled_for.strftime("%Y-%m-%d")},
        )


@receiver(post_save, sender=PrivacyPolicy, dispatch_uid="privacy_policy_saved")
@receiver(post_delete, sender=PrivacyPolicy, dispatch_uid="privacy_policy_deleted")
def policy_changed(sender, **kwargs) -> None:
    from django.db import transaction

    from .privacy_services import policy_current_version

    transaction.on_commit(policy_current_version)
