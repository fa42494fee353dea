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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from .privacy_services import policy_current

        # Sign-up accepts the current privacy policy (members.privacy_services).
        self.privacy_policy = policy_current()
        if self.privacy_policy is not None:
            self.fields["accept_privacy"] = forms.BooleanField(
                label=_("I accept the privacy policy (version %(version)s)")
                % {"version": self.privacy_policy.version},
                help_text=self.privacy_policy.url,
                error_messages={"required": _("Please accept the privacy policy.")},
            )

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data.get("display_name", "").strip()
        user.save(update_fields=["display_name"])
        if self.privacy_policy is not None and self.cleaned_data.get("accept_privacy"):
            from .privacy_middleware import SESSION_KEY
            from .privacy_services import consent_accept

            consent_accept(member=user, policy=self.privacy_policy)
            request.session[SESSION_KEY] = self.privacy_policy.version
