"""The admin form for badge criteria and challenge goals: the verb and object
type fields are plain text in the database (a new verb needs no migration)
and lists from the activity vocabulary here."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm


class GoalAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .badge_models import COUNTABLE_VERBS, countable_object_types

        lists = {
            "verb": COUNTABLE_VERBS,
            "object_type": countable_object_types(),
        }
        for name, values in lists.items():
            field = self.fields.get(name)
            if field is None:
                continue
            self.fields[name] = forms.ChoiceField(
                label=field.label,
                help_text=field.help_text,
                required=field.required,
                choices=[("", "---------")] + [(v, v) for v in values],
            )
