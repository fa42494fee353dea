from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Lyceum's account rules on top of allauth's defaults."""

    def is_open_for_signup(self, request) -> bool:
        from django.conf import settings

        return getattr(settings, "LYCEUM_SIGNUP_OPEN", True)


def user_display(user) -> str:
    """How allauth names a member in messages and e-mails
    (ACCOUNT_USER_DISPLAY): the display name, else full name, else username."""
    return user.name
