"""Learning-path planning: from a goal, the prerequisite graph, what the learner
masters and the content on offer, to ordered steps grouped into weeks, each with
the reason it is there.

Plain Python over ids, no Django: `paths.selectors` feeds it, `paths.services`
persists what it returns. Every function is deterministic (ties break on ids), so
re-planning the same state gives the same plan and a re-plan is idempotent.

Reasons are structured, not text: `{"chain": [goal skill, …, skill],
"mastery": 0.42, …}`; the site renders them ("You want Data analysis; it needs
Python basics; your mastery of Python basics is 0.42").
"""

import heapq
import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Kinds of item and where a step comes from.
LESSON, QUIZ, PROJECT, EVENT = "lesson", "quiz", "project", "event"
ASSESSING_KINDS = frozenset({QUIZ, PROJECT})
PLAN, CONFIRM, REMEDIATION, CURATED, LEARNER = (
    "plan",
    "confirm",
    "remediation",
    "curated",
    "learner",
)

NEWCOMER, SOME, EXPERIENCED = "newcomer", "some", "experienced"
# The content level each experience aims at (1 beginner … 3 advanced).
TARGET_LEVEL = {NEWCOMER: 1, SOME: 2, EXPERIENCED: 3}
# A newcomer's gentle start: few steps a week and a lighter first week.
NEWCOMER_STEPS_PER_WEEK = 3
NEWCOMER_FIRST_WEEK_SHARE = 0.5
# From this share of the threshold on, a skill is partly known: an experienced
# learner (or anyone this close) is given the assessment to confirm it rather
# than every lesson.
CONFIRM_SHARE = 0.7
REMEDIATION_ITEMS_PER_SKILL = 2


@dataclass(frozen=True)
class Item:
    """Something a learner can do: a lesson (quiz, project) or an event."""

    id: int
    kind: str = LESSON
    skills: tuple[int, ...] = ()
    difficulty: int = 2  # 1 easy … 3 hard
    minutes: int = 10
    formats: frozenset[str] = frozenset()
    group: int = 0  # the course it belongs to (0: none)
    sequence: int = 0  # its place in the group (tree order)
    level: int = 1  # the group's level, 1 beginner … 3 advanced
    language: str = ""
    week: int | None = None  # fixed week (0 = this week) for dated items


@dataclass(frozen=True)
class Preferences:
    weekly_minutes: int = 120
    formats: frozenset[str] = frozenset()  # empty: any format
    language: str = ""  # empty: any language
    experience: str = SOME


@dataclass(frozen=True)
class Decisions:
    """What the learner decided and every re-plan keeps: items skipped (or
    swapped out), items chosen (swapped in), and moves ("a before b")."""

    skipped: frozenset[int] = frozenset()
    chosen: frozenset[int] = frozenset()
    order: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Failure:
    """A quiz the learner failed and has not passed since, with the skills of
    the questions they got wrong."""

    item: int
    skills: tuple[int, ...]


@dataclass(frozen=True)
class PlanRequest:
    goal_skills: Sequence[int]
    prerequisites: Mapping[int, Sequence[int]]  # skill → skills it needs
    items: Sequence[Item]
    mastery: Mapping[int, float] = field(default_factory=dict)
    threshold: float = 0.95
    preferences: Preferences = Preferences()
    decisions: Decisions = Decisions()
    done: frozenset[int] = frozenset()
    failures: Sequence[Failure] = ()
    # A curated sequence (course lessons, an instructor's path) to follow in
    # its own order instead of choosing content; None plans freely.
    curated: Sequence[int] | None = None
    # Whether content the learner masters is dropped from a curated sequence
    # and its missing prerequisites added (off for unpersonalised plans).
    personalise_curated: bool = True
    # Items of these groups are preferred (a goal course's own lessons).
    preferred_groups: frozenset[int] = frozenset()
    # Minutes and steps already done this week: they count against its budget.
    spent_minutes: int = 0
    spent_steps: int = 0


@dataclass(frozen=True)
class Step:
    item: int
    skill: int | None
    week: int
    minutes: int
    origin: str
    reason: dict


@dataclass(frozen=True)
class Milestone:
    week: int
    skills: tuple[int, ...]  # skills whose last step falls in this week
    minutes: int
    steps: int


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    milestones: tuple[Milestone, ...]
    eta_weeks: int  # weeks until the last step (0: nothing to do)
    needed: tuple[int, ...]  # skills still to learn, in learning order
    mastered: dict[int, float]  # skills the goal needs that are mastered
    uncovered: tuple[int, ...]  # skills to learn that no item teaches
    # Skills to learn whose items are all done or skipped, not yet mastered.
    exhausted: tuple[int, ...]
    dropped: tuple[tuple[int, int, float], ...]  # curated (item, skill, mastery)


