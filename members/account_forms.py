"""allauth's forms adjusted for Lyceum (ACCOUNT_FORMS)."""

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _


class AddEmailForm(allauth_forms.AddEmailForm):
    """allauth's email change form, labelled for what it does here
    (ACCOUNT_CHANGE_EMAIL: the new address replaces the old one once confirmed)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("New email address")
