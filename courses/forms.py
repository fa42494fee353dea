from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .choices import Format, Length, Level
from .models import Topic


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters (GET). Unknown values are ignored, not errors."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any level")), *Level.choices]
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Any format")), *Format.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *settings.LANGUAGES],
    )
    length = forms.ChoiceField(
        label=_("Length"),
        required=False,
        choices=[("", _("Any length")), *Length.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [
            ("", _("All topics")),
            *Topic.objects.values_list("slug", "name"),
        ]

    def filters(self) -> dict:
        """Keyword arguments for `course_catalogue` (only the valid ones)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q") or None,
            "topic": data.get("topic") or None,
            "level": data.get("level") or None,
            "format_code": data.get("format") or None,
            "language": data.get("language") or None,
            "length": data.get("length") or None,
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.filters().values())
