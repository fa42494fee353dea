from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .choices import Format, Length, Level
from .content_cache import cached
from .models import Skill, Topic


def _taxonomy_choices() -> tuple[list, list]:
    """Topics, and skills grouped under their topics, for the filters (cached
    with the taxonomy: the catalogue pays no query for them)."""
    topics = list(Topic.objects.order_by("name").values_list("slug", "name"))
    grouped: dict[str, list] = {}
    for slug, name, topic in Skill.objects.order_by("topic__name", "name").values_list(
        "slug", "name", "topic__name"
    ):
        grouped.setdefault(topic or "", []).append((slug, name))
    return topics, list(grouped.items())


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters (GET). Unknown values are ignored, not errors."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    skill = forms.ChoiceField(label=_("Skill"), required=False)
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
        topics, skills = cached("catalogue-filter-choices", _taxonomy_choices)
        self.fields["topic"].choices = [("", _("All topics")), *topics]
        self.fields["skill"].choices = [("", _("Any skill")), *skills]

    def filters(self) -> dict:
        """Keyword arguments for `course_catalogue` (only the valid ones)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q") or None,
            "topic": data.get("topic") or None,
            "skill": data.get("skill") or None,
            "level": data.get("level") or None,
            "format_code": data.get("format") or None,
            "language": data.get("language") or None,
            "length": data.get("length") or None,
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.filters().values())
