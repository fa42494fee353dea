"""Forms parse what members type; the services decide whether it may be sent."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, Conversation, MessageReport

MARKDOWN_HELP = _(
    "Markdown works: **bold**, _italic_, [a link](https://example.org), `code`."
)


def _body_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        error_messages={"required": _("Write a message first.")},
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BODY_MAX_LENGTH}),
    )


class StartForm(forms.Form):
    recipients = forms.CharField(
        label=_("To"),
        error_messages={"required": _("Choose who to write to.")},
        help_text=_("Their user name; separate several with commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        error_messages={"required": _("Give the conversation a subject.")},
        widget=forms.TextInput(attrs={"maxlength": SUBJECT_MAX_LENGTH}),
    )
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Conversation.Kind.choices,
        initial=Conversation.Kind.DIRECT,
    )
    body = _body_field(_("Message"))

    def clean_recipients(self) -> list:
        names = [n.strip() for n in self.cleaned_data["recipients"].split(",")]
        names = list(dict.fromkeys(n for n in names if n))
        if not names:
            raise forms.ValidationError(_("Choose who to write to."))
        if len(names) > 20:
            raise forms.ValidationError(_("That is too many people for one message."))
        wanted = Q()
        for name in names:
            wanted |= Q(username__iexact=name)
        found = {
            user.username.lower(): user
            for user in get_user_model().objects.filter(wanted, is_active=True)
        }
        missing = [n for n in names if n.lower() not in found]
        if missing:
            raise forms.ValidationError(
                _("No member is called %(names)s. Check the spelling.")
                % {"names": ", ".join(missing)}
            )
        return [found[n.lower()] for n in names]


class ReplyForm(forms.Form):
    body = _body_field(_("Your message"))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this message?"),
        choices=MessageReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason that fits best.")},
    )
    details = forms.CharField(
        label=_("Anything a moderator should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the audit log"),
        required=False,
        max_length=1000,
        widget=forms.TextInput,
    )


def form_add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError next to the fields it concerns."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
