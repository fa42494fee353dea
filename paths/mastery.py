"""The mastery model in Lyceum: reads (selectors) and writes (services) of the
per-member, per-skill mastery estimates. The maths is paths/engine/mastery.py;
this module feeds it rows and persists what it returns.

Public API (the planner and the privacy centre rely on these names):
``mastery_threshold``, ``mastery_map``, ``mastered_skill_ids``, ``seed_mastery``,
``seed_from_placement``, ``record_evidence``, ``reset_inferred``; the activity
consumers call ``mastery_record_answer`` and ``evidence_void``; the nightly task
calls ``mastery_refit``.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

import numpy as np
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Activity
from activity.services import activity_record
from courses.models import Skill

from .engine.mastery import (
    FeatureSpec,
    KnowledgeTracer,
    Mastery,
    Responses,
    SkillState,
    validate_params,
)
from .models import (
    KnowledgeState,
    MasteryEvidence,
    MasteryModelFit,
    MasterySettings,
    MasterySource,
    SkillMastery,
)

logger = logging.getLogger("lyceum.paths.mastery")

DEFAULTS_PATH = Path(__file__).resolve().parent / "data" / "mastery_defaults.json"
PARAMS_CACHE_KEY = "paths:mastery:params"
PARAMS_CACHE_SECONDS = 300
SETTINGS_CACHE_KEY = "paths:mastery:settings"
# Self-assessed levels (0 not at all … 4 expert) and the mastery a learner with
# no answers yet starts from; the same scale as the planner's "basic" level.
SELF_LEVEL_MASTERY = {0: 0.05, 1: 0.25, 2: 0.5, 3: 0.7, 4: 0.85}
# What an evidence source shows as on "My skills" (anything else: the forum).
EVIDENCE_SOURCES = {"scored": MasterySource.REVIEWED}
HELD_OUT_SHARE = 0.2  # members whose answers score a refit (by a stable hash)
MAX_SKILLS_PER_CALL = 200

ERRORS = {
    "level": _("Choose a level from “Not at all” (0) to “Expert” (4)."),
    "unknown_skill": _("One of these skills no longer exists. Reload the page."),
    "results": _("A placement result needs 0 ≤ correct ≤ questions, and a question."),
    "too_many": _("Too many skills at once; send at most %(max)d."),
    "weight": _("Evidence weight must be a number from 0 to 10."),
}


# ------------------------------------------------------------------- selectors


def mastery_settings() -> MasterySettings:
    """The operators' settings, cached (saving them clears the cache)."""
    settings = cache.get(SETTINGS_CACHE_KEY)
    if settings is None:
        settings = MasterySettings.load()
        cache.set(SETTINGS_CACHE_KEY, settings, PARAMS_CACHE_SECONDS)
    return settings


def mastery_threshold() -> float:
    return float(mastery_settings().threshold)


def mastery_map(member, skill_ids: Iterable[int] | None = None) -> dict[int, float]:
    """{skill id: mastery probability} for the skills with an estimate (one query)."""
    rows = SkillMastery.objects.filter(member=member)
    if skill_ids is not None:
        rows = rows.filter(skill_id__in=list(skill_ids))
    return dict(rows.values_list("skill_id", "probability"))


def mastered_skill_ids(member) -> set[int]:
    """Skills whose estimate is at or above the threshold (two small queries)."""
    return set(
        SkillMastery.objects.filter(
            member=member, probability__gte=mastery_threshold()
        ).values_list("skill_id", flat=True)
    )


def mastery_rows_for_page(member):
    """The member's estimates with their skill and topic, best first (one query)."""
    return (
        SkillMastery.objects.filter(member=member)
        .select_related("skill__topic")
        .order_by("-probability", "skill__name")
    )