# The prerequisite graph --------------------------------------------------------


def prerequisite_closure(
    goal_skills: Iterable[int], prerequisites: Mapping[int, Sequence[int]]
) -> dict[int, tuple[int, ...]]:
    """Every skill the goal needs, each with its shortest chain of "needs" from a
    goal skill: {skill: (goal skill, …, skill)}. Breadth-first, so the chain is
    the most direct reason; loops in bad data are cut, not followed."""
    chains: dict[int, tuple[int, ...]] = {}
    queue: deque[int] = deque()
    for skill in goal_skills:
        if skill not in chains:
            chains[skill] = (skill,)
            queue.append(skill)
    while queue:
        skill = queue.popleft()
        for needed in sorted(prerequisites.get(skill, ())):
            if needed not in chains:
                chains[needed] = (*chains[skill], needed)
                queue.append(needed)
    return chains


def learning_order(
    skills: Iterable[int],
    prerequisites: Mapping[int, Sequence[int]],
    difficulty: Mapping[int, float],
) -> list[int]:
    """The skills in an order that puts prerequisites first and, among skills
    free to go next, the easiest first (then the shallowest, then by id).
    Prerequisites outside `skills` (mastered ones) do not hold anything back;
    a loop in the data is broken at its easiest skill instead of losing it."""
    wanted = set(skills)
    needs = {s: {p for p in prerequisites.get(s, ()) if p in wanted} for s in wanted}
    unlocks: dict[int, list[int]] = {s: [] for s in wanted}
    for skill, required in needs.items():
        for prerequisite in required:
            unlocks[prerequisite].append(skill)
    depth = _depths(wanted, needs)
    waiting = {skill: len(required) for skill, required in needs.items()}

    def key(skill: int) -> tuple:
        return (difficulty.get(skill, 2.0), depth.get(skill, 0), skill)

    ready = [key(s) for s, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    placed: set[int] = set()
    while len(order) < len(wanted):
        if not ready:  # a loop: release its easiest remaining skill
            stuck = min((s for s in wanted if s not in placed), key=key)
            heapq.heappush(ready, key(stuck))
            waiting[stuck] = 0
        *_, skill = heapq.heappop(ready)
        if skill in placed:
            continue
        placed.add(skill)
        order.append(skill)
        for follower in unlocks[skill]:
            waiting[follower] -= 1
            if waiting[follower] == 0 and follower not in placed:
                heapq.heappush(ready, key(follower))
    return order


def _depths(skills: set[int], needs: Mapping[int, set[int]]) -> dict[int, int]:
    """Longest chain of prerequisites below each skill (0: needs nothing)."""
    depth: dict[int, int] = {}
    for start in sorted(skills):
        if start in depth:
            continue
        stack = [(start, iter(sorted(needs[start])))]
        on_stack = {start}
        while stack:
            skill, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_stack.discard(skill)
                depth[skill] = 1 + max(
                    (depth.get(c, 0) for c in needs[skill] if c not in on_stack),
                    default=-1,
                )
            elif child not in depth and child not in on_stack:
                stack.append((child, iter(sorted(needs[child]))))
                on_stack.add(child)
    return depth


# Planning ----------------------------------------------------------------------


def plan(request: PlanRequest) -> Plan:
    """The learner's path: steps in order with weeks and reasons, milestones,
    an ETA, and what was left out and why."""
    threshold = request.threshold
    mastery = request.mastery
    chains = prerequisite_closure(request.goal_skills, request.prerequisites)
    mastered = {
        s: round(mastery[s], 4) for s in chains if mastery.get(s, 0.0) >= threshold
    }
    missing = [s for s in chains if s not in mastered]
    excluded = request.done | request.decisions.skipped
    # Every item on a needed skill, then those still open to plan.
    offered = _index_by_skill(request.items, frozenset(), chains)
    by_skill = {
        skill: [i for i in found if i.id not in excluded]
        for skill, found in offered.items()
    }
    items = {item.id: item for item in request.items}

    if request.curated is not None:
        ordered, dropped, needed = _follow_curated(request, items, chains, mastered)
    else:
        difficulty = {
            s: min((i.difficulty for i in by_skill.get(s, ())), default=2.0)
            for s in missing
        }
        needed = learning_order(missing, request.prerequisites, difficulty)
        ordered = _choose_items(request, by_skill, needed, chains, items)
        dropped = ()

    if request.failures:
        ordered = _insert_remediation(request, ordered, by_skill, chains, items)
    ordered = _apply_moves(ordered, request.decisions.order)

    covered = {s for entry in ordered for s in items[entry[0]].skills}
    left = [s for s in needed if s not in covered]
    uncovered = tuple(s for s in left if s not in offered)
    exhausted = tuple(s for s in left if s in offered)
    # Stable: dated items move to their week, the rest keep their order.
    steps = sorted(
        _schedule(
            ordered,
            items,
            request.preferences,
            spent=(request.spent_minutes, request.spent_steps),
        ),
        key=_week,
    )
    milestones = _milestones(steps, items, needed)
    eta = max((step.week for step in steps), default=-1) + 1
    return Plan(
        steps=tuple(steps),
        milestones=milestones,
        eta_weeks=eta,
        needed=tuple(needed),
        mastered=mastered,
        uncovered=uncovered,
        exhausted=exhausted,
        dropped=tuple(dropped),
    )


# One entry of the ordered list before scheduling: (item id, skill, origin, reason).
Entry = tuple[int, int | None, str, dict]


def _index_by_skill(
    items: Iterable[Item], excluded, relevant: Mapping | None = None
) -> dict[int, list[Item]]:
    """Items not excluded, by the skills they teach (only `relevant` ones)."""
    by_skill: dict[int, list[Item]] = {}
    for item in items:
        if item.id in excluded:
            continue
        for skill in item.skills:
            if relevant is None or skill in relevant:
                by_skill.setdefault(skill, []).append(item)
    return by_skill


def _reason(chains, mastery, skill: int | None, **extra) -> dict:
    reason = dict(extra)
    if skill is not None:
        reason["chain"] = list(chains.get(skill, (skill,)))
        reason["mastery"] = round(float(mastery.get(skill, 0.0)), 2)
    return reason


def _format_ok(item: Item, prefs: Preferences) -> bool:
    """Whether an item suits the preferred formats; one with no format given
    is not held against anyone."""
    return not prefs.formats or not item.formats or bool(item.formats & prefs.formats)


def _choose_items(request, by_skill, needed, chains, items) -> list[Entry]:
    """For each skill in learning order, the lessons of the best-fitting course
    (or the chosen items), skipping what an earlier skill already brought."""
    prefs = request.preferences
    mastery = request.mastery
    target = TARGET_LEVEL.get(prefs.experience, 2)
    missing = set(needed)
    chosen_by_skill: dict[int, list[Item]] = {}
    for item_id in sorted(request.decisions.chosen):
        item = items.get(item_id)
        if item is None or item_id in request.done:
            continue
        skill = next((s for s in needed if s in item.skills), None)
        if skill is not None:
            chosen_by_skill.setdefault(skill, []).append(item)

    # A skill the learner has started goes on with the course they started it
    # in; another course's lessons on it come only through remediation.
    started: dict[int, set[int]] = {}
    for item_id in request.done:
        item = items.get(item_id)
        if item is not None and item.kind != EVENT:
            for skill in item.skills:
                started.setdefault(skill, set()).add(item.group or -item.id)

    ordered: list[Entry] = []
    placed: set[int] = set()
    for skill in needed:
        for item in chosen_by_skill.get(skill, ()):
            if item.id not in placed:
                placed.add(item.id)
                ordered.append(
                    (item.id, skill, LEARNER, _reason(chains, mastery, skill))
                )
        candidates = [i for i in by_skill.get(skill, ()) if i.id not in placed]
        if skill in started:
            candidates = [i for i in candidates if (i.group or -i.id) in started[skill]]
        if not candidates:
            continue
        # Dated items (events) are extras, chosen below; content comes first.
        undated = [i for i in candidates if i.week is None]
        fitting = [i for i in undated if _format_ok(i, prefs)]
        fallback = bool(undated) and not fitting
        pool = fitting or undated
        groups: dict[int, list[Item]] = {}
        for item in pool:
            groups.setdefault(item.group or -item.id, []).append(item)

        def group_key(entry, target=target, prefs=prefs):
            group, members = entry
            reach = len({s for i in members for s in i.skills} & missing)
            level = members[0].level
            language_miss = bool(prefs.language) and all(
                i.language and i.language != prefs.language for i in members
            )
            kinds = {i.kind in ASSESSING_KINDS for i in members}
            return (
                group not in request.preferred_groups,
                language_miss,
                False not in kinds,  # nothing that teaches, only tests
                True not in kinds,  # nothing to show the skill is learned
                abs(level - target),
                -reach,
                sum(i.minutes for i in members),
                group,
            )

        if len(groups) <= 1:
            members = next(iter(groups.values()), [])
        else:
            _group, members = min(groups.items(), key=group_key)
        members.sort(key=lambda i: (i.sequence, i.difficulty, i.id))
        level = mastery.get(skill, 0.0)
        confirming = level >= CONFIRM_SHARE * request.threshold or (
            prefs.experience == EXPERIENCED and level >= 0.5 * request.threshold
        )
        origin = PLAN
        if confirming:
            assessing = [i for i in members if i.kind in ASSESSING_KINDS]
            if assessing:
                members, origin = assessing, CONFIRM
        for item in members:
            if item.id in placed or item.week is not None:
                continue
            placed.add(item.id)
            reason = _reason(chains, mastery, skill)
            if fallback:
                reason["format_fallback"] = True
            ordered.append((item.id, skill, origin, reason))
        # The soonest event on the skill joins when it fits the formats.
        dated = sorted(
            (
                i
                for i in candidates
                if i.week is not None and i.id not in placed and _format_ok(i, prefs)
            ),
            key=lambda i: (i.week, i.id),
        )
        if dated:
            placed.add(dated[0].id)
            ordered.append((dated[0].id, skill, PLAN, _reason(chains, mastery, skill)))
    return ordered


def _follow_curated(request, items, chains, mastered):
    """An instructor's (or a course's) sequence in its own order; personalised,
    it leaves out what the learner masters and puts missing prerequisites the
    sequence does not teach in front."""
    mastery = request.mastery
    excluded = request.done | request.decisions.skipped
    ordered: list[Entry] = []
    dropped: list[tuple[int, int, float]] = []
    sequence = [i for i in request.curated if i in items and i not in excluded]
    # Quizzes and projects test skills; only the rest teach them.
    taught = {
        s
        for i in sequence
        if items[i].kind not in ASSESSING_KINDS
        for s in items[i].skills
    }
    needed: list[int] = []
    if request.personalise_curated:
        gaps = [s for s in chains if s not in mastered and s not in taught]
        if gaps:
            by_skill = _index_by_skill(request.items, excluded | set(sequence), chains)
            difficulty = {
                s: min((i.difficulty for i in by_skill.get(s, ())), default=2.0)
                for s in gaps
            }
            needed = learning_order(gaps, request.prerequisites, difficulty)
            ordered.extend(_choose_items(request, by_skill, needed, chains, items))
    for item_id in sequence:
        item = items[item_id]
        open_skills = [s for s in item.skills if s not in mastered]
        if request.personalise_curated and item.skills and not open_skills:
            skill = item.skills[0]
            dropped.append((item_id, skill, mastered[skill]))
            continue
        skill = open_skills[0] if open_skills else None
        if skill is not None and skill not in needed:
            needed.append(skill)
        reason = _reason(chains, mastery if request.personalise_curated else {}, skill)
        if not request.personalise_curated:
            reason.pop("mastery", None)
        ordered.append((item_id, skill, CURATED, reason))
    return ordered, dropped, needed


def _insert_remediation(request, ordered, by_skill, chains, items) -> list[Entry]:
    """Before each failed quiz, easier items on its weak skills — first on the
    weak skills' own unmastered prerequisites (the likely cause), then on the
    skills themselves."""
    mastery, threshold = request.mastery, request.threshold
    prefs = request.preferences
    result = list(ordered)
    for failure in request.failures:
        failed = items.get(failure.item)
        ceiling = failed.difficulty if failed else 3
        # Only skills the goal needs: a failure elsewhere is not this path's.
        weak = [
            s for s in failure.skills if s in chains and mastery.get(s, 0.0) < threshold
        ]
        targets: list[tuple[int, int]] = []  # (skill to work on, weak skill)
        for skill in weak:
            for prerequisite in sorted(request.prerequisites.get(skill, ())):
                if mastery.get(prerequisite, 0.0) < threshold:
                    targets.append((prerequisite, skill))
        targets.extend((skill, skill) for skill in weak)
        position = next(
            (n for n, entry in enumerate(result) if entry[0] == failure.item),
            0,
        )
        before = {entry[0] for entry in result[:position]}
        inserted: list[Entry] = []
        taken: set[int] = set()
        for skill, weak_skill in targets:
            candidates = [
                i
                for i in by_skill.get(skill, ())
                if i.id != failure.item
                and i.id not in before
                and i.id not in taken
                and i.week is None
            ]
            easier = [i for i in candidates if i.difficulty < ceiling]
            pool = easier or [i for i in candidates if i.difficulty <= ceiling]
            pool.sort(
                key=lambda i: (
                    not _format_ok(i, prefs),
                    i.kind in ASSESSING_KINDS,
                    i.difficulty,
                    i.minutes,
                    i.id,
                )
            )
            for item in pool[:REMEDIATION_ITEMS_PER_SKILL]:
                taken.add(item.id)
                chain = list(chains.get(weak_skill, (weak_skill,)))
                if skill != weak_skill:
                    chain.append(skill)
                reason = {
                    "chain": chain,
                    "mastery": round(float(mastery.get(skill, 0.0)), 2),
                    "failed_item": failure.item,
                    "weak": weak_skill,
                }
                inserted.append((item.id, skill, REMEDIATION, reason))
        if not inserted:
            continue
        # Items moved up in front of the quiz leave their later place.
        result = [entry for entry in result if entry[0] not in taken]
        position = next(
            (n for n, entry in enumerate(result) if entry[0] == failure.item),
            0,
        )
        result[position:position] = inserted
    return result


def _apply_moves(ordered: list[Entry], moves: Sequence[tuple[int, int]]) -> list:
    """Replay the learner's moves, oldest first: each puts `a` right before `b`
    when both are in the plan and `a` is not before `b` already."""
    result = list(ordered)
    for first, then in moves:
        ids = [entry[0] for entry in result]
        if first not in ids or then not in ids:
            continue
        a, b = ids.index(first), ids.index(then)
        if a < b:
            continue
        entry = result.pop(a)
        result.insert(b, entry)
    return result


def _schedule(
    ordered: list[Entry], items, prefs: Preferences, spent: tuple[int, int] = (0, 0)
) -> list[Step]:
    """Fill weeks in order within the weekly time budget (a newcomer: fewer
    steps and a lighter first week), this week less what was `spent` on it
    already (minutes, steps). A step longer than a week's budget takes whole
    weeks of its own; dated items keep their week."""
    budget = max(int(prefs.weekly_minutes), 1)
    gentle = prefs.experience == NEWCOMER
    max_steps = NEWCOMER_STEPS_PER_WEEK if gentle else None
    used: dict[int, int] = {0: max(int(spent[0]), 0)}
    count: dict[int, int] = {0: max(int(spent[1]), 0)}

    def capacity(week: int) -> int:
        if gentle and week == 0:
            return max(int(budget * NEWCOMER_FIRST_WEEK_SHARE), 1)
        return budget

    steps: list[Step] = []
    week = 0
    for item_id, skill, origin, reason in ordered:
        item = items[item_id]
        minutes = max(int(item.minutes), 0)
        if item.week is not None:
            fixed = max(item.week, 0)
            used[fixed] = used.get(fixed, 0) + minutes
            count[fixed] = count.get(fixed, 0) + 1
            steps.append(Step(item_id, skill, fixed, minutes, origin, reason))
            continue
        while True:
            room = capacity(week) - used.get(week, 0)
            full = max_steps is not None and count.get(week, 0) >= max_steps
            fresh = used.get(week, 0) == 0  # an empty week takes any step
            if not full and (minutes <= room or fresh):
                break
            week += 1
        steps.append(Step(item_id, skill, week, minutes, origin, reason))
        span = max(math.ceil(minutes / capacity(week)), 1)
        used[week] = used.get(week, 0) + minutes
        count[week] = count.get(week, 0) + 1
        if span > 1:  # a long item fills the following weeks too
            for extra in range(1, span):
                used[week + extra] = capacity(week + extra)
            week += span - 1
    return steps


def _week(step: Step) -> int:
    return step.week


def _milestones(steps: list[Step], items, needed: Sequence[int]) -> tuple:
    last_week: dict[int, int] = {}
    for step in steps:
        for skill in items[step.item].skills:
            if skill in needed:
                last_week[skill] = max(last_week.get(skill, 0), step.week)
    weeks: dict[int, list[Step]] = {}
    for step in steps:
        weeks.setdefault(step.week, []).append(step)
    order = {skill: n for n, skill in enumerate(needed)}
    return tuple(
        Milestone(
            week=week,
            skills=tuple(
                sorted(
                    (s for s, w in last_week.items() if w == week),
                    key=lambda s: order[s],
                )
            ),
            minutes=sum(s.minutes for s in week_steps),
            steps=len(week_steps),
        )
        for week, week_steps in sorted(weeks.items())
    )
