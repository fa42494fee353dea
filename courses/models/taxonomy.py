"""The skills taxonomy: topics group skills; skills require other skills."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Topic(index.Indexed, models.Model):
    """A broad subject area (e.g. "Data science") that groups skills and courses."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SkillAdminForm(WagtailAdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        if "prerequisites" in cleaned_data:
            # Parental M2M values are held in memory until save, so the model's
            # clean() can check the prerequisites being proposed, not the stored ones.
            self.instance.prerequisites = cleaned_data["prerequisites"]
        return cleaned_data


class Skill(index.Indexed, ClusterableModel):
    """Something a learner can do, taught by lessons and assessed by quiz questions."""

    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="skills", verbose_name=_("topic")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        verbose_name=_("prerequisite skills"),
        help_text=_("Skills a learner should have before learning this one."),
    )

    base_form_class = SkillAdminForm
    panels = [
        FieldPanel("topic"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("prerequisites"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("topic"),
    ]

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["topic__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "name"], name="skill_name_per_topic"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        cycle = prerequisite_cycle(self, self.prerequisites.all())
        if cycle:
            names = " → ".join(skill.name for skill in cycle)
            raise ValidationError(
                {
                    "prerequisites": ValidationError(
                        _(
                            "These prerequisites would make a loop (%(loop)s): a "
                            "skill cannot depend on itself, even indirectly. Remove "
                            "“%(prerequisite)s” from the prerequisites."
                        ),
                        code="prerequisite_cycle",
                        params={"loop": names, "prerequisite": cycle[1].name},
                    )
                }
            )


def prerequisite_cycle(skill: Skill, prerequisites: Iterable[Skill]) -> list[Skill]:
    """The loop `skill → prerequisite → … → skill` that requiring `prerequisites`
    would create, or [] if none would. Reads all prerequisite links in one query."""
    if skill.pk is None:
        return []  # nothing can require a skill that is not saved yet
    prerequisites = list(prerequisites)
    links = Skill.prerequisites.through.objects.exclude(from_skill_id=skill.pk)
    requires: dict[int, list[int]] = {}
    for from_id, to_id in links.values_list("from_skill_id", "to_skill_id"):
        requires.setdefault(from_id, []).append(to_id)
    for prerequisite in prerequisites:
        # Depth-first search from the prerequisite back to the skill.
        came_from: dict[int, int | None] = {prerequisite.pk: None}
        stack = [prerequisite.pk]
        while stack:
            current = stack.pop()
            if current == skill.pk:
                path = [current]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])
                path.reverse()  # prerequisite … skill
                by_id = Skill.objects.in_bulk(path)
                return [skill, *(by_id[pk] for pk in path)]
            for nxt in requires.get(current, ()):
                if nxt not in came_from:
                    came_from[nxt] = current
                    stack.append(nxt)
    return []
