"""Writes for goals, onboarding answers, placement quizzes and learning paths.
Each public service runs in one transaction, records its activity in it, and
either does everything or, with a ValidationError a member can read, nothing.

Re-planning (`path_replan`) is a pure function of the member's state (goal,
profile, mastery, completions, failed quizzes, their own decisions) and the
published content, so running it twice changes nothing the second time."""

import datetime
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record
from courses import grading
from courses.models import CoursePage, LessonPage, Skill
from members.models import LearningProfile
from members.services import learning_profile_mark_onboarding, learning_profile_update

from . import mastery as mastery_api
from .engine import planner
from .models import (
    CareerTrack,
    CuratedPathPage,
    LearningPath,
    PathStep,
    PlacementAttempt,
    SkillSelfAssessment,
)
from .selectors import (
    PlanningCatalogue,
    curated_sequence,
    done_page_ids,
    learning_profile_for,
    open_failures,
    placement_results,
    planning_catalogue,
    self_assessed_levels,
)

GoalKind = LearningPath.GoalKind
Personalisation = LearningProfile.Personalisation
MAX_GOAL_SKILLS = 20
PLACEMENT_PER_SKILL = 2
PLACEMENT_MAX_QUESTIONS = 12
PLACEMENT_REUSE = datetime.timedelta(hours=12)


def stated_mastery(
    levels: Mapping[int, int], placement: Mapping[int, tuple[int, int]]
) -> dict[int, float]:
    """Mastery from what the member stated only — their self-assessed levels
    and placement results, valued as the mastery model seeds them — for plans
    with personalisation "basic"."""
    mastery = {
        s: mastery_api.SELF_LEVEL_MASTERY.get(int(v), 0.0) for s, v in levels.items()
    }
    for skill, (right, asked) in placement.items():
        if asked > 0:
            estimate = mastery_api.placement_mastery(right, asked)
            mastery[skill] = max(mastery.get(skill, 0.0), round(estimate, 4))
    return mastery


# Goals -----------------------------------------------------------------------


@dataclass(frozen=True)
class GoalSpec:
    """A goal as the planner reads it."""

    skills: tuple[int, ...]
    curated: list[int] | None
    groups: frozenset[int]


def goal_spec(path: LearningPath, catalogue: PlanningCatalogue, mode: str) -> GoalSpec:
    """The goal's skills, and the sequence to follow for curated goals (and,
    with personalisation off, for courses and roles too). 1–2 queries."""
    off = mode == Personalisation.OFF
    if path.goal_kind == GoalKind.COURSE and path.goal_course_id:
        course = path.goal_course_id
        skills = catalogue.course_skills.get(course, ()) + tuple(
            s
            for s in catalogue.course_prerequisites.get(course, ())
            if s not in catalogue.course_skills.get(course, ())
        )
        lessons = list(catalogue.course_lessons.get(course, ()))
        # A course without skill tags is followed as it stands.
        curated = lessons if off or not skills else None
        return GoalSpec(tuple(skills), curated, frozenset({course}))
    if path.goal_kind == GoalKind.TRACK and path.goal_track_id:
        track = path.goal_track
        courses = list(track.courses.order_by("pk").values_list("pk", flat=True))
        skills = list(track.skills.values_list("pk", flat=True))
        for course in courses:
            skills.extend(
                s for s in catalogue.course_skills.get(course, ()) if s not in skills
            )
        curated = None
        if off:
            curated = [
                lesson
                for course in courses
                for lesson in catalogue.course_lessons.get(course, ())
            ]
        return GoalSpec(tuple(skills), curated, frozenset(courses))
    if path.goal_kind == GoalKind.CURATED and path.goal_curated_id:
        sequence = curated_sequence(path.goal_curated, catalogue)
        skills: list[int] = []
        for item in sequence:
            skills.extend(s for s in catalogue.items[item].skills if s not in skills)
        return GoalSpec(tuple(skills), sequence, frozenset())
    if path.goal_kind == GoalKind.SKILLS:
        skills = tuple(path.goal_skills.order_by("pk").values_list("pk", flat=True))
        return GoalSpec(skills, None, frozenset())
    return GoalSpec((), None, frozenset())  # the goal's page or track is gone


