"""Reads for planning and for the path pages.

`planning_catalogue()` turns the published course tree, the skills graph and
upcoming events into the plain data the planner reads; it is the same for every
member, so it is built once per course content version (see
courses.content_cache) and kept in the process. Everything per member is a
fixed number of queries however long the path is."""

import datetime
import threading
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from courses.content_cache import cached, content_version
from courses.models import (
    CoursePage,
    EventPage,
    EventRegistration,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuestionResponse,
    QuizAttempt,
    Skill,
)
from members.models import LearningProfile

from .engine import planner
from .models import (
    CareerTrack,
    CuratedPathPage,
    LearningPath,
    PathStep,
    PlacementAttempt,
    SkillSelfAssessment,
)

LEVELS = {"beginner": 1, "intermediate": 2, "advanced": 3}
EVENT_HORIZON_WEEKS = 12  # events further out are not planned yet


@dataclass(frozen=True)
class ItemInfo:
    """What the path page shows about a planned page."""

    title: str
    url: str
    kind: str
    course_id: int | None = None
    course_title: str = ""
    starts_at: datetime.datetime | None = None
    city: str = ""  # an event in person: where


@dataclass(frozen=True)
class PlacementQuestion:
    lesson: int
    quiz: str
    question: str
    difficulty: int


@dataclass
class PlanningCatalogue:
    """The published content as the planner sees it."""

    version: str
    items: dict[int, planner.Item]
    info: dict[int, ItemInfo]
    prerequisites: dict[int, tuple[int, ...]]
    skill_names: dict[int, str]
    course_lessons: dict[int, list[int]]
    course_skills: dict[int, tuple[int, ...]]
    course_prerequisites: dict[int, tuple[int, ...]]
    # skill → quiz questions assessing it, for placement quizzes.
    questions: dict[int, list[PlacementQuestion]] = field(default_factory=dict)
    # lesson → {question id: skills}, to find the weak skills of a failure.
    question_skills: dict[int, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    # skill → items teaching or testing it.
    by_skill: dict[int, list[int]] = field(default_factory=dict)
    undated: list[planner.Item] | None = None
    events: list[planner.Item] | None = None

    def items_now(self, now: datetime.datetime, city: str = "") -> list[planner.Item]:
        """The items with each upcoming event's week counted from `now`;
        events that started already or are too far ahead are left out, and so
        are events in person in another city than the member's (all of them
        when the member gave no city)."""
        if self.undated is None:  # the same for every member: kept
            self.undated = [i for i in self.items.values() if i.kind != planner.EVENT]
            self.events = [i for i in self.items.values() if i.kind == planner.EVENT]
        result = list(self.undated)
        wanted_city = city.strip().casefold()
        today = timezone.localdate(now)
        monday = today - datetime.timedelta(days=today.weekday())
        for item in self.events:
            info = self.info[item.id]
            starts = info.starts_at
            if starts is None or starts < now:
                continue
            if info.city and info.city.strip().casefold() != wanted_city:
                continue
            week = (timezone.localdate(starts) - monday).days // 7
            if week < EVENT_HORIZON_WEEKS:
                result.append(replace(item, week=week))
        return result


_local = threading.local()


def planning_catalogue() -> PlanningCatalogue:
    """The catalogue for the current content version: from this process's
    memory, else the shared cache, else built (about ten queries)."""
    version = content_version()
    held = getattr(_local, "catalogue", None)
    if held is not None and held.version == version:
        return held
    catalogue = cached("paths:planning-catalogue", lambda: _build_catalogue(version))
    if catalogue.version != version:  # built under a version bumped meanwhile
        catalogue = _build_catalogue(version)
    _local.catalogue = catalogue
    return catalogue


def _relative_url(url_path: str, roots) -> str:
    for root in roots:
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path) - 1 :]
    return ""


