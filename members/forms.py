from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """Extra sign-up fields: allauth's sign-up form inherits from this class
    (ACCOUNT_SIGNUP_FORM_CLASS) and calls ``signup`` after creating the user.
    allauth imports this module while defining its own forms, so it must not
    import them (the other account forms live in ``account_forms``)."""

    field_order = ["email", "username", "display_name", "password1", "password2"]

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("How other members will see you. You can change it later."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data.get("display_name", "").strip()
        user.save(update_fields=["display_name"])