def _clean_goal(*, member, kind, course, skills, track, curated, profile):
    if kind not in GoalKind.values:
        raise ValidationError(
            _("Choose what you want to reach: a course, skills, a role or a path."),
            code="goal_kind",
        )
    errors = {}
    if kind == GoalKind.COURSE and (
        course is None or not CoursePage.objects.live().filter(pk=course.pk).exists()
    ):
        errors["course"] = _("Choose a published course.")
    if kind == GoalKind.SKILLS:
        ids = sorted({s.pk for s in skills or ()})
        if not ids:
            errors["skills"] = _("Choose at least one skill.")
        elif len(ids) > MAX_GOAL_SKILLS:
            errors["skills"] = _("Choose at most %(n)d skills.") % {
                "n": MAX_GOAL_SKILLS
            }
        elif profile.personalisation == Personalisation.OFF:
            errors["skills"] = _(
                "With personalisation off, Lyceum follows curated paths only: "
                "choose a curated path, a course or a role, or turn "
                "personalisation on in your learning profile."
            )
    if kind == GoalKind.TRACK and (
        track is None
        or not CareerTrack.objects.filter(pk=track.pk, active=True).exists()
    ):
        errors["track"] = _("Choose one of the roles on offer.")
    if kind == GoalKind.CURATED and (
        curated is None
        or not CuratedPathPage.objects.live().filter(pk=curated.pk).exists()
    ):
        errors["curated"] = _("Choose a published curated path.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def path_set_goal(
    *,
    member,
    kind: str,
    course: CoursePage | None = None,
    skills=(),
    track: CareerTrack | None = None,
    curated: CuratedPathPage | None = None,
) -> LearningPath:
    """Set (or change) the member's goal and plan the path to it. The
    learner's moves are forgotten with the old goal; their skips are kept."""
    profile = learning_profile_for(member)
    _clean_goal(
        member=member,
        kind=kind,
        course=course,
        skills=skills,
        track=track,
        curated=curated,
        profile=profile,
    )
    path, created = LearningPath.objects.select_for_update().get_or_create(
        member=member, defaults={"goal_kind": kind}
    )
    skill_ids = sorted({s.pk for s in skills}) if kind == GoalKind.SKILLS else []
    before = (
        None
        if created
        else (
            path.goal_kind,
            path.goal_course_id,
            path.goal_track_id,
            path.goal_curated_id,
            sorted(path.goal_skills.values_list("pk", flat=True)),
        )
    )
    path.goal_kind = kind
    path.goal_course = course if kind == GoalKind.COURSE else None
    path.goal_track = track if kind == GoalKind.TRACK else None
    path.goal_curated = curated if kind == GoalKind.CURATED else None
    after = (
        kind,
        path.goal_course_id,
        path.goal_track_id,
        path.goal_curated_id,
        skill_ids,
    )
    now = timezone.now()
    if before == after:  # the same goal again: keep the learner's decisions
        path.save()
        return _replan(path, member=member, profile=profile, now=now)
    path.moves = []
    path.save()
    path.goal_skills.set(skill_ids)
    # Swapped-in steps belonged to the old goal's plan.
    path.steps.filter(status=PathStep.Status.TODO).delete()
    activity_record(
        actor=member,
        verb="registered",
        object_type="path",
        object_id=path.pk,
        idempotency_key=f"registered:path:{path.pk}:{now.timestamp():.6f}",
        context={
            "goal": kind,
            "course": path.goal_course_id,
            "track": path.goal_track_id,
            "curated": path.goal_curated_id,
            "skills": skill_ids,
        },
        timestamp=now,
    )
    return _replan(path, member=member, profile=profile, now=now)


# Re-planning -------------------------------------------------------------------


@transaction.atomic
def path_replan(*, member, now: datetime.datetime | None = None):
    """Plan the member's path again from their current state; returns the
    path (None if they have no goal). Changes nothing when nothing changed."""
    path = (
        LearningPath.objects.select_for_update(of=("self",))
        .select_related("goal_course", "goal_track", "goal_curated")
        .filter(member=member)
        .first()
    )
    if path is None:
        return None
    return _replan(path, member=member, now=now or timezone.now())


def _mastery_inputs(member, profile, skill_ids, catalogue):
    """(mastery, failures) as the member's personalisation level allows."""
    if profile.personalisation == Personalisation.FULL:
        # All the member's estimates (one query, a few hundred rows at most)
        # are cheaper to read than to filter by hundreds of skill ids.
        wanted = set(skill_ids)
        mastery = {
            s: p for s, p in mastery_api.mastery_map(member).items() if s in wanted
        }
        return mastery, open_failures(member, catalogue)
    if profile.personalisation == Personalisation.BASIC:
        return (
            stated_mastery(
                self_assessed_levels(member, skill_ids), placement_results(member)
            ),
            [],
        )
    return {}, []  # off: nothing the member said or did