def evidence_skill_ids_for_board(board_id) -> list[int]:
    """The skills of the course a forum board belongs to (one query; none for
    boards outside a course)."""
    if not isinstance(board_id, int):
        return []
    return sorted(
        Skill.objects.filter(courses__forum_boards__id=board_id)
        .values_list("pk", flat=True)
        .distinct()
    )


def evidence_skill_ids_for_lesson(lesson_id) -> list[int]:
    """The skills a lesson teaches (one query)."""
    if not isinstance(lesson_id, int):
        return []
    return sorted(
        Skill.objects.filter(lessons__id=lesson_id)
        .values_list("pk", flat=True)
        .distinct()
    )


@memoize
def default_params() -> dict:
    """The shipped parameters (fitted on ASSISTments 2009 by
    ``manage.py mastery_fit_defaults``): global weights, no per-skill entries."""
    params = json.loads(DEFAULTS_PATH.read_text())
    validate_params(params)
    return params


def active_params() -> dict:
    """The active fit's parameters, else the shipped defaults. Cached for a few
    minutes; activating a fit clears the cache."""
    cached = cache.get(PARAMS_CACHE_KEY)
    if cached is not None:
        return cached
    fit = MasteryModelFit.objects.filter(is_active=True).only("params").first()
    params = fit.params if fit is not None else default_params()
    cache.set(PARAMS_CACHE_KEY, params, PARAMS_CACHE_SECONDS)
    return params


def mastery_engine(settings: MasterySettings | None = None) -> Mastery:
    settings = settings or mastery_settings()
    return Mastery(active_params(), fade=float(settings.seed_fade))


# -------------------------------------------------------------------- services


def _state(row: SkillMastery) -> SkillState:
    return SkillState(
        wins=row.correct + row.evidence,
        fails=row.attempts - row.correct,
        recent_wins=row.recent_wins,
        recent_fails=row.recent_fails,
        attempts=row.attempts,
        prior=row.prior,
    )


def _lock_member(member, *, attempts: int = 0, correct: int = 0) -> None:
    """Lock the member's knowledge state row (adding to its totals): one member's
    mastery updates run one after the other, so two answers at once cannot lose
    a count. One UPDATE when the row exists."""
    locked = KnowledgeState.objects.filter(member=member).update(
        attempts=F("attempts") + attempts,
        correct=F("correct") + correct,
        updated_at=timezone.now(),
    )
    if not locked:
        KnowledgeState.objects.get_or_create(member=member)
        _lock_member(member, attempts=attempts, correct=correct)


def _rows(member, skill_ids: Iterable[int]) -> dict[int, SkillMastery]:
    """Existing rows for these skills (locked) and unsaved new ones for the rest."""
    skill_ids = list(skill_ids)
    rows = {
        row.skill_id: row
        for row in SkillMastery.objects.select_for_update().filter(
            member=member, skill_id__in=skill_ids
        )
    }
    for skill_id in skill_ids:
        if skill_id not in rows:
            rows[skill_id] = SkillMastery(member=member, skill_id=skill_id)
    return rows


def _existing_skill_ids(skill_ids: Iterable[int]) -> set[int]:
    return set(
        Skill.objects.filter(pk__in=list(skill_ids))
        .order_by()
        .values_list("pk", flat=True)
    )


