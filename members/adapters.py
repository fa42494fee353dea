from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Lyceum's account rules on top of allauth's defaults."""

    def is_open_for_signup(self, request) -> bool:
        from django.conf import settings

        return getattr(settings, "LYCEUM_SIGNUP_OPEN", True)

    def get_signup_redirect_url(self, request) -> str:
        return self._onboarding_once(request) or super().get_signup_redirect_url(
            request
        )

    def get_login_redirect_url(self, request) -> str:
        # Only used when the request names no `next` page: an explicit
        # destination always wins over the onboarding offer.
        return self._onboarding_once(request) or super().get_login_redirect_url(request)

    def _onboarding_once(self, request) -> str:
        """The onboarding page (LYCEUM_ONBOARDING_URL), the first time a member
        arrives after signing up or logging in; "" every later time."""
        from django.conf import settings

        from .models import LearningProfile
        from .services import learning_profile_mark_onboarding

        url = getattr(settings, "LYCEUM_ONBOARDING_URL", "")
        user = request.user
        if not url or not user.is_authenticated:
            return ""
        if LearningProfile.objects.filter(
            user=user, onboarding_offered_at__isnull=False
        ).exists():
            return ""
        learning_profile_mark_onboarding(user=user, offered=True)
        return url


def user_display(user) -> str:
    """How allauth names a member in messages and e-mails
    (ACCOUNT_USER_DISPLAY): the display name, else full name, else username."""
    return user.name
