"""Reads for the catalogue and the learner's progress. Each runs a fixed number
of queries however many courses, lessons, enrolments or attempts there are."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from .choices import LENGTH_BOUNDS_HOURS
from .content_cache import cached
from .models import (
    AssignmentSubmission,
    CourseCompletion,
    CourseInstructor,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizAttempt,
)


def course_catalogue(
    *,
    topic: str | None = None,
    skill: str | None = None,
    level: str | None = None,
    format_code: str | None = None,
    language: str | None = None,
    length: str | None = None,
    search: str | None = None,
) -> QuerySet[CoursePage]:
    """Published, public courses matching every filter given (slugs and choice
    codes), with what a catalogue card shows already loaded."""
    courses = CoursePage.objects.live().public()
    if topic:
        courses = courses.filter(
            Q(topic__slug=topic)
            | Exists(
                CoursePage.skills.through.objects.filter(
                    coursepage_id=OuterRef("pk"), skill__topic__slug=topic
                )
            )
        )
    if skill:
        courses = courses.filter(
            Exists(
                CoursePage.skills.through.objects.filter(
                    coursepage_id=OuterRef("pk"), skill__slug=skill
                )
            )
        )
    if level:
        courses = courses.filter(level=level)
    if format_code:
        courses = courses.filter(
            Exists(
                CoursePage.formats.through.objects.filter(
                    coursepage_id=OuterRef("pk"), courseformat__code=format_code
                )
            )
        )
    if language:
        courses = courses.filter(language=language)
    if length in LENGTH_BOUNDS_HOURS:
        low, high = LENGTH_BOUNDS_HOURS[length]
        if low is not None:
            courses = courses.filter(estimated_hours__gte=Decimal(low))
        if high is not None:
            courses = courses.filter(estimated_hours__lt=Decimal(high))
    if search:
        courses = courses.filter(
            Q(title__icontains=search)
            | Q(summary__icontains=search)
            | Q(target_roles__icontains=search)
        )
    return (
        courses.select_related("topic", "cover_image")
        .prefetch_related(
            "formats",
            Prefetch(
                "instructor_links",
                queryset=CourseInstructor.objects.select_related("user"),
            ),
        )
        .order_by("title")
    )


@dataclass
class LessonRow:
    lesson: LessonPage
    started: bool = False
    completed: bool = False


@dataclass
class ModuleRow:
    module: ModulePage
    lessons: list[LessonRow] = field(default_factory=list)


@dataclass
class CourseProgress:
    """A course's syllabus with one learner's progress through it."""

    course: CoursePage
    enrollment: Enrollment | None
    modules: list[ModuleRow]
    completed_required: int
    total_required: int

    @property
    def lessons(self) -> list[LessonRow]:
        return [row for module in self.modules for row in module.lessons]

    @property
    def percent(self) -> int:
        if not self.total_required:
            return 0
        return round(100 * self.completed_required / self.total_required)

    @property
    def is_enrolled(self) -> bool:
        return self.enrollment is not None and self.enrollment.is_current

    @property
    def next_lesson(self) -> LessonPage | None:
        """Where to go on: the resume point if unfinished, else the first
        lesson not yet completed."""
        rows = self.lessons
        last = self.enrollment.last_lesson_id if self.enrollment else None
        for row in rows:
            if row.lesson.pk == last and not row.completed:
                return row.lesson
        return next((row.lesson for row in rows if not row.completed), None)

    def neighbours(self, lesson: LessonPage) -> tuple[LessonPage | None, ...]:
        """The lessons before and after `lesson` in syllabus order."""
        ids = [row.lesson.pk for row in self.lessons]
        if lesson.pk not in ids:
            return None, None
        index = ids.index(lesson.pk)
        rows = self.lessons
        previous = rows[index - 1].lesson if index > 0 else None
        following = rows[index + 1].lesson if index + 1 < len(rows) else None
        return previous, following


def course_of(page) -> CoursePage | None:
    """The course a module or lesson belongs to, from its tree path: the same
    for every visitor, so cached (0 queries when cached, 1 when not)."""
    depth = page.depth - (2 if isinstance(page, LessonPage) else 1)
    path = page.path[: depth * page.steplen]
    course = cached(
        f"course-at:{path}",
        lambda: CoursePage.objects.filter(path=path).first() or False,
    )
    return course or None


def course_syllabus(course: CoursePage) -> tuple[list[ModulePage], list[LessonPage]]:
    """A course's published modules and lessons (without bodies) in tree
    order; the same for every learner, so cached. 0 queries when cached, 2
    when not."""

    def build():
        modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
        lessons = list(
            LessonPage.objects.live()
            .descendant_of(course)
            .defer("body")
            .order_by("path")
        )
        return modules, lessons

    return cached(f"syllabus:{course.pk}:{course.path}", build)


def course_progress(*, course: CoursePage, user=None) -> CourseProgress:
    """The syllabus (published modules and lessons in tree order) and, for a
    signed-in learner, their enrolment and per-lesson progress. 2 queries
    (plus 2 when the syllabus is not cached)."""
    modules, lessons = course_syllabus(course)
    enrollment = None
    started: set[int] = set()
    completed: set[int] = set()
    if user is not None and user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
        for lesson_id, completed_at in LessonProgress.objects.filter(
            user=user, course=course
        ).values_list("lesson_id", "completed_at"):
            started.add(lesson_id)
            if completed_at is not None:
                completed.add(lesson_id)
    rows = {module.path: ModuleRow(module) for module in modules}
    for lesson in lessons:
        module_row = rows.get(lesson.path[: -lesson.steplen])
        if module_row is None:
            continue  # under an unpublished module
        module_row.lessons.append(
            LessonRow(
                lesson, started=lesson.pk in started, completed=lesson.pk in completed
            )
        )
    module_rows = list(rows.values())
    all_rows = [row for module in module_rows for row in module.lessons]
    counted = [row for row in all_rows if row.lesson.required] or all_rows
    return CourseProgress(
        course=course,
        enrollment=enrollment,
        modules=module_rows,
        completed_required=sum(1 for row in counted if row.completed),
        total_required=len(counted),
    )


def quiz_attempts_for_learner(*, user, lesson: LessonPage) -> dict[str, list]:
    """A learner's attempts at each quiz of a lesson, oldest first. 1 query."""
    history: dict[str, list[QuizAttempt]] = {}
    if user is None or not user.is_authenticated:
        return history
    for attempt in QuizAttempt.objects.filter(user=user, lesson=lesson).order_by(
        "quiz_block_id", "number"
    ):
        history.setdefault(attempt.quiz_block_id, []).append(attempt)
    return history


