"""Forms parse what members type; the services decide whether it is good
enough (the forms only catch an empty field, with the services' wording)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Skill

from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Group, Topic
from .models.polls import POLL_OPTIONS_MAX, POLL_QUESTION_MAX_LENGTH
from .models.projects import PROJECT_IMAGES_MAX, PROJECT_LINKS_MAX
from .poll_services import PollDraft
from .project_services import ProjectDraft

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


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files from one input; Pillow checks them in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleImageInput(
                attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [
                super(MultipleImageField, self).clean(item, initial) for item in data
            ]
        return [super().clean(data, initial)] if data else []


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class NewTopicForm(TopicForm):
    """A new topic with, for projects, images, links, skills and the feedback
    flag, and, for members allowed to, a poll (`with_poll`)."""

    images = MultipleImageField(
        label=_("Images"),
        required=False,
        help_text=_(
            "Screenshots or photos: up to %(max)d JPEG, PNG, GIF or WebP images."
        )
        % {"max": PROJECT_IMAGES_MAX},
    )
    image_descriptions = forms.CharField(
        label=_("Describe the images"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One line per image, in order, for people who can't see them "
            "(e.g. “The dashboard on a phone”)."
        ),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Up to %(max)d addresses, one per line: the live site, the code.")
        % {"max": PROJECT_LINKS_MAX},
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills used"),
        queryset=Skill.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    feedback_wanted = forms.BooleanField(
        label=_("I would like feedback on this project"), required=False
    )
    poll_question = forms.CharField(
        label=_("Poll question"),
        required=False,
        max_length=POLL_QUESTION_MAX_LENGTH,
        help_text=_("Leave empty for no poll."),
    )
    poll_options = forms.CharField(
        label=_("Poll options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, %(max)d at most.") % {"max": POLL_OPTIONS_MAX},
    )
    poll_multiple = forms.BooleanField(
        label=_("Voters may choose several options"), required=False
    )
    poll_closes_at = forms.DateTimeField(
        label=_("Poll closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    PROJECT_FIELDS = (
        "images",
        "image_descriptions",
        "links",
        "skills",
        "feedback_wanted",
    )
    POLL_FIELDS = ("poll_question", "poll_options", "poll_multiple", "poll_closes_at")

    def __init__(self, *args, with_poll: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_poll:
            for name in self.POLL_FIELDS:
                del self.fields[name]

    def fields_named(self, names):
        return [self[name] for name in names if name in self.fields]

    def topic_fields(self):
        return self.fields_named(("title", "kind", "body"))

    def project_fields(self):
        return self.fields_named(self.PROJECT_FIELDS)

    def poll_fields(self):
        return self.fields_named(self.POLL_FIELDS)

    def project_draft(self) -> ProjectDraft:
        data = self.cleaned_data
        return ProjectDraft(
            images=data.get("images") or [],
            alt_texts=_lines(data.get("image_descriptions", "")),
            links=_lines(data.get("links", "")),
            skill_ids=[skill.pk for skill in data.get("skills") or []],
            feedback_wanted=data.get("feedback_wanted", False),
        )

    def poll_draft(self) -> PollDraft | None:
        data = self.cleaned_data
        if "poll_question" not in self.fields:
            return None
        if not (data.get("poll_question") or data.get("poll_options")):
            return None
        return poll_draft_from(data)


def poll_draft_from(data) -> PollDraft:
    return PollDraft(
        question=data.get("poll_question", ""),
        options=_lines(data.get("poll_options", "")),
        allows_multiple=data.get("poll_multiple", False),
        closes_at=data.get("poll_closes_at"),
    )


class PollForm(forms.Form):
    """A poll added to an existing topic."""

    poll_question = NewTopicForm.base_fields["poll_question"]
    poll_options = NewTopicForm.base_fields["poll_options"]
    poll_multiple = NewTopicForm.base_fields["poll_multiple"]
    poll_closes_at = NewTopicForm.base_fields["poll_closes_at"]


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        error_messages={"required": _("Give the group a name.")},
    )
    description = forms.CharField(
        label=_("What is the group about?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=Group.Visibility.choices,
        initial=Group.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Tell the owners why you would like to join"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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