def week_start(now: datetime.datetime) -> datetime.date:
    """The Monday of `now`'s week: plans count weeks from there."""
    today = timezone.localdate(now)
    return today - datetime.timedelta(days=today.weekday())


# The stored steps are read as plain rows (fast for long paths); only rows that
# change become model instances, for bulk_update.
STEP_COLUMNS = (
    "pk",
    "page_id",
    "status",
    "pinned",
    "order",
    "week",
    "minutes",
    "origin",
    "reason",
    "kind",
    "skill_id",
    "done_at",
)
STEP_FIELDS = ("kind", "skill_id", "week", "minutes", "origin", "reason", "order")


def _replan(path: LearningPath, *, member, now, profile=None) -> LearningPath:
    profile = profile or learning_profile_for(member)
    catalogue = planning_catalogue()
    mode = profile.personalisation
    spec = goal_spec(path, catalogue, mode)
    chains = planner.prerequisite_closure(spec.skills, catalogue.prerequisites)
    mastery, failures = _mastery_inputs(member, profile, list(chains), catalogue)
    threshold = mastery_api.mastery_threshold()
    steps = [
        dict(zip(STEP_COLUMNS, row, strict=True))
        for row in path.steps.values_list(*STEP_COLUMNS)
    ]
    done = done_page_ids(member)
    monday = week_start(now)
    # Work done this week counts against this week's time.
    done_this_week = [
        s
        for s in steps
        if (s["status"] == PathStep.Status.DONE and s["done_at"] is not None
            and timezone.localdate(s["done_at"]) >= monday)
        or (s["status"] == PathStep.Status.TODO and s["page_id"] in done)
    ]  # fmt: skip

    uses_profile = mode != Personalisation.OFF
    preferences = planner.Preferences(
        weekly_minutes=profile.weekly_minutes,
        formats=frozenset(profile.preferred_formats or ())
        if uses_profile
        else frozenset(),
        language=profile.preferred_language if uses_profile else "",
        experience=profile.experience if uses_profile else planner.SOME,
    )
    decisions = planner.Decisions(
        skipped=frozenset(
            s["page_id"] for s in steps if s["status"] == PathStep.Status.SKIPPED
        ),
        chosen=frozenset(
            s["page_id"]
            for s in steps
            if s["status"] == PathStep.Status.TODO and s["pinned"]
        ),
        order=tuple((int(a), int(b)) for a, b in path.moves or ()),
    )
    result = planner.plan(
        planner.PlanRequest(
            goal_skills=spec.skills,
            prerequisites=catalogue.prerequisites,
            items=catalogue.items_now(now, city=profile.city if uses_profile else ""),
            mastery=mastery,
            threshold=threshold,
            preferences=preferences,
            decisions=decisions,
            done=frozenset(done),
            failures=failures,
            curated=spec.curated,
            personalise_curated=uses_profile,
            preferred_groups=spec.groups,
            spent_minutes=sum(s["minutes"] for s in done_this_week),
            spent_steps=len(done_this_week),
        )
    )
    todo_before = sum(1 for s in steps if s["status"] == PathStep.Status.TODO)
    changed = _write_steps(path, steps, result, done=done, now=now, catalogue=catalogue)
    todo_after = len(result.steps)
    summary = {
        "milestones": [
            {"week": m.week, "skills": list(m.skills), "minutes": m.minutes}
            for m in result.milestones
        ],
        "mastered": {str(s): p for s, p in result.mastered.items()},
        "uncovered": list(result.uncovered),
        "exhausted": list(result.exhausted),
        "dropped": [list(d) for d in result.dropped],
        "needed": list(result.needed),
        "mode": mode,
    }
    if changed:
        path.version += 1
    path.summary, path.eta_weeks = summary, result.eta_weeks
    # The Sunday ending the last planned week.
    last_day = monday + datetime.timedelta(weeks=result.eta_weeks, days=-1)
    path.eta = last_day if todo_after else None
    path.planned_at = now
    path.content_version = catalogue.version
    path.save(
        update_fields=[
            "summary",
            "eta",
            "eta_weeks",
            "version",
            "planned_at",
            "content_version",
            "updated_at",
        ]
    )
    done_steps = sum(1 for s in steps if s["status"] == PathStep.Status.DONE)
    if todo_before and not todo_after and (done_steps or changed):
        activity_record(
            actor=member,
            verb="completed",
            object_type="path",
            object_id=path.pk,
            idempotency_key=f"completed:path:{path.pk}:{path.version}",
            result={"completion": True},
            context={"goal": path.goal_kind},
            timestamp=now,
        )
    return path


