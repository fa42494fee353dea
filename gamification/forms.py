import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MemberGameProfile


def time_zone_choices() -> list[tuple[str, str]]:
    return [
        (name, name.replace("_", " "))
        for name in sorted(zoneinfo.available_timezones())
    ]


class GameProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        help_text=_("Your streak and daily limits follow your own day."),
    )

    class Meta:
        model = MemberGameProfile
        fields = ["time_zone", "leaderboard_listed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
