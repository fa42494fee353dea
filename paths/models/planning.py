"""Goals and learning paths: career tracks operators define, what members say
about their own skills, placement quizzes, and each member's planned path."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from ..pages import CuratedPathIndexPage, CuratedPathPage

__all__ = [
    "CareerTrack",
    "CuratedPathIndexPage",
    "CuratedPathPage",
    "LearningPath",
    "PathStep",
    "PlacementAttempt",
    "SkillSelfAssessment",
]


class CareerTrack(index.Indexed, ClusterableModel):
    """A role or career a member can aim for (e.g. "Data analyst"): the skills
    it takes and the courses that lead there."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), max_length=400, blank=True)
    skills = ParentalManyToManyField(
        "courses.Skill",
        blank=True,
        related_name="career_tracks",
        verbose_name=_("skills"),
        help_text=_("What someone in this role can do."),
    )
    courses = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="career_tracks",
        verbose_name=_("courses"),
        help_text=_("Courses that lead there; their lessons are preferred."),
    )
    active = models.BooleanField(
        _("offered to members"),
        default=True,
        help_text=_("Untick to stop offering the track as a goal."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("skills"),
        FieldPanel("courses"),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("career track")
        verbose_name_plural = _("career tracks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SkillSelfAssessment(models.Model):
    """How well a member says they know a skill (0 not at all … 4 expert)."""

    class Level(models.IntegerChoices):
        NONE = 0, _("Not at all")
        LITTLE = 1, _("A little")
        SOME = 2, _("Some")
        GOOD = 3, _("Good")
        EXPERT = 4, _("Expert")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skill_self_assessments",
    )
    skill = models.ForeignKey(
        "courses.Skill", on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, validators=[MaxValueValidator(4)]
    )
    assessed_at = models.DateTimeField(_("assessed at"), auto_now=True)

    class Meta:
        verbose_name = _("skill self-assessment")
        verbose_name_plural = _("skill self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "skill"], name="self_assessment_once_per_skill"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.skill_id}: {self.level}"


class PlacementAttempt(models.Model):
    """A placement quiz: the questions drawn for the member (kept here, so the
    answers are graded against exactly these) and, once submitted, the result
    per skill."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="placement_attempts",
    )
    # [{"lesson": id, "quiz": block id, "question": block id, "skill": id}, …]
    questions = models.JSONField(_("questions"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # {"<skill id>": [right, asked], …}
    results = models.JSONField(_("results"), default=dict, blank=True)

    class Meta:
        verbose_name = _("placement quiz")
        verbose_name_plural = _("placement quizzes")
        indexes = [models.Index(fields=["member", "-created_at"])]

    def __str__(self) -> str:
        return f"Placement {self.pk} of {self.member_id}"


class LearningPath(models.Model):
    """A member's goal and the path planned towards it (one per member; a new
    goal re-plans the same path)."""

    class GoalKind(models.TextChoices):
        COURSE = "course", _("A course")
        SKILLS = "skills", _("Some skills")
        TRACK = "track", _("A role or career")
        CURATED = "curated", _("A curated path")

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learning_path",
    )
    goal_kind = models.CharField(_("goal"), max_length=10, choices=GoalKind.choices)
    goal_course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("goal course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    goal_track = models.ForeignKey(
        CareerTrack,
        verbose_name=_("goal role"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    goal_curated = models.ForeignKey(
        CuratedPathPage,
        verbose_name=_("curated path"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    goal_skills = models.ManyToManyField(
        "courses.Skill", blank=True, related_name="+", verbose_name=_("goal skills")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)
    eta = models.DateField(_("expected finish"), null=True, blank=True)
    eta_weeks = models.PositiveSmallIntegerField(_("weeks to go"), default=0)
    # Bumped whenever a re-plan changes the steps.
    version = models.PositiveIntegerField(_("version"), default=0)
    # The course content version planned against: a newer one re-plans.
    content_version = models.CharField(max_length=64, blank=True)
    # The learner's moves: [[a, b], …] = "page a before page b", oldest first.
    moves = models.JSONField(default=list, blank=True)
    # What the planner reported besides the steps: milestones, mastered and
    # uncovered skills, curated steps left out.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")

    def __str__(self) -> str:
        return f"Path of {self.member_id} ({self.goal_kind})"


class PathStep(models.Model):
    """One step of a path: a page to work through, why, when, and its state."""

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    class Origin(models.TextChoices):
        PLAN = "plan", _("Planned")
        CONFIRM = "confirm", _("Confirms a skill")
        REMEDIATION = "remediation", _("Extra practice")
        CURATED = "curated", _("Curated")
        LEARNER = "learner", _("Your choice")

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson")
        QUIZ = "quiz", _("Quiz")
        PROJECT = "project", _("Project")
        EVENT = "event", _("Event")

    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="steps"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LESSON)
    skill = models.ForeignKey(
        "courses.Skill",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveIntegerField(default=0)
    week = models.PositiveSmallIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    origin = models.CharField(
        max_length=12, choices=Origin.choices, default=Origin.PLAN
    )
    reason = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.TODO
    )
    # A learner's decision (a skip, a swap) that every re-plan keeps.
    pinned = models.BooleanField(default=False)
    # For a swap: the step's page that this one replaced.
    replaces = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("path step")
        verbose_name_plural = _("path steps")
        ordering = ["path", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["path", "page"], name="path_page_once")
        ]
        indexes = [models.Index(fields=["path", "status", "order"])]

    def __str__(self) -> str:
        return f"{self.path_id} #{self.order}: {self.page_id} ({self.status})"
