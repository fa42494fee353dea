from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, DigestFrequency, Kind


class PreferencesForm(forms.Form):
    """A channel per kind, the digest frequency and quiet hours."""

    digest_frequency = forms.ChoiceField(
        label=_("E-mail digest"), choices=DigestFrequency.choices
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[f"channel_{kind}"] = forms.ChoiceField(
                label=label, choices=Channel.choices, initial=channels[kind]
            )

    def clean(self):
        data = super().clean()
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(
                _("Give both ends of your quiet hours, or neither.")
            )
        return data

    def channel_fields(self):
        return [self[f"channel_{kind}"] for kind in Kind.values]

    def channels(self) -> dict[str, str]:
        return {kind: self.cleaned_data[f"channel_{kind}"] for kind in Kind.values}