ORDER_GAP = 1024


def stable_orders(pages: list[int], current: Mapping[int, int]) -> dict[int, int]:
    """Order keys for `pages` (in plan order) that keep each page's `current`
    key while the sequence still rises, and put new or moved pages in the gap
    before the next kept key; when no gap is left, everything is renumbered
    with gaps. Completing or inserting a step then rewrites one row, not the
    whole path."""
    result: dict[int, int] = {}
    previous = 0
    for index, page in enumerate(pages):
        key = current.get(page)
        if key is not None and key > previous:
            result[page] = previous = key
            continue
        upper = next(
            (
                current[later]
                for later in pages[index + 1 :]
                if later in current and current[later] > previous
            ),
            None,
        )
        if upper is None:
            key = previous + ORDER_GAP
        elif upper - previous > 1:
            key = previous + (upper - previous) // 2
        else:
            return {p: (n + 1) * ORDER_GAP for n, p in enumerate(pages)}
        result[page] = previous = key
    return result


def _update_steps(changes: Mapping[int, dict]) -> None:
    """Write the changed step fields: one UPDATE per distinct set of new values
    (a completed step is one), one per integer column that differs row by row
    (order, week). Django's bulk_update would build a CASE per row and field,
    far slower here."""
    groups: dict[str, tuple[dict, list[int]]] = {}
    per_row: dict[str, dict[int, int]] = {"order": {}, "week": {}}
    for pk, fields in changes.items():
        shared = {}
        for name, value in fields.items():
            if name in per_row:
                per_row[name][pk] = value
            else:
                shared[name] = value
        if shared:
            key = json.dumps(shared, sort_keys=True, default=str)
            groups.setdefault(key, (shared, []))[1].append(pk)
    for values, pks in groups.values():
        PathStep.objects.filter(pk__in=pks).update(**values)
    for name, values in per_row.items():
        if values:
            _update_integer_column(name, values)


def _update_integer_column(name: str, values: Mapping[int, int]) -> None:
    """Set an integer column row by row in one statement (a renumbering of a
    long path would otherwise be one UPDATE per step)."""
    if name not in ("order", "week"):
        raise ValueError(f"not an integer column of path steps: {name!r}")
    quote = connection.ops.quote_name
    cases = " ".join("WHEN %s THEN %s" for _ in values)
    marks = ", ".join("%s" for _ in values)
    # Only fixed, quoted identifiers are formatted in; every value is a parameter.
    sql = (
        f"UPDATE {quote(PathStep._meta.db_table)} SET {quote(name)} = "  # noqa: S608
        f"CASE {quote('id')} {cases} END WHERE {quote('id')} IN ({marks})"
    )
    params = [int(x) for pair in values.items() for x in pair]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(int(pk) for pk in values)])


def _write_steps(path, steps: list[dict], result, *, done, now, catalogue) -> bool:
    """Bring the stored steps in line with the plan: completed steps become
    done, planned ones are created or updated, stale ones go; skipped steps
    stay. Writes only the rows that change; returns whether any did."""
    by_page = {step["page_id"]: step for step in steps}
    original = {step["pk"]: dict(step) for step in steps}
    for step in steps:
        if step["status"] == PathStep.Status.TODO and step["page_id"] in done:
            step["status"], step["done_at"] = PathStep.Status.DONE, now
    todo = {
        s["page_id"]: s["order"] for s in steps if s["status"] == PathStep.Status.TODO
    }
    orders = stable_orders([p.item for p in result.steps], todo)
    creates: list[PathStep] = []
    planned: set[int] = set()
    for planned_step in result.steps:
        planned.add(planned_step.item)
        values = {
            "kind": catalogue.items[planned_step.item].kind,
            "skill_id": planned_step.skill,
            "week": planned_step.week,
            "minutes": planned_step.minutes,
            "origin": planned_step.origin,
            "reason": planned_step.reason,
            "order": orders[planned_step.item],
        }
        existing = by_page.get(planned_step.item)
        if existing is None:
            creates.append(PathStep(path=path, page_id=planned_step.item, **values))
        elif existing["status"] == PathStep.Status.TODO:
            existing.update(values)
    stale = [
        s["pk"]
        for s in steps
        if s["status"] == PathStep.Status.TODO and s["page_id"] not in planned
    ]
    if stale:
        PathStep.objects.filter(pk__in=stale).delete()
    changed = {
        step["pk"]: {
            name: step[name]
            for name in ("status", "done_at", *STEP_FIELDS)
            if step[name] != original[step["pk"]][name]
        }
        for step in steps
        if step["pk"] not in stale and step != original[step["pk"]]
    }
    _update_steps(changed)
    if creates:
        PathStep.objects.bulk_create(creates)
    return bool(stale or creates or changed)


