"""Forms of the onboarding flow, the learning profile and the path page. They
only parse and check input; the services in paths.services do the writing."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, Skill, Topic
from members.models import LearningProfile

from .models import CareerTrack, CuratedPathPage, LearningPath, SkillSelfAssessment

GoalKind = LearningPath.GoalKind


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return f"{obj.name} ({obj.topic.name})"


class GoalForm(forms.Form):
    """What the member wants to reach: a course, some skills, a role or a
    curated path. Only the field of the chosen kind is read."""

    kind = forms.ChoiceField(
        label=_("I want to…"),
        choices=[
            (GoalKind.COURSE, _("take a particular course")),
            (GoalKind.SKILLS, _("learn particular skills")),
            (GoalKind.TRACK, _("grow into a role")),
            (GoalKind.CURATED, _("follow a path an instructor put together")),
        ],
        widget=forms.RadioSelect,
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.none(),
        required=False,
        empty_label=_("Choose a course"),
    )
    skills = SkillChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    track = forms.ModelChoiceField(
        label=_("Role"),
        queryset=CareerTrack.objects.none(),
        required=False,
        empty_label=_("Choose a role"),
    )
    curated = forms.ModelChoiceField(
        label=_("Curated path"),
        queryset=CuratedPathPage.objects.none(),
        required=False,
        empty_label=_("Choose a path"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = (
            CoursePage.objects.live().public().order_by("title").only("pk", "title")
        )
        self.fields["skills"].queryset = Skill.objects.select_related("topic").order_by(
            "topic__name", "name"
        )
        self.fields["track"].queryset = CareerTrack.objects.filter(active=True)
        self.fields["curated"].queryset = (
            CuratedPathPage.objects.live()
            .public()
            .order_by("title")
            .only("pk", "title")
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        needed = {
            GoalKind.COURSE: ("course", _("Choose the course you want to take.")),
            GoalKind.TRACK: ("track", _("Choose the role you want to grow into.")),
            GoalKind.CURATED: ("curated", _("Choose the path you want to follow.")),
            GoalKind.SKILLS: ("skills", _("Tick at least one skill.")),
        }
        if kind in needed:
            name, message = needed[kind]
            if not cleaned.get(name):
                self.add_error(name, message)
        return cleaned

    @staticmethod
    def initial_for(path: LearningPath | None) -> dict:
        if path is None:
            return {}
        return {
            "kind": path.goal_kind,
            "course": path.goal_course_id,
            "track": path.goal_track_id,
            "curated": path.goal_curated_id,
            "skills": list(path.goal_skills.values_list("pk", flat=True)),
        }


class LearningProfileForm(forms.Form):
    """How the member learns: the answers plans and recommendations use."""

    interests = forms.TypedMultipleChoiceField(
        label=_("Topics that interest you"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    experience = forms.ChoiceField(
        label=_("Your experience with what you want to learn"),
        choices=LearningProfile.Experience.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "New to it: we start gently, with beginner content and fewer steps a "
            "week. Experienced: we offer a placement quiz and advanced content."
        ),
    )
    weekly_minutes = forms.IntegerField(
        label=_("Time you can give each week (minutes)"),
        min_value=LearningProfile.MIN_WEEKLY_MINUTES,
        max_value=LearningProfile.MAX_WEEKLY_MINUTES,
        help_text=_("For example 120 for two hours. Your path is planned in weeks."),
    )
    preferred_formats = forms.MultipleChoiceField(
        label=_("Formats you prefer"),
        choices=LearningProfile.LearningFormat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if any format suits you."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language you prefer to learn in"),
        choices=[("", _("Any language"))] + list(settings.LANGUAGES),
        required=False,
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        help_text=_("For events near you. Leave empty for online events only."),
    )
    personalisation = forms.ChoiceField(
        label=_("Personalisation"),
        choices=LearningProfile.Personalisation.choices,
        widget=forms.RadioSelect,
    )
    mentoring_available = forms.BooleanField(
        label=_("I am happy to mentor others in skills I master"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].choices = list(
            Topic.objects.order_by("name").values_list("pk", "name")
        )

    @staticmethod
    def initial_for(profile: LearningProfile) -> dict:
        return {
            "interests": profile.interest_topic_ids,
            "experience": profile.experience,
            "weekly_minutes": profile.weekly_minutes,
            "preferred_formats": profile.preferred_formats,
            "preferred_language": profile.preferred_language,
            "city": profile.city,
            "personalisation": profile.personalisation,
            "mentoring_available": profile.mentoring_available,
        }

    def profile_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "interest_topic_ids": list(data["interests"]),
            "experience": data["experience"],
            "weekly_minutes": data["weekly_minutes"],
            "preferred_formats": list(data["preferred_formats"]),
            "preferred_language": data["preferred_language"],
            "city": data["city"],
            "personalisation": data["personalisation"],
            "mentoring_available": data["mentoring_available"],
        }


class SelfAssessmentForm(forms.Form):
    """One "how well do you know it?" question per skill of the goal."""

    def __init__(self, *args, skills=(), levels=None, gentle=False, **kwargs):
        super().__init__(*args, **kwargs)
        levels = levels or {}
        self.skills = list(skills)
        for skill in self.skills:
            default = 0 if gentle else None
            self.fields[f"skill_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name,
                choices=SkillSelfAssessment.Level.choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=levels.get(skill.pk, default),
                help_text=skill.description,
            )

    def levels(self) -> dict[int, int]:
        return {
            skill.pk: self.cleaned_data[f"skill_{skill.pk}"] for skill in self.skills
        }