def learner_enrollments(*, user, statuses: Iterable[str] | None = None):
    """A learner's enrolments with their courses, newest first. 1 query."""
    enrollments = Enrollment.objects.filter(user=user).select_related(
        "course", "last_lesson"
    )
    if statuses is not None:
        enrollments = enrollments.filter(status__in=list(statuses))
    return enrollments.order_by("-enrolled_at")


# My learning and certificates --------------------------------------------------


@dataclass
class LearnerCourse:
    """One enrolled course on a learner's page: progress and where to resume."""

    enrollment: Enrollment
    completed_required: int
    total_required: int
    next_lesson: LessonPage | None
    completion: CourseCompletion | None = None

    @property
    def course(self) -> CoursePage:
        return self.enrollment.course

    @property
    def percent(self) -> int:
        if not self.total_required:
            return 0
        return round(100 * self.completed_required / self.total_required)


@dataclass
class LearnerOverview:
    in_progress: list[LearnerCourse]
    completed: list[LearnerCourse]
    attempts: list[QuizAttempt]
    submissions: list[AssignmentSubmission] = field(default_factory=list)


def learner_overview(
    *, user, attempts_limit: int = 20, submissions_limit: int = 20
) -> LearnerOverview:
    """Everything the "My learning" page shows. 6 queries however many
    courses, lessons, attempts and submissions the learner has."""
    enrollments = list(
        learner_enrollments(
            user=user,
            statuses=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED],
        )
    )
    courses = [enrollment.course for enrollment in enrollments]
    lessons_by_course: dict[int, list[LessonPage]] = {c.pk: [] for c in courses}
    completed_ids: set[int] = set()
    if courses:
        lessons_q, modules_q = Q(), Q()
        for course in courses:
            lessons_q |= Q(path__startswith=course.path, depth=course.depth + 2)
            modules_q |= Q(path__startswith=course.path, depth=course.depth + 1)
        # Lessons under an unpublished module are not part of the syllabus.
        live_modules = set(
            ModulePage.objects.live().filter(modules_q).values_list("path", flat=True)
        )
        for lesson in (
            LessonPage.objects.live()
            .filter(lessons_q)
            .only("pk", "path", "depth", "title", "slug", "url_path", "required")
            .order_by("path")
        ):
            if lesson.path[: -lesson.steplen] not in live_modules:
                continue
            course_path = lesson.path[: -2 * lesson.steplen]
            for course in courses:
                if course.path == course_path:
                    lessons_by_course[course.pk].append(lesson)
        completed_ids = set(
            LessonProgress.objects.filter(
                user=user,
                course_id__in=lessons_by_course,
                completed_at__isnull=False,
            ).values_list("lesson_id", flat=True)
        )
    completions = {
        completion.course_id: completion
        for completion in CourseCompletion.objects.filter(user=user)
    }
    in_progress, completed = [], []
    for enrollment in enrollments:
        lessons = lessons_by_course[enrollment.course_id]
        counted = [lesson for lesson in lessons if lesson.required] or lessons
        unfinished = [lesson for lesson in lessons if lesson.pk not in completed_ids]
        resume = next(
            (x for x in unfinished if x.pk == enrollment.last_lesson_id), None
        )
        row = LearnerCourse(
            enrollment=enrollment,
            completed_required=sum(1 for x in counted if x.pk in completed_ids),
            total_required=len(counted),
            next_lesson=resume or (unfinished[0] if unfinished else None),
            completion=completions.get(enrollment.course_id),
        )
        (completed if row.completion else in_progress).append(row)
    attempts = list(
        QuizAttempt.objects.filter(user=user, submitted_at__isnull=False)
        .select_related("lesson")
        .only(
            "number",
            "submitted_at",
            "score_raw",
            "score_max",
            "passed",
            "quiz_block_id",
            "lesson__title",
            "lesson__url_path",
            "lesson__path",
            "lesson__depth",
        )
        .order_by("-submitted_at", "-pk")[:attempts_limit]
    )
    submissions = list(
        AssignmentSubmission.objects.filter(user=user)
        .select_related("lesson", "course")
        .only(
            "submitted_at",
            "status",
            "score",
            "max_score",
            "feedback",
            "block_id",
            "lesson__title",
            "lesson__url_path",
            "lesson__path",
            "lesson__depth",
            "course__title",
        )
        .order_by("-submitted_at", "-pk")[:submissions_limit]
    )
    return LearnerOverview(
        in_progress=in_progress,
        completed=completed,
        attempts=attempts,
        submissions=submissions,
    )


def certificate_get(*, certificate_id) -> CourseCompletion | None:
    """A completion with its learner, course and instructors. 2 queries."""
    return (
        CourseCompletion.objects.filter(certificate_id=certificate_id)
        .select_related("user", "course")
        .prefetch_related(
            Prefetch(
                "course__instructor_links",
                queryset=CourseInstructor.objects.select_related("user"),
            )
        )
        .first()
    )