# The learner’s decisions -------------------------------------------------------


def _own_step(member, step_id: int, *, status=None) -> PathStep:
    step = (
        PathStep.objects.select_related("path")
        .select_for_update()
        .filter(pk=step_id, path__member=member)
        .first()
    )
    if step is None or (status is not None and step.status != status):
        raise ValidationError(
            _("That step is not in your path any more. Reload the page."),
            code="no_such_step",
        )
    return step


@transaction.atomic
def path_step_skip(*, member, step_id: int) -> PathStep:
    """Skip a step; it stays skipped through every re-plan until restored."""
    step = _own_step(member, step_id, status=PathStep.Status.TODO)
    step.status, step.pinned = PathStep.Status.SKIPPED, True
    step.save(update_fields=["status", "pinned", "updated_at"])
    now = timezone.now()
    activity_record(
        actor=member,
        verb="skipped",
        object_type="path",
        object_id=step.path_id,
        idempotency_key=f"skipped:step:{step.pk}:{now.timestamp():.6f}",
        context={"step": step.pk, "page": step.page_id, "skill": step.skill_id},
        timestamp=now,
    )
    _replan(step.path, member=member, now=now)
    return step


@transaction.atomic
def path_step_restore(*, member, step_id: int) -> PathStep:
    """Bring a skipped step back into the plan."""
    step = _own_step(member, step_id, status=PathStep.Status.SKIPPED)
    step.status, step.pinned = PathStep.Status.TODO, False
    step.save(update_fields=["status", "pinned", "updated_at"])
    _replan(step.path, member=member, now=timezone.now())
    return step


@transaction.atomic
def path_step_move(*, member, step_id: int, direction: str) -> LearningPath:
    """Move a step one place up or down among the steps to do; the move is
    kept through re-plans ("this before that")."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a step up or down."), code="direction")
    step = _own_step(member, step_id, status=PathStep.Status.TODO)
    path = LearningPath.objects.select_for_update().get(pk=step.path_id)
    todo = list(
        path.steps.filter(status=PathStep.Status.TODO)
        .order_by("order", "pk")
        .values_list("page_id", flat=True)
    )
    at = todo.index(step.page_id)
    other = at - 1 if direction == "up" else at + 1
    if not 0 <= other < len(todo):
        raise ValidationError(
            _("This step is already the first.")
            if direction == "up"
            else _("This step is already the last."),
            code="edge",
        )
    pair = (
        [step.page_id, todo[other]]
        if direction == "up"
        else [todo[other], step.page_id]
    )
    # A newer move of the same two pages replaces the older one.
    moves = [m for m in path.moves or () if set(m) != set(pair)]
    path.moves = [*moves, pair]
    path.save(update_fields=["moves", "updated_at"])
    return _replan(path, member=member, now=timezone.now())


@transaction.atomic
def path_step_swap(*, member, step_id: int, page_id: int) -> PathStep:
    """Replace a step with another page on the same skill; the replaced one
    stays skipped and the chosen one stays in through re-plans."""
    step = _own_step(member, step_id, status=PathStep.Status.TODO)
    catalogue = planning_catalogue()
    item = catalogue.items.get(page_id)
    in_path = set(step.path.steps.values_list("page_id", flat=True))
    if (
        item is None
        or step.skill_id is None
        or step.skill_id not in item.skills
        or page_id in in_path
        or item.kind == planner.EVENT
    ):
        raise ValidationError(
            _("Choose one of the alternatives offered for this step."),
            code="bad_swap",
        )
    step.status, step.pinned = PathStep.Status.SKIPPED, True
    step.save(update_fields=["status", "pinned", "updated_at"])
    chosen = PathStep.objects.create(
        path=step.path,
        page_id=page_id,
        kind=item.kind,
        skill_id=step.skill_id,
        order=step.order,
        week=step.week,
        minutes=item.minutes,
        origin=PathStep.Origin.LEARNER,
        reason=step.reason,
        pinned=True,
        replaces_id=step.page_id,
    )
    _replan(step.path, member=member, now=timezone.now())
    return chosen


# Onboarding answers -----------------------------------------------------------


@transaction.atomic
def learning_profile_save(*, member, **fields) -> LearningProfile:
    """Save the member's learning profile answers and re-plan their path."""
    profile = learning_profile_update(user=member, **fields)
    path = (
        LearningPath.objects.select_for_update(of=("self",))
        .select_related("goal_course", "goal_track", "goal_curated")
        .filter(member=member)
        .first()
    )
    if path is not None:
        _replan(path, member=member, profile=profile, now=timezone.now())
    return profile


