"""The course tree: catalogue → course → module → lesson."""

import datetime
import hashlib

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from core.pages import CardMixin

from ..blocks import LessonStreamBlock, QuizValue
from ..choices import CareerStage, Difficulty, Format, Level
from ..content_cache import cached
from .taxonomy import Skill, Topic

IMAGE_MODEL = "wagtailimages.Image"
COURSES_PER_PAGE = 12


class CourseFormat(models.Model):
    """One of the fixed delivery formats (text, video, live, hands-on); rows are
    created by a migration so courses can be filtered by format with a join."""

    code = models.CharField(max_length=20, choices=Format.choices, unique=True)

    class Meta:
        verbose_name = _("course format")
        verbose_name_plural = _("course formats")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class CourseTreePage(Page):
    """What the catalogue, course, module and lesson pages share: a cheaper
    privacy check on every view."""

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        """The restrictions on this page and its ancestors (or, for an alias
        among them, its source) in one query; Wagtail's own check loads the
        ancestors first, a second query on every page view."""
        steplen = self.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        sources = Page.objects.filter(path__in=paths, alias_of__isnull=False).values(
            "alias_of_id"
        )
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths) | Q(page_id__in=sources)
        )


class CourseIndexPage(CourseTreePage):
    """The course catalogue: every published course, with filters."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["website.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        """Find the course, module or lesson the rest of the URL names with one
        query by its URL path; Wagtail's walk down the tree costs two queries a
        level (six for a lesson). As in that walk, only the page itself must be
        live; what the page shows checks the rest."""
        levels = len(path_components)
        if not 1 <= levels <= 3:
            return super().route(request, path_components)
        model = (CoursePage, ModulePage, LessonPage)[levels - 1]
        page = model.objects.filter(
            slug=path_components[-1],
            url_path=self.url_path + "/".join(path_components) + "/",
            depth=self.depth + levels,
            path__startswith=self.path,
        ).first()
        if page is None:
            raise Http404
        return page.route(request, [])

    def get_context(self, request, *args, **kwargs):
        from ..forms import CatalogueFilterForm
        from ..selectors import course_catalogue

        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET or None)
        filters = form.filters()
        query = request.GET.copy()
        query.pop("page", None)
        page_number = request.GET.get("page", "")

        def render_results() -> str:
            # The listing is the same for every visitor: no per-member content.
            courses = course_catalogue(**filters).child_of(self)
            page_obj = Paginator(courses, COURSES_PER_PAGE).get_page(page_number)
            return render_to_string(
                "courses/includes/catalogue_results.html",
                {"courses": page_obj, "extra_query": query.urlencode()},
                request=request,
            )

        digest = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()
        key = f"catalogue:{self.pk}:{get_language()}:{page_number[:10]}:{digest[:16]}"
        # Rendered (and escaped) by our own template above.
        results = mark_safe(cached(key, render_results))  # noqa: S308
        context.update(form=form, results=results)
        return context


class CoursePage(CardMixin, CourseTreePage):
    """A course: what it teaches, for whom, who teaches it, and its modules."""

    card_related = ("cover_image",)

    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("One or two sentences for the catalogue card."),
    )
    overview = RichTextField(_("overview"), blank=True)
    learning_outcomes = StreamField(
        [("outcome", wagtail_blocks.CharBlock(max_length=200, label=_("Outcome")))],
        blank=True,
        verbose_name=_("learning outcomes"),
        help_text=_("What a learner can do after the course, one per line."),
    )
    cover_image = models.ForeignKey(
        IMAGE_MODEL,
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=5, decimal_places=1, default=1
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    formats = ParentalManyToManyField(
        CourseFormat, blank=True, related_name="courses", verbose_name=_("formats")
    )
    target_roles = models.CharField(
        _("target roles"),
        max_length=200,
        blank=True,
        help_text=_("Who the course is for, e.g. “data analysts, product managers”."),
    )
    career_stage = models.CharField(
        _("career stage"),
        max_length=20,
        choices=CareerStage.choices,
        blank=True,
        default=CareerStage.ANY,
    )
    skills = ParentalManyToManyField(
        Skill, blank=True, related_name="courses", verbose_name=_("skills taught")
    )
    prerequisite_skills = ParentalManyToManyField(
        Skill,
        blank=True,
        related_name="required_by_courses",
        verbose_name=_("prerequisite skills"),
    )
    enrolment_open = models.BooleanField(_("enrolment open"), default=True)
    self_paced = models.BooleanField(
        _("self-paced"),
        default=True,
        help_text=_("Untick for a cohort course with start and end dates."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("overview"),
        FieldPanel("learning_outcomes"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("topic"),
                FieldRowPanel([FieldPanel("level"), FieldPanel("language")]),
                FieldPanel("estimated_hours"),
                FieldPanel("formats", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Catalogue"),
        ),
        MultiFieldPanel(
            [FieldPanel("target_roles"), FieldPanel("career_stage")],
            heading=_("Audience"),
        ),
        InlinePanel("instructor_links", label=_("Instructors"), min_num=0),
        MultiFieldPanel(
            [FieldPanel("skills"), FieldPanel("prerequisite_skills")],
            heading=_("Skills"),
        ),
        InlinePanel("prerequisite_links", label=_("Prerequisite courses")),
        MultiFieldPanel(
            [
                FieldPanel("enrolment_open"),
                FieldPanel("self_paced"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            ],
            heading=_("Enrolment and schedule"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("overview"),
        index.SearchField("target_roles"),
        index.FilterField("level"),
        index.FilterField("language"),
        index.FilterField("topic"),
        index.FilterField("estimated_hours"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not self.self_paced and not self.starts_on:
            errors["starts_on"] = _("A cohort course needs a start date.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The course cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from ..event_services import course_upcoming_events
        from ..selectors import course_progress

        context = super().get_context(request, *args, **kwargs)
        progress = course_progress(course=self, user=request.user)
        completion = None
        enrollment = progress.enrollment
        if enrollment and enrollment.status == enrollment.Status.COMPLETED:
            completion = self.completions.filter(user=request.user).first()
        context.update(
            progress=progress,
            completion=completion,
            requirements=cached(f"requirements:{self.pk}", self._requirements),
            events=course_upcoming_events(course=self, user=request.user),
            instructors=cached(
                f"instructors:{self.pk}",
                lambda: list(self.instructor_links.select_related("user")),
            ),
        )
        return context

    def _requirements(self) -> dict:
        """What the course teaches and expects: skills taught, prerequisite
        skills and published prerequisite courses (cached per content)."""
        return {
            "skills": list(self.skills.order_by("name")),
            "prerequisite_skills": list(self.prerequisite_skills.order_by("name")),
            "prerequisite_courses": [
                link.required_course
                for link in self.prerequisite_links.select_related("required_course")
                if link.required_course.live
            ],
        }

    @property
    def card_image(self):
        return self.cover_image

    @property
    def card_summary(self) -> str:
        return self.summary

    def has_ended(self, today: datetime.date | None = None) -> bool:
        """A cohort course past its end date takes no more quiz submissions."""
        today = today or timezone.localdate()
        return not self.self_paced and bool(self.ends_on) and self.ends_on < today


class CourseInstructor(Orderable):
    """A member who teaches a course, in the order they are listed."""

    course = ParentalKey(
        CoursePage, on_delete=models.CASCADE, related_name="instructor_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructor"),
        on_delete=models.CASCADE,
        related_name="course_instructor_links",
    )
    role = models.CharField(
        _("role"), max_length=80, blank=True, help_text=_("e.g. “Lead instructor”.")
    )

    panels = [FieldPanel("user"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("instructor")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"], name="course_instructor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})" if self.role else str(self.user)


class CoursePrerequisite(Orderable):
    """A course a learner should finish before this one."""

    course = ParentalKey(
        CoursePage, on_delete=models.CASCADE, related_name="prerequisite_links"
    )
    required_course = models.ForeignKey(
        CoursePage,
        verbose_name=_("required course"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("required_course", "courses.CoursePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("prerequisite course")

    def clean(self) -> None:
        super().clean()
        if self.course_id and self.required_course_id == self.course_id:
            raise ValidationError(
                {"required_course": _("A course cannot require itself.")}
            )


class ModulePage(CourseTreePage):
    """A group of lessons within a course (a week, a unit, a theme)."""

    summary = models.TextField(_("summary"), max_length=400, blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        # A module has no page of its own: its lessons are listed on the course.
        from django.shortcuts import redirect

        from ..selectors import course_of

        course = course_of(self)
        live = course is not None and course.live
        return redirect(f"{course.url}#module-{self.pk}" if live else "/")


class LessonPage(CourseTreePage):
    """One lesson: text, media, code, and optionally a quiz or an assignment."""

    summary = models.TextField(_("summary"), max_length=400, blank=True)
    body = StreamField(LessonStreamBlock(), blank=True, verbose_name=_("body"))
    skills = ParentalManyToManyField(
        Skill, blank=True, related_name="lessons", verbose_name=_("skills taught")
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=10
    )
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Required lessons (and their quizzes) count towards completion."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("skills"),
                FieldRowPanel(
                    [FieldPanel("difficulty"), FieldPanel("estimated_minutes")]
                ),
                FieldPanel("required"),
            ],
            heading=_("Learning"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    # An enrolled learner's reload of the lesson they are on refreshes their
    # resume point and activity at most this often (each refresh is a write).
    LAUNCH_REFRESH = datetime.timedelta(minutes=10)

    def serve(self, request, *args, **kwargs):
        from django.template.response import TemplateResponse

        request.is_preview = False  # as Page.serve: previews do not come here
        context = self.get_context(request, *args, **kwargs)
        progress = context["progress"]
        if (
            progress is not None
            and progress.is_enrolled
            and self._needs_launch(progress)
        ):
            from ..services import lesson_launch

            try:
                lesson_launch(user=request.user, lesson=self)
            except ValidationError:
                pass  # e.g. the module was unpublished meanwhile: reading only
        return TemplateResponse(
            request, self.get_template(request, *args, **kwargs), context
        )

    def _needs_launch(self, progress) -> bool:
        """Whether opening the lesson changes anything worth a write: a first
        visit, a new resume point, a new day (one "launched" activity per lesson
        a day) or a stale last-activity time."""
        enrollment = progress.enrollment
        row = next((r for r in progress.lessons if r.lesson.pk == self.pk), None)
        last = enrollment.last_activity_at
        now = timezone.now()
        return (
            row is None
            or not row.started
            or enrollment.last_lesson_id != self.pk
            or last is None
            or timezone.localdate(last) != timezone.localdate(now)
            or now - last > self.LAUNCH_REFRESH
        )

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_of, course_progress, quiz_attempts_for_learner

        context = super().get_context(request, *args, **kwargs)
        course = course_of(self)
        progress = course_progress(course=course, user=request.user) if course else None
        previous, following = progress.neighbours(self) if progress else (None, None)
        row = next((r for r in progress.lessons if r.lesson.pk == self.pk), None)
        enrolled = bool(progress and progress.is_enrolled)
        context.update(
            lesson_locked=not self.readable_by(
                request, course=course, progress=progress
            ),
            course=course,
            progress=progress,
            previous_lesson=previous,
            next_lesson=following,
            lesson_completed=bool(row and row.completed),
            quiz_can_submit=enrolled,
            quiz_attempts=(
                quiz_attempts_for_learner(user=request.user, lesson=self)
                if self.has_quiz
                else {}
            ),
        )
        return context

    def readable_by(self, request, *, course, progress) -> bool:
        """Whether the lesson body is shown: to enrolled learners, the course's
        instructors and editors, in previews, and to everyone for the course's
        first lesson, its free preview (there is no per-lesson preview flag)."""
        if getattr(request, "is_preview", False) or course is None:
            return True
        if progress.is_enrolled:
            return True
        lessons = progress.lessons
        if lessons and lessons[0].lesson.pk == self.pk:
            return True
        user = request.user
        if not user.is_authenticated:
            return False
        if user.is_superuser or course.instructor_links.filter(user=user).exists():
            return True
        return self.permissions_for_user(user).can_edit()

    def quizzes(self) -> dict[str, QuizValue]:
        """The lesson's quizzes by block id, in body order."""
        return {
            child.id: child.value for child in self.body if child.block_type == "quiz"
        }

    @property
    def has_quiz(self) -> bool:
        return any(child["type"] == "quiz" for child in self.body.raw_data)
