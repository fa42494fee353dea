"""Curated learning paths: pages where instructors put courses, lessons and
events in the order they recommend; a member adopts one and the planner
personalises it (leaving out what they already master)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index


class CuratedStepBlock(blocks.StructBlock):
    """Fields every curated step shares: the page and a note for the learner."""

    note = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text=_("Why this step is here, shown to the learner."),
    )


class CourseStepBlock(CuratedStepBlock):
    """A whole course: all its published lessons, in the course's order."""

    page = blocks.PageChooserBlock(page_type="courses.CoursePage")

    class Meta:
        icon = "graduation-cap"
        label = _("Course")
        template = "paths/blocks/curated_step.html"


class LessonStepBlock(CuratedStepBlock):
    """One lesson of a course."""

    page = blocks.PageChooserBlock(page_type="courses.LessonPage")

    class Meta:
        icon = "doc-full"
        label = _("Lesson")
        template = "paths/blocks/curated_step.html"


class EventStepBlock(CuratedStepBlock):
    """A live session or community event."""

    page = blocks.PageChooserBlock(page_type="courses.EventPage")

    class Meta:
        icon = "date"
        label = _("Event")
        template = "paths/blocks/curated_step.html"


class CuratedStepsBlock(blocks.StreamBlock):
    course = CourseStepBlock()
    lesson = LessonStepBlock()
    event = EventStepBlock()

    class Meta:
        min_num = 1


class CuratedPathIndexPage(Page):
    """The list of curated learning paths members can adopt."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["website.HomePage"]
    subpage_types = ["paths.CuratedPathPage"]
    max_count = 1
    template = "paths/curated_path_index_page.html"

    class Meta:
        verbose_name = _("learning paths index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["paths"] = (
            CuratedPathPage.objects.live().public().child_of(self).order_by("path")
        )
        return context


class CuratedPathPage(Page):
    """An instructor's recommended sequence towards a goal."""

    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("Who the path is for and where it leads, in a sentence or two."),
    )
    body = RichTextField(_("introduction"), blank=True)
    steps = StreamField(
        CuratedStepsBlock(),
        verbose_name=_("steps"),
        help_text=_(
            "Courses, lessons and events in the order you recommend. Members who "
            "adopt the path skip what they already master."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("steps"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["paths.CuratedPathIndexPage"]
    subpage_types: list[str] = []
    template = "paths/curated_path_page.html"

    class Meta:
        verbose_name = _("curated learning path")

    def step_page_ids(self) -> list[tuple[str, int]]:
        """(kind, page id) of each step, in order, as stored."""
        return [
            (child["type"], child["value"]["page"])
            for child in self.steps.raw_data
            if child["value"].get("page")
        ]

    def get_context(self, request, *args, **kwargs):
        from .selectors import curated_path_overview

        context = super().get_context(request, *args, **kwargs)
        context["overview"] = curated_path_overview(path_page=self, user=request.user)
        return context