@transaction.atomic
def self_assessment_save(*, member, levels: Mapping[int, int]) -> dict[int, int]:
    """Store the member's own view of their skills (0–4) and seed their mastery
    estimates from it; then re-plan."""
    clean: dict[int, int] = {}
    for skill_id, level in levels.items():
        if not isinstance(level, int) or not 0 <= level <= 4:
            raise ValidationError(
                _("Choose a level from “Not at all” to “Expert”."), code="level"
            )
        clean[int(skill_id)] = level
    known = set(Skill.objects.filter(pk__in=clean).values_list("pk", flat=True))
    if set(clean) - known:
        raise ValidationError(
            _("One of these skills no longer exists. Reload the page."),
            code="unknown_skill",
        )
    for skill_id, level in clean.items():
        SkillSelfAssessment.objects.update_or_create(
            member=member, skill_id=skill_id, defaults={"level": level}
        )
    if clean:
        mastery_api.seed_mastery(member=member, levels=clean, source="self")
    path_replan(member=member)
    return clean


@transaction.atomic
def onboarding_finish(*, member) -> LearningProfile:
    """Mark onboarding done (once) and record it."""
    profile = learning_profile_mark_onboarding(user=member, finished=True)
    path = LearningPath.objects.filter(member=member).first()
    activity_record(
        actor=member,
        verb="responded",
        object_type="survey",
        object_id="onboarding",
        idempotency_key=f"responded:onboarding:{member.pk}",
        result={"response": profile.experience},
        context={
            "goal": path.goal_kind if path else "",
            "experience": profile.experience,
            "personalisation": profile.personalisation,
            "weekly_minutes": profile.weekly_minutes,
        },
    )
    return profile


# Placement quiz ---------------------------------------------------------------


def placement_skills(path: LearningPath, catalogue: PlanningCatalogue) -> list[int]:
    """The skills a placement quiz asks about: the goal's prerequisites (all
    the way down), or the goal's own skills when it has none; only skills some
    quiz question assesses."""
    spec = goal_spec(path, catalogue, Personalisation.FULL)
    chains = planner.prerequisite_closure(spec.skills, catalogue.prerequisites)
    below = [s for s in chains if s not in spec.skills]
    wanted = below or list(spec.skills)
    return [s for s in wanted if catalogue.questions.get(s)]


