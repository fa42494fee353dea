"""Forms parse what members type; the services decide whether it is good
enough (the forms only catch an empty field, with the services' wording)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Topic

MARKDOWN_HELP = _(
    "Markdown works: **bold**, _italic_, [a link](https://example.org), "
    "`code`, and code blocks between lines of three backticks (```python … ```)."
)


def _body_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        error_messages={"required": _("Write a message first.")},
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": BODY_MAX_LENGTH}),
    )


class TopicForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        error_messages={"required": _("Give your topic a title.")},
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH}),
        help_text=_("A short summary, e.g. “How do I read a CSV file in pandas?”"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of topic"),
        choices=Topic.Kind.choices,
        initial=Topic.Kind.DISCUSSION,
        widget=forms.RadioSelect,
        help_text=_("Questions can have one accepted answer."),
    )
    body = _body_field(_("Message"))


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PostEditForm(forms.Form):
    body = _body_field(_("Message"))


def form_add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError next to the fields it concerns."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
