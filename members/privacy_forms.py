from django import forms
from django.utils.translation import gettext_lazy as _


class DeletionForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm it is you asking."),
    )


class ConsentForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept this privacy policy"),
        required=True,
        error_messages={"required": _("Please accept the policy to go on.")},
    )