@transaction.atomic
def placement_start(*, member) -> PlacementAttempt:
    """Draw a placement quiz for the member's goal (or give back the one they
    have open), from the lesson quizzes that assess its prerequisite skills."""
    path = (
        LearningPath.objects.select_related("goal_course", "goal_track", "goal_curated")
        .filter(member=member)
        .first()
    )
    if path is None:
        raise ValidationError(
            _("Choose a goal first; the placement quiz is about what it needs."),
            code="no_goal",
        )
    now = timezone.now()
    open_attempt = (
        PlacementAttempt.objects.filter(
            member=member,
            submitted_at__isnull=True,
            created_at__gte=now - PLACEMENT_REUSE,
        )
        .order_by("-created_at")
        .first()
    )
    if open_attempt is not None:
        return open_attempt
    catalogue = planning_catalogue()
    skills = placement_skills(path, catalogue)
    if not skills:
        raise ValidationError(
            _(
                "There are no quiz questions on what your goal needs yet, so there "
                "is no placement quiz. Your path starts from your own assessment."
            ),
            code="no_questions",
        )
    # Not security-relevant: which questions to ask, varied between members.
    shuffler = random.Random(f"{member.pk}:{now.isoformat()}")  # noqa: S311
    chosen: list[dict] = []
    seen: set[tuple[int, str]] = set()
    per_skill = max(1, min(PLACEMENT_PER_SKILL, PLACEMENT_MAX_QUESTIONS // len(skills)))
    for skill in skills:
        pool = [
            q for q in catalogue.questions[skill] if (q.lesson, q.question) not in seen
        ]
        shuffler.shuffle(pool)
        # One easier and one harder question where there are both.
        pool.sort(key=lambda q: q.difficulty)
        picks = [pool[0], pool[-1]] if len(pool) > 1 else pool
        for question in picks[:per_skill]:
            seen.add((question.lesson, question.question))
            chosen.append(
                {
                    "lesson": question.lesson,
                    "quiz": question.quiz,
                    "question": question.question,
                    "skill": skill,
                }
            )
        if len(chosen) >= PLACEMENT_MAX_QUESTIONS:
            break
    return PlacementAttempt.objects.create(member=member, questions=chosen)


PLACEMENT_ERRORS = {
    "unknown_question": _(
        "Your answers include a question that is not in this placement quiz. "
        "Reload the page and answer again."
    ),
    "unknown_choice": _(
        "One of your answers is not a choice of its question. Reload the page "
        "and answer again."
    ),
    "not_a_number": _("Answer with a number, for example 3.5."),
    "bad_response": _(
        "One of your answers could not be read. Reload the page and answer again."
    ),
}


def placement_quiz_questions(attempt: PlacementAttempt) -> list[tuple[dict, object]]:
    """Each stored question with its gradable form from the published lesson
    (None if it is gone). 1 query."""
    lessons = {
        lesson.pk: lesson
        for lesson in LessonPage.objects.live().filter(
            pk__in={q["lesson"] for q in attempt.questions}
        )
    }
    result = []
    for entry in attempt.questions:
        lesson = lessons.get(entry["lesson"])
        quiz = lesson.quizzes().get(entry["quiz"]) if lesson else None
        question = (
            quiz.as_quiz(entry["quiz"]).question(entry["question"]) if quiz else None
        )
        result.append((entry, question))
    return result


@transaction.atomic
def placement_submit(
    *, member, attempt_id: int, answers: Mapping[str, object]
) -> PlacementAttempt:
    """Grade a placement quiz on the server against the questions drawn for it
    (answers are keyed by their position: "0", "1", …); seed the member's
    mastery from the results and re-plan. A second submission, an answer to a
    question that was not asked or a choice that is not the question's own is
    refused and changes nothing."""
    attempt = (
        PlacementAttempt.objects.select_for_update()
        .filter(pk=attempt_id, member=member)
        .first()
    )
    if attempt is None:
        raise ValidationError(
            _("This placement quiz is not yours or no longer exists."),
            code="no_attempt",
        )
    if attempt.submitted_at is not None:
        raise ValidationError(
            _("You already sent this placement quiz; your path uses its result."),
            code="replayed",
        )
    asked = {str(n) for n in range(len(attempt.questions))}
    if not set(answers) <= asked:
        raise ValidationError(PLACEMENT_ERRORS["unknown_question"], code="tampered")
    results: dict[int, list[int]] = {}
    for n, (entry, question) in enumerate(placement_quiz_questions(attempt)):
        if question is None:
            continue  # the lesson changed meanwhile: the question is not counted
        try:
            graded = grading.grade_question(question, answers.get(str(n)))
        except grading.GradingError as error:
            raise ValidationError(
                PLACEMENT_ERRORS.get(error.code, PLACEMENT_ERRORS["bad_response"]),
                code=error.code,
            ) from None
        right, total = results.setdefault(entry["skill"], [0, 0])
        results[entry["skill"]] = [right + int(graded.correct), total + 1]
    attempt.results = {str(s): v for s, v in results.items()}
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["results", "submitted_at"])
    if results:
        mastery_api.seed_from_placement(
            member=member, results={s: (r, t) for s, (r, t) in results.items()}
        )
    path_replan(member=member)
    return attempt