def _build_catalogue(version: str) -> PlanningCatalogue:
    roots = Site.get_site_root_paths()
    skill_names = dict(Skill.objects.values_list("pk", "name"))
    prerequisites: dict[int, list[int]] = {}
    for skill_id, needed in Skill.prerequisites.through.objects.values_list(
        "from_skill_id", "to_skill_id"
    ):
        prerequisites.setdefault(skill_id, []).append(needed)

    courses = {
        row["pk"]: row
        for row in CoursePage.objects.live()
        .public()
        .values("pk", "path", "depth", "title", "level", "language")
    }
    course_formats: dict[int, set[str]] = {}
    for course_id, code in CoursePage.formats.through.objects.filter(
        coursepage_id__in=courses
    ).values_list("coursepage_id", "courseformat__code"):
        course_formats.setdefault(course_id, set()).add(code)
    course_skills: dict[int, list[int]] = {}
    for course_id, skill_id in CoursePage.skills.through.objects.filter(
        coursepage_id__in=courses
    ).values_list("coursepage_id", "skill_id"):
        course_skills.setdefault(course_id, []).append(skill_id)
    course_prerequisites: dict[int, list[int]] = {}
    for course_id, skill_id in CoursePage.prerequisite_skills.through.objects.filter(
        coursepage_id__in=courses
    ).values_list("coursepage_id", "skill_id"):
        course_prerequisites.setdefault(course_id, []).append(skill_id)
    course_by_path = {row["path"]: pk for pk, row in courses.items()}
    live_modules = set(ModulePage.objects.live().values_list("path", flat=True))

    lesson_skills: dict[int, list[int]] = {}
    for lesson_id, skill_id in LessonPage.skills.through.objects.values_list(
        "lessonpage_id", "skill_id"
    ):
        lesson_skills.setdefault(lesson_id, []).append(skill_id)

    items: dict[int, planner.Item] = {}
    info: dict[int, ItemInfo] = {}
    course_lessons: dict[int, list[int]] = {}
    questions: dict[int, list[PlacementQuestion]] = {}
    question_skills: dict[int, dict[str, tuple[int, ...]]] = {}
    lessons = (
        LessonPage.objects.live()
        .values_list(
            "pk",
            "path",
            "title",
            "url_path",
            "difficulty",
            "estimated_minutes",
            "body",
        )
        .order_by("path")
    )
    for pk, path, title, url_path, difficulty, minutes, body in lessons:
        steplen = LessonPage.steplen
        module_path, course_path = path[:-steplen], path[: -2 * steplen]
        course_id = course_by_path.get(course_path)
        if course_id is None or module_path not in live_modules:
            continue  # outside a published course or under an unpublished module
        course = courses[course_id]
        skills = list(lesson_skills.get(pk) or course_skills.get(course_id, ()))
        kind = planner.LESSON
        for block in body.raw_data if body else ():
            if block["type"] == "assignment" and kind == planner.LESSON:
                kind = planner.PROJECT
            if block["type"] != "quiz":
                continue
            kind = planner.QUIZ
            for question in block["value"].get("questions") or ():
                value = question.get("value") or {}
                tagged = tuple(
                    s["value"] if isinstance(s, dict) else s
                    for s in value.get("skills") or ()
                )
                tagged = tuple(s for s in tagged if isinstance(s, int))
                question_skills.setdefault(pk, {})[question["id"]] = tagged
                for skill in tagged:
                    if skill not in skills:
                        skills.append(skill)
                    questions.setdefault(skill, []).append(
                        PlacementQuestion(
                            lesson=pk,
                            quiz=block["id"],
                            question=question["id"],
                            difficulty=int(value.get("difficulty") or 2),
                        )
                    )
        formats = set(course_formats.get(course_id, ()))
        if kind == planner.PROJECT:
            formats.add("hands-on")
        sequence = len(course_lessons.setdefault(course_id, []))
        course_lessons[course_id].append(pk)
        items[pk] = planner.Item(
            id=pk,
            kind=kind,
            skills=tuple(skills),
            difficulty=int(difficulty or 2),
            minutes=int(minutes or 0),
            formats=frozenset(formats),
            group=course_id,
            sequence=sequence,
            level=LEVELS.get(course["level"], 1),
            language=course["language"] or "",
        )
        info[pk] = ItemInfo(
            title=title,
            url=_relative_url(url_path, roots),
            kind=kind,
            course_id=course_id,
            course_title=course["title"],
        )

    now = timezone.now()
    for pk, title, url_path, course_id, starts, ends, online, city in (
        EventPage.objects.live()
        .public()
        .filter(ends_at__gte=now, registration_open=True)
        .values_list(
            "pk",
            "title",
            "url_path",
            "course_id",
            "starts_at",
            "ends_at",
            "online_url",
            "city",
        )
    ):
        course = courses.get(course_id)
        minutes = max(int((ends - starts).total_seconds() // 60), 0)
        items[pk] = planner.Item(
            id=pk,
            kind=planner.EVENT,
            skills=tuple(course_skills.get(course_id, ())),
            difficulty=1,
            minutes=minutes,
            formats=frozenset({"live"}),
            group=0,
            level=LEVELS.get(course["level"], 1) if course else 1,
            language=course["language"] if course else "",
        )
        info[pk] = ItemInfo(
            title=title,
            url=_relative_url(url_path, roots),
            kind=planner.EVENT,
            course_id=course_id if course else None,
            course_title=course["title"] if course else "",
            starts_at=starts,
            city="" if online else city,
        )
    by_skill: dict[int, list[int]] = {}
    for item in items.values():
        for skill in item.skills:
            by_skill.setdefault(skill, []).append(item.id)
    return PlanningCatalogue(
        version=version,
        by_skill=by_skill,
        items=items,
        info=info,
        prerequisites={k: tuple(sorted(v)) for k, v in prerequisites.items()},
        skill_names=skill_names,
        course_lessons=course_lessons,
        course_skills={k: tuple(v) for k, v in course_skills.items()},
        course_prerequisites={k: tuple(v) for k, v in course_prerequisites.items()},
        questions=questions,
        question_skills=question_skills,
    )


# Per member -------------------------------------------------------------------


def learning_profile_for(member) -> LearningProfile:
    """The member's learning profile (unsaved defaults if none). 1 query."""
    profile = LearningProfile.objects.filter(user=member).first()
    return profile if profile is not None else LearningProfile(user=member)


def learning_path_for(member) -> LearningPath | None:
    """The member's path with its goal's course, track and curated page. 1
    query (plus 1 for the goal skills when asked)."""
    return (
        LearningPath.objects.filter(member=member)
        .select_related("goal_course", "goal_track", "goal_curated")
        .first()
    )


def done_page_ids(member) -> set[int]:
    """Lessons the member completed and events they attended. 2 queries."""
    done = set(
        LessonProgress.objects.filter(
            user=member, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    done.update(
        EventRegistration.objects.filter(user=member, attended=True).values_list(
            "event_id", flat=True
        )
    )
    return done


def open_failures(member, catalogue: PlanningCatalogue) -> list[planner.Failure]:
    """Quizzes the member failed and has not passed since, each with the
    skills of the questions answered wrong in the latest attempt. 2 queries."""
    latest: dict[tuple[int, str], tuple[int, int, bool]] = {}
    passed: set[tuple[int, str]] = set()
    for attempt_id, lesson_id, quiz_id, number, ok in QuizAttempt.objects.filter(
        user=member, submitted_at__isnull=False
    ).values_list("pk", "lesson_id", "quiz_block_id", "number", "passed"):
        key = (lesson_id, quiz_id)
        if ok:
            passed.add(key)
        if key not in latest or number > latest[key][1]:
            latest[key] = (attempt_id, number, ok)
    failing = {
        attempt_id: key
        for key, (attempt_id, _number, ok) in latest.items()
        if not ok and key not in passed and key[0] in catalogue.items
    }
    if not failing:
        return []
    wrong: dict[int, list[int]] = {}
    for attempt_id, question_id in QuestionResponse.objects.filter(
        attempt_id__in=failing, correct=False
    ).values_list("attempt_id", "question_id"):
        lesson_id = failing[attempt_id][0]
        for skill in catalogue.question_skills.get(lesson_id, {}).get(question_id, ()):
            wrong.setdefault(attempt_id, [])
            if skill not in wrong[attempt_id]:
                wrong[attempt_id].append(skill)
    failures = []
    for attempt_id, (lesson_id, _quiz) in sorted(failing.items()):
        skills = wrong.get(attempt_id) or list(catalogue.items[lesson_id].skills)
        failures.append(planner.Failure(item=lesson_id, skills=tuple(skills)))
    return failures


def self_assessed_levels(member, skill_ids=None) -> dict[int, int]:
    """The member's stated level per skill (0–4). 1 query."""
    rows = SkillSelfAssessment.objects.filter(member=member)
    if skill_ids is not None:
        rows = rows.filter(skill_id__in=list(skill_ids))
    return dict(rows.values_list("skill_id", "level"))


def placement_results(member) -> dict[int, tuple[int, int]]:
    """Right and asked per skill over the member's submitted placement
    quizzes, the latest result per skill winning. 1 query."""
    results: dict[int, tuple[int, int]] = {}
    for row in (
        PlacementAttempt.objects.filter(member=member, submitted_at__isnull=False)
        .order_by("submitted_at")
        .values_list("results", flat=True)
    ):
        for skill, (right, asked) in (row or {}).items():
            results[int(skill)] = (int(right), int(asked))
    return results


# The path page ------------------------------------------------------------------


@dataclass
class StepRow:
    step: PathStep
    info: ItemInfo
    reason: str
    skill_name: str
    alternatives: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class WeekRow:
    week: int
    starts_on: datetime.date
    steps: list[StepRow]
    minutes: int
    milestone_skills: list[str]


@dataclass
class PathOverview:
    path: LearningPath
    profile: LearningProfile
    goal_label: str
    weeks: list[WeekRow]
    done: list[StepRow]
    skipped: list[StepRow]
    mastered: list[tuple[str, float]]
    dropped: list[tuple[str, str, float]]
    uncovered: list[str]
    exhausted: list[str]
    total: int
    done_count: int

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0


def goal_label(path: LearningPath, catalogue: PlanningCatalogue, skill_ids) -> str:
    """How the goal is named in reasons: the course, role or curated path, or
    the skills."""
    if path.goal_kind == LearningPath.GoalKind.COURSE and path.goal_course:
        return path.goal_course.title
    if path.goal_kind == LearningPath.GoalKind.TRACK and path.goal_track:
        return path.goal_track.name
    if path.goal_kind == LearningPath.GoalKind.CURATED and path.goal_curated:
        return path.goal_curated.title
    names = [catalogue.skill_names.get(s, "") for s in skill_ids]
    return ", ".join(n for n in names if n)


def reason_text(
    reason: dict,
    *,
    origin: str,
    goal: str,
    goal_kind: str,
    catalogue: PlanningCatalogue,
    replaces: str = "",
) -> str:
    """A step's structured reason in words, e.g. "You want Data analysis; it
    needs Python basics; your mastery of Python basics is 0.42."."""
    names = catalogue.skill_names
    chain = [names.get(s, "?") for s in reason.get("chain") or ()]
    failed = reason.get("failed_item")
    if failed is not None:
        quiz = catalogue.info.get(failed)
        weak = names.get(reason.get("weak"), chain[0] if chain else "?")
        parts = [
            _("You did not pass “%(quiz)s” on %(skill)s")
            % {"quiz": quiz.title if quiz else _("a quiz"), "skill": weak}
        ]
        if chain and chain[-1] != weak:
            parts.append(_("it needs %(skill)s") % {"skill": chain[-1]})
    else:
        if goal_kind == LearningPath.GoalKind.SKILLS or not goal:
            head, needs = (chain[0] if chain else goal), chain[1:]
        else:
            head, needs = goal, chain
        parts = [_("You want %(goal)s") % {"goal": head}]
        parts.extend(_("it needs %(skill)s") % {"skill": name} for name in needs)
    if "mastery" in reason and chain:
        parts.append(
            _("your mastery of %(skill)s is %(value).2f")
            % {"skill": chain[-1], "value": reason["mastery"]}
        )
    text = "; ".join(parts) + "."
    if origin == PathStep.Origin.CONFIRM:
        text += " " + _("This quiz can confirm what you already know.")
    elif origin == PathStep.Origin.REMEDIATION:
        text += " " + _("An easier step first, then try the quiz again.")
    elif origin == PathStep.Origin.LEARNER and replaces:
        text += " " + _("You chose it instead of “%(title)s”.") % {"title": replaces}
    elif origin == PathStep.Origin.CURATED:
        text += " " + _("Part of the curated path.")
    if reason.get("format_fallback"):
        text += " " + _("Nothing on this skill comes in your preferred formats.")
    return text


def path_overview(*, member, path: LearningPath | None = None) -> PathOverview | None:
    """Everything the "My path" page shows. 4 queries (path unless given,
    profile, steps, goal skills) however many steps there are, with the
    catalogue cached."""
    path = path or learning_path_for(member)
    if path is None:
        return None
    profile = learning_profile_for(member)
    catalogue = planning_catalogue()
    steps = list(path.steps.select_related("replaces").order_by("order", "pk"))
    skill_ids = list(path.goal_skills.values_list("pk", flat=True))
    goal = goal_label(path, catalogue, skill_ids)
    planned = timezone.localdate(path.planned_at or timezone.now())
    monday = planned - datetime.timedelta(days=planned.weekday())
    names = catalogue.skill_names
    in_path = {step.page_id for step in steps}

    def alternatives(step: PathStep) -> list[tuple[int, str]]:
        if step.skill_id is None:
            return []
        return sorted(
            (
                (item_id, catalogue.info[item_id].title)
                for item_id in catalogue.by_skill.get(step.skill_id, ())
                if item_id not in in_path
                and catalogue.items[item_id].kind != planner.EVENT
            ),
            key=lambda pair: pair[1],
        )[:10]

    def row(step: PathStep) -> StepRow:
        info = catalogue.info.get(step.page_id) or ItemInfo(
            title=_("(no longer published)"), url="", kind=step.kind
        )
        replaced = ""
        if step.replaces_id:
            replaced_info = catalogue.info.get(step.replaces_id)
            replaced = replaced_info.title if replaced_info else step.replaces.title
        return StepRow(
            step=step,
            info=info,
            reason=reason_text(
                step.reason or {},
                origin=step.origin,
                goal=goal,
                goal_kind=path.goal_kind,
                catalogue=catalogue,
                replaces=replaced,
            ),
            skill_name=names.get(step.skill_id, ""),
            alternatives=alternatives(step) if step.status == "todo" else [],
        )

    milestones = {
        m["week"]: [names.get(s, "") for s in m["skills"]]
        for m in (path.summary or {}).get("milestones", [])
    }
    weeks: dict[int, WeekRow] = {}
    done, skipped = [], []
    for step in steps:
        if step.status == PathStep.Status.DONE:
            done.append(row(step))
        elif step.status == PathStep.Status.SKIPPED:
            skipped.append(row(step))
        else:
            week = weeks.get(step.week)
            if week is None:
                week = weeks[step.week] = WeekRow(
                    week=step.week,
                    starts_on=monday + datetime.timedelta(weeks=step.week),
                    steps=[],
                    minutes=0,
                    milestone_skills=milestones.get(step.week, []),
                )
            week.steps.append(row(step))
            week.minutes += step.minutes
    done.sort(key=lambda r: (r.step.done_at or r.step.updated_at, r.step.pk))
    summary = path.summary or {}
    return PathOverview(
        path=path,
        profile=profile,
        goal_label=goal,
        weeks=[weeks[w] for w in sorted(weeks)],
        done=done,
        skipped=skipped,
        mastered=[
            (names.get(int(s), "?"), p) for s, p in summary.get("mastered", {}).items()
        ],
        dropped=[
            (
                catalogue.info[item].title if item in catalogue.info else "?",
                names.get(skill, "?"),
                p,
            )
            for item, skill, p in summary.get("dropped", [])
        ],
        uncovered=[names.get(s, "?") for s in summary.get("uncovered", [])],
        exhausted=[names.get(s, "?") for s in summary.get("exhausted", [])],
        total=len(done) + sum(len(w.steps) for w in weeks.values()),
        done_count=len(done),
    )


# Goals on offer ------------------------------------------------------------------


def goal_choices() -> dict:
    """Courses, skills, roles and curated paths a member can aim for. 4 queries."""
    return {
        "courses": list(
            CoursePage.objects.live().public().order_by("title").only("pk", "title")
        ),
        "skills": list(Skill.objects.select_related("topic").order_by("name")),
        "tracks": list(
            CareerTrack.objects.filter(active=True).prefetch_related("skills")
        ),
        "curated": list(
            CuratedPathPage.objects.live()
            .public()
            .order_by("title")
            .only("pk", "title")
        ),
    }


def curated_path_overview(*, path_page: CuratedPathPage, user) -> dict:
    """A curated path page's steps with titles and links, and whether the
    member follows it. 2 queries (+1 signed in)."""
    catalogue = planning_catalogue()
    page_ids = [pk for _kind, pk in path_page.step_page_ids()]
    pages = {
        page.pk: page.specific
        for page in Page.objects.live().filter(pk__in=page_ids).specific()
    }
    notes = [
        (child.block_type, child.value.get("note", ""))
        for child in path_page.steps
        if child.value.get("page")
    ]
    rows = []
    for (kind, page_id), (_kind, note) in zip(
        path_page.step_page_ids(), notes, strict=False
    ):
        page = pages.get(page_id)
        if page is None:
            continue
        lessons = (
            len(catalogue.course_lessons.get(page_id, ())) if kind == "course" else 0
        )
        rows.append({"kind": kind, "page": page, "note": note, "lessons": lessons})
    following = False
    if user.is_authenticated:
        following = LearningPath.objects.filter(
            member=user, goal_curated=path_page
        ).exists()
    return {"steps": rows, "following": following}


def curated_sequence(
    path_page: CuratedPathPage, catalogue: PlanningCatalogue
) -> list[int]:
    """A curated page's steps as planner items, courses expanded into their
    lessons; unpublished pages are left out. 0 queries."""
    sequence: list[int] = []
    for kind, page_id in path_page.step_page_ids():
        if kind == "course":
            sequence.extend(catalogue.course_lessons.get(page_id, ()))
        elif page_id in catalogue.items:
            sequence.append(page_id)
    seen: set[int] = set()
    return [i for i in sequence if not (i in seen or seen.add(i))]


def track_with_courses(track_id: int) -> CareerTrack | None:
    return (
        CareerTrack.objects.filter(pk=track_id)
        .prefetch_related(
            "skills", Prefetch("courses", queryset=CoursePage.objects.only("pk"))
        )
        .first()
    )


def placement_question_display(attempt: PlacementAttempt) -> list[dict]:
    """The questions of a placement quiz as the member sees them (prompt,
    choices; never the answers), numbered by their place in the attempt. 1
    query."""
    lessons = {
        lesson.pk: lesson
        for lesson in LessonPage.objects.live().filter(
            pk__in={q["lesson"] for q in attempt.questions}
        )
    }
    names = planning_catalogue().skill_names
    rows = []
    for n, entry in enumerate(attempt.questions):
        lesson = lessons.get(entry["lesson"])
        quiz = lesson.quizzes().get(entry["quiz"]) if lesson else None
        child = next(
            (
                c
                for c in (quiz["questions"] if quiz else ())
                if c.id == entry["question"]
            ),
            None,
        )
        if child is None:
            continue
        value = child.value
        choices = [
            (item.id, item.value["text"])
            for item in getattr(value.get("choices"), "bound_blocks", ())
        ]
        rows.append(
            {
                "n": n,
                "kind": child.block_type,
                "prompt": value["prompt"],
                "choices": choices,
                "unit": value.get("unit") or "",
                "skill": names.get(entry["skill"], ""),
            }
        )
    return rows