def _update_rows(rows: list[SkillMastery], field_names: list[str]) -> None:
    """Write these fields of these rows in one statement executed per row
    (``executemany``): ``bulk_update``'s CASE expressions cost ~10 ms of Python
    per answer, this a fraction of one."""
    fields = [SkillMastery._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 (names, not input)
        quote(SkillMastery._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(SkillMastery._meta.pk.column),
    )
    values = [
        [
            field.get_db_prep_save(getattr(row, field.attname), connection)
            for field in fields
        ]
        + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _save(
    member,
    rows: Iterable[SkillMastery],
    *,
    engine: Mastery,
    threshold: float,
    source: str | None,
    now,
    fields: Iterable[str] = (),
) -> list[int]:
    """Recompute each row's probability, save the rows (one bulk create and one
    bulk update), and record a `mastered` activity for each skill that crossed
    the threshold upwards. ``member`` None: rows of several members, each
    row's member loaded with it; ``source`` None keeps each row's source.
    Returns the skills that were newly mastered."""
    crossed = []
    to_create, to_update = [], []
    for row in rows:
        row.probability = engine.probability(_state(row), row.skill_id)
        if source is not None:
            row.source = source
        row.updated_at = now
        if row.probability >= threshold and row.mastered_at is None:
            row.mastered_at = now
            row.crossings += 1
            crossed.append(row)
        elif row.probability < threshold and row.mastered_at is not None:
            row.mastered_at = None  # demoted: a later crossing is news again
        (to_update if row.pk else to_create).append(row)
    if to_create:
        SkillMastery.objects.bulk_create(to_create)
    if to_update:
        _update_rows(
            to_update,
            [
                "probability",
                "source",
                "updated_at",
                "mastered_at",
                "crossings",
                *fields,
            ],
        )
    for row in crossed:
        actor = member if member is not None else row.member
        activity_record(
            actor=actor,
            verb="mastered",
            object_type="skill",
            object_id=row.skill_id,
            idempotency_key=f"mastered:{actor.pk}:{row.skill_id}:{row.crossings}",
            result={"score": {"scaled": round(row.probability, 4)}},
            context={"source": row.source, "threshold": threshold},
            timestamp=now,
        )
    return [row.skill_id for row in crossed]


@transaction.atomic
def mastery_record_answer(
    *, member, skill_ids: Iterable[int], correct: bool, now=None
) -> dict[int, float]:
    """One answered question on ``skill_ids``: update the member's counts and
    estimates (a bounded number of queries whatever the number of skills).
    Skills that no longer exist are ignored. Returns {skill id: probability}."""
    now = now or timezone.now()
    skill_ids = sorted({int(s) for s in skill_ids})[:MAX_SKILLS_PER_CALL]
    _lock_member(member, attempts=1, correct=int(bool(correct)))
    if not skill_ids:
        return {}
    rows = _rows(member, skill_ids)
    new = [skill_id for skill_id, row in rows.items() if row.pk is None]
    if new:  # skills without an estimate yet may have been deleted meanwhile
        gone = set(new) - _existing_skill_ids(new)
        rows = {s: row for s, row in rows.items() if s not in gone}
    if not rows:
        return {}
    settings = mastery_settings()
    engine = mastery_engine(settings)
    for row in rows.values():
        new = engine.update(_state(row), bool(correct))
        row.attempts = new.attempts
        row.correct += int(bool(correct))
        row.recent_wins, row.recent_fails = new.recent_wins, new.recent_fails
    _save(
        member,
        rows.values(),
        engine=engine,
        threshold=float(settings.threshold),
        source=MasterySource.ANSWERS,
        now=now,
        fields=["attempts", "correct", "recent_wins", "recent_fails"],
    )
    return {skill_id: row.probability for skill_id, row in rows.items()}


def _check_skills(skill_ids: Iterable[int]) -> list[int]:
    skill_ids = sorted({int(s) for s in skill_ids})
    if len(skill_ids) > MAX_SKILLS_PER_CALL:
        raise ValidationError(
            ERRORS["too_many"], code="too_many", params={"max": MAX_SKILLS_PER_CALL}
        )
    if set(skill_ids) - _existing_skill_ids(skill_ids):
        raise ValidationError(ERRORS["unknown_skill"], code="unknown_skill")
    return skill_ids


def _seed(member, targets: Mapping[int, float], *, source: str, levels=None) -> None:
    now = timezone.now()
    settings = mastery_settings()
    engine = mastery_engine(settings)
    _lock_member(member)
    rows = _rows(member, targets)
    for skill_id, row in rows.items():
        row.prior = engine.prior_for_probability(targets[skill_id], skill_id)
        if levels is not None:
            row.seed_level = levels[skill_id]
    _save(
        member,
        rows.values(),
        engine=engine,
        threshold=float(settings.threshold),
        source=source,
        now=now,
        fields=["prior", "seed_level"],
    )


@transaction.atomic
def seed_mastery(*, member, levels: Mapping[int, int], source: str = "self") -> None:
    """Seed the estimates from a self-assessment: ``levels`` maps skill ids to
    0 (not at all) … 4 (expert). The seed sets where a learner with no answers
    starts and fades as their answers arrive. Bad input changes nothing."""
    if source not in (MasterySource.SELF, MasterySource.PLACEMENT):
        raise ValueError(f"unknown seed source {source!r}")
    clean = {}
    for skill_id, level in levels.items():
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 4:
            raise ValidationError(ERRORS["level"], code="level")
        clean[int(skill_id)] = level
    _check_skills(clean)
    if not clean:
        return
    _seed(
        member,
        {s: SELF_LEVEL_MASTERY[level] for s, level in clean.items()},
        source=source,
        levels=clean,
    )


def placement_mastery(correct: int, asked: int) -> float:
    """Mastery suggested by a placement result: every one of two or more answers
    right counts as mastered (0.98); one question alone weighs less."""
    share = correct / asked
    return 0.05 + (0.93 if asked >= 2 else 0.6) * share


@transaction.atomic
def seed_from_placement(*, member, results: Mapping[int, tuple[int, int]]) -> None:
    """Seed the estimates from a placement quiz: {skill id: (correct, asked)}.
    A placement replaces the self-assessment seed of those skills."""
    clean = {}
    for skill_id, pair in results.items():
        try:
            correct, asked = (int(x) for x in pair)
        except (TypeError, ValueError):
            raise ValidationError(ERRORS["results"], code="results") from None
        if asked < 1 or not 0 <= correct <= asked:
            raise ValidationError(ERRORS["results"], code="results")
        clean[int(skill_id)] = (correct, asked)
    _check_skills(clean)
    if not clean:
        return
    _seed(
        member,
        {s: placement_mastery(c, a) for s, (c, a) in clean.items()},
        source=MasterySource.PLACEMENT,
    )


@transaction.atomic
def record_evidence(
    *,
    member,
    skill_ids: Iterable[int],
    source: str,
    weight: float | None = None,
    activity: Activity | None = None,
) -> list[int]:
    """Count forum or project evidence (an accepted answer, a reviewed project)
    for ``skill_ids``: each skill gains ``weight`` correct answers (default: the
    operators' evidence weight). With an ``activity``, the evidence is recorded
    once per activity and skill, and voiding the activity takes it back.
    Returns the skills that gained evidence now."""
    settings = mastery_settings()
    weight = float(settings.evidence_weight if weight is None else weight)
    if not 0 <= weight <= 10:
        raise ValidationError(ERRORS["weight"], code="weight")
    skill_ids = _check_skills(skill_ids)
    if not skill_ids or weight == 0:
        return []
    _lock_member(member)
    if activity is not None:
        already = set(
            MasteryEvidence.objects.filter(
                activity=activity, skill_id__in=skill_ids
            ).values_list("skill_id", flat=True)
        )
        skill_ids = [s for s in skill_ids if s not in already]
        if not skill_ids:
            return []
    MasteryEvidence.objects.bulk_create(
        MasteryEvidence(
            member=member,
            skill_id=skill_id,
            weight=weight,
            source=source[:40],
            activity=activity,
        )
        for skill_id in skill_ids
    )
    rows = _rows(member, skill_ids)
    for row in rows.values():
        row.evidence += weight
    _save(
        member,
        rows.values(),
        engine=mastery_engine(settings),
        threshold=float(settings.threshold),
        source=EVIDENCE_SOURCES.get(source, MasterySource.FORUM),
        now=timezone.now(),
        fields=["evidence"],
    )
    return skill_ids


@transaction.atomic
def evidence_void(*, activity_id: int) -> list[int]:
    """Take back the evidence an activity gave (its `voided` arrived)."""
    evidence = list(
        MasteryEvidence.objects.select_related("member").filter(activity_id=activity_id)
    )
    if not evidence:
        return []
    member = evidence[0].member
    _lock_member(member)
    taken = {}
    for item in evidence:
        taken[item.skill_id] = taken.get(item.skill_id, 0.0) + item.weight
    MasteryEvidence.objects.filter(pk__in=[e.pk for e in evidence]).delete()
    rows = _rows(member, taken)
    for skill_id, row in rows.items():
        row.evidence = max(0.0, row.evidence - taken[skill_id])
    settings = mastery_settings()
    _save(
        member,
        [row for row in rows.values() if row.pk],
        engine=mastery_engine(settings),
        threshold=float(settings.threshold),
        source=MasterySource.FORUM,
        now=timezone.now(),
        fields=["evidence"],
    )
    return sorted(taken)


@transaction.atomic
def reset_inferred(member) -> int:
    """Forget what the model inferred from the member's behaviour (answers, forum
    evidence); keep what they stated (self-assessment and placement seeds).
    Returns how many estimates remain."""
    KnowledgeState.objects.filter(member=member).update(attempts=0, correct=0)
    MasteryEvidence.objects.filter(member=member).delete()
    SkillMastery.objects.filter(member=member, prior=0.0, seed_level=None).delete()
    rows = list(SkillMastery.objects.select_for_update().filter(member=member))
    engine = mastery_engine()
    threshold = mastery_threshold()
    now = timezone.now()
    for row in rows:
        row.attempts = row.correct = 0
        row.evidence = row.recent_wins = row.recent_fails = 0.0
        row.probability = engine.probability(_state(row), row.skill_id)
        row.mastered_at = (
            (row.mastered_at or now) if row.probability >= threshold else None
        )
        row.updated_at = now
    SkillMastery.objects.bulk_update(
        rows,
        [
            "attempts",
            "correct",
            "evidence",
            "recent_wins",
            "recent_fails",
            "probability",
            "mastered_at",
            "updated_at",
        ],
    )
    return len(rows)


# ----------------------------------------------------------------------- refit


@dataclass(frozen=True)
class PlatformAnswers:
    responses: Responses
    skill_keys: dict[int, str]  # skill index → skill id (as text)
    member_ids: np.ndarray  # per answer


def platform_answers() -> PlatformAnswers:
    """Every `answered` activity as model input, each member's in time order
    (streamed from the database in chunks)."""
    users, items, correct, skills, difficulty = [], [], [], [], []
    item_index: dict[str, int] = {}
    skill_index: dict[int, int] = {}
    answers = (
        Activity.objects.filter(verb="answered", object_type="question")
        .order_by("actor_id", "timestamp", "pk")
        .values_list("actor_id", "object_id", "result", "context")
    )
    for actor_id, object_id, result, context in answers.iterator(chunk_size=2000):
        context = context or {}
        users.append(actor_id)
        items.append(item_index.setdefault(object_id, len(item_index)))
        correct.append(1 if (result or {}).get("success") else 0)
        row_skills = []
        for skill_id in context.get("skills") or ():
            if isinstance(skill_id, int) and not isinstance(skill_id, bool):
                row_skills.append(skill_index.setdefault(skill_id, len(skill_index)))
        skills.append(row_skills)
        level = context.get("difficulty")
        difficulty.append(level if level in (1, 2, 3) else 2)
    responses = Responses.from_lists(
        user=users,
        item=items,
        correct=correct,
        skills=skills,
        n_items=len(item_index),
        n_skills=len(skill_index),
        difficulty=difficulty,
    )
    return PlatformAnswers(
        responses=responses,
        skill_keys={index: str(skill) for skill, index in skill_index.items()},
        member_ids=responses.user,
    )


def _held_out(member_ids: np.ndarray) -> np.ndarray:
    """A stable ~20 % of members (by a hash of their id) score every refit."""
    unique, inverse = np.unique(member_ids, return_inverse=True)
    hashed = np.array([zlib.crc32(str(m).encode()) % 100 for m in unique])
    return (hashed < HELD_OUT_SHARE * 100)[inverse]


def _auc_of(params: dict, data: PlatformAnswers, mask: np.ndarray) -> float | None:
    held = data.responses.take_users(mask)
    if len(np.unique(held.correct)) < 2:
        return None
    tracer = KnowledgeTracer.from_params(
        params,
        skill_index={key: index for index, key in data.skill_keys.items()},
        n_items=0,
    )
    return tracer.auc(held)


def mastery_refit(*, force: bool = False) -> MasteryModelFit | None:
    """Refit the model from this site's own answers once there are enough; keep
    the new fit and activate it if its held-out AUC is not worse than the active
    parameters' (the shipped defaults when no fit is active) on the same members.
    Returns the new fit, or None when there were too few answers."""
    settings = mastery_settings()
    count = Activity.objects.filter(verb="answered", object_type="question").count()
    if count < settings.refit_min_answers and not force:
        logger.info(
            "Mastery refit skipped: %s answers (need %s).",
            count,
            settings.refit_min_answers,
        )
        return None
    data = platform_answers()
    held = _held_out(data.member_ids)
    train = data.responses.take_users(~held)
    if (
        len(train) == 0
        or not held.any()
        or len(np.unique(train.correct)) < 2
        or len(np.unique(data.responses.correct[held])) < 2
    ):
        logger.info("Mastery refit skipped: the answers cannot be split for scoring.")
        return None
    # Item one-hots are left out: the parameters travel to questions never seen.
    tracer = KnowledgeTracer.fit(
        train,
        FeatureSpec(
            items=False,
            skills=True,
            per_skill_counts=True,
            recent_totals=True,
            per_skill_recent=False,
            difficulty=True,
        ),
        C=1.0,
        max_iter=1000,
    )
    previous = active_params()
    # Guess and slip define how predictions read as mastery, not how well they
    # predict: they carry over, so a refit does not change what "mastered" means.
    tracer.guess, tracer.slip = previous["guess"], previous["slip"]
    params = tracer.to_params(skill_keys=data.skill_keys)
    new_auc = _auc_of(params, data, held)
    old_auc = _auc_of(previous, data, held)
    better = new_auc is not None and (old_auc is None or new_auc >= old_auc)
    with transaction.atomic():
        if better:
            MasteryModelFit.objects.filter(is_active=True).update(is_active=False)
        fit = MasteryModelFit.objects.create(
            params=params,
            n_answers=len(data.responses),
            n_members=len(np.unique(data.member_ids)),
            auc=new_auc,
            auc_active=old_auc,
            is_active=better,
            note="" if better else "kept the active parameters (better held-out AUC)",
        )
        transaction.on_commit(lambda: cache.delete(PARAMS_CACHE_KEY))
    if better:
        cache.delete(PARAMS_CACHE_KEY)
        mastery_recompute_all()
    return fit


def mastery_recompute_all(*, batch: int = 2000) -> int:
    """Recompute every estimate with the active parameters (after a refit), in
    batches, each member's crossings recorded as `mastered`. Returns the rows."""
    engine = mastery_engine()
    threshold = mastery_threshold()
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                SkillMastery.objects.select_for_update(of=("self",))
                .select_related("member")
                .filter(pk__gt=last_pk)
                .order_by("pk")[:batch]
            )
            if not rows:
                return done
            _save(
                None,
                rows,
                engine=engine,
                threshold=threshold,
                source=None,
                now=timezone.now(),
            )
            done += len(rows)
            last_pk = rows[-1].pk
