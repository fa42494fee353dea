"""Knowledge tracing for the mastery model: a logistic model of the next answer in
the spirit of Gervet et al.'s Best-LR ("When is deep learning the best approach
to knowledge tracing?", JEDM 2020).

The probability that a learner answers an item correctly is a logistic function of
- the item (one-hot; benchmark fits only, the platform's parameters carry none),
- the item's skills (one-hot, averaged over the item's skills),
- per skill of the item, the learner's earlier correct and wrong answers on that
  skill, log(1 + n), with per-skill weights and with weights shared by all skills
  (averaged over the item's skills),
- "recent" counts on the item's skills: correct and wrong answers discounted by
  ``decay`` per later answer on the skill (averaged over the item's skills, and
  per skill in the benchmark), so a run of wrong answers lowers the estimate more
  than the same answers long ago (demotion),
- the learner's totals over all skills, log(1 + n) and discounted, and
- the question's difficulty (easy/hard against medium; platform data only).

It is fitted with scikit-learn's LogisticRegression on a sparse design matrix.

Mastery of a skill (``mastery_probability``) is then read off the fitted model:
the predicted probability ``p`` of answering a medium item of that skill
correctly for a learner whose record is their record on that skill (plus the seed
from self-assessment or placement, which fades as answers arrive), mapped to the
probability of the latent "knows it" state through the observation model of BKT,
``p = m (1 - slip) + (1 - m) guess``, so ``m = (p - guess) / (1 - slip - guess)``
clipped to [0, 1]. A skill counts as mastered when ``m`` reaches the threshold.

Nothing here imports Django: selectors build ``Responses`` and skill states,
services persist what these functions return.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

PARAMS_VERSION = 1
DEFAULT_DECAY = 0.7
# Difficulty levels of the platform's questions (courses.choices.Difficulty);
# medium is the reference level, so it has no column.
EASY, MEDIUM, HARD = 1, 2, 3


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Responses:
    """Answers in time order within each learner (a learner's rows contiguous).

    ``skill_indptr``/``skill_indices`` give each answer's skills (CSR layout, skill
    indices in ``range(n_skills)``); ``difficulty`` (1 easy, 2 medium, 3 hard) is
    optional."""

    user: np.ndarray
    item: np.ndarray
    correct: np.ndarray
    skill_indptr: np.ndarray
    skill_indices: np.ndarray
    n_items: int
    n_skills: int
    difficulty: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.user)
        if not (len(self.item) == len(self.correct) == n):
            raise ValueError("user, item and correct must have the same length")
        if len(self.skill_indptr) != n + 1:
            raise ValueError("skill_indptr must have one entry more than answers")
        if self.difficulty is not None and len(self.difficulty) != n:
            raise ValueError("difficulty must have one entry per answer")
        if n and (self.item.min() < 0 or self.item.max() >= self.n_items):
            raise ValueError("item index out of range")
        if len(self.skill_indices) and (
            self.skill_indices.min() < 0 or self.skill_indices.max() >= self.n_skills
        ):
            raise ValueError("skill index out of range")

    def __len__(self) -> int:
        return len(self.user)

    @classmethod
    def from_lists(
        cls,
        *,
        user: Iterable[int],
        item: Iterable[int],
        correct: Iterable[int | bool],
        skills: Iterable[Iterable[int]],
        n_items: int | None = None,
        n_skills: int | None = None,
        difficulty: Iterable[int] | None = None,
    ) -> Responses:
        skill_lists = [sorted(set(s)) for s in skills]
        indptr = np.zeros(len(skill_lists) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(s) for s in skill_lists])
        indices = np.fromiter(
            (k for s in skill_lists for k in s), dtype=np.int64, count=int(indptr[-1])
        )
        items = np.asarray(list(item), dtype=np.int64)
        return cls(
            user=np.asarray(list(user), dtype=np.int64),
            item=items,
            correct=np.asarray(list(correct), dtype=np.int8),
            skill_indptr=indptr,
            skill_indices=indices,
            n_items=n_items if n_items is not None else int(items.max(initial=-1)) + 1,
            n_skills=(
                n_skills if n_skills is not None else int(indices.max(initial=-1)) + 1
            ),
            difficulty=(
                None
                if difficulty is None
                else np.asarray(list(difficulty), dtype=np.int8)
            ),
        )

    def take_users(self, mask_per_answer: np.ndarray) -> Responses:
        """The answers where the mask is true (whole learners keep their order)."""
        rows = np.flatnonzero(mask_per_answer)
        counts = np.diff(self.skill_indptr)[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(counts)
        starts = self.skill_indptr[rows]
        gather = np.repeat(starts - indptr[:-1], counts) + np.arange(indptr[-1])
        return replace(
            self,
            user=self.user[rows],
            item=self.item[rows],
            correct=self.correct[rows],
            skill_indptr=indptr,
            skill_indices=self.skill_indices[gather],
            difficulty=None if self.difficulty is None else self.difficulty[rows],
        )


@dataclass(frozen=True)
class FeatureSpec:
    items: bool = True
    skills: bool = True
    per_skill_counts: bool = True
    decay: float = DEFAULT_DECAY  # 0 turns the recent counts off
    difficulty: bool = False
    recent_totals: bool = True  # decayed wins and fails over all skills
    per_skill_recent: bool = True  # decayed wins and fails per skill (benchmark)


@dataclass(frozen=True)
class _Layout:
    n_items: int
    n_skills: int
    spec: FeatureSpec

    @property
    def item(self) -> int:
        return 0

    @property
    def skill(self) -> int:
        return self.item + (self.n_items if self.spec.items else 0)

    @property
    def skill_win(self) -> int:
        return self.skill + (self.n_skills if self.spec.skills else 0)

    @property
    def skill_fail(self) -> int:
        return self.skill_win + (self.n_skills if self.spec.per_skill_counts else 0)

    @property
    def shared(self) -> int:  # 2 columns: log1p wins, log1p fails (mean over skills)
        return self.skill_fail + (self.n_skills if self.spec.per_skill_counts else 0)

    @property
    def recent(self) -> int:  # 2 columns: decayed wins, fails (mean over skills)
        return self.shared + 2

    @property
    def totals(self) -> int:  # 2 columns: log1p total wins, fails
        return self.recent + (2 if self.spec.decay else 0)

    @property
    def difficulty(self) -> int:  # 2 columns: easy, hard
        return self.totals + 2

    @property
    def recent_totals(self) -> int:
        return self.difficulty + (2 if self.spec.difficulty else 0)

    @property
    def skill_recent(self) -> int:
        return self.recent_totals + (2 if self.spec.recent_totals else 0)

    @property
    def width(self) -> int:
        return self.skill_recent + (
            2 * self.n_skills if self.spec.per_skill_recent else 0
        )


def _exclusive_group_cumsum(values: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Sum of the earlier values of each run (runs begin where ``start``)."""
    cs = np.cumsum(values)
    first = np.flatnonzero(start)
    gid = np.cumsum(start) - 1
    return cs - values - (cs[first] - values[first])[gid]


def _decayed_counts(
    start: np.ndarray, correct: np.ndarray, decay: float
) -> tuple[np.ndarray, np.ndarray]:
    """Discounted earlier wins and fails within each run, before each answer."""
    wins = np.empty(len(correct))
    fails = np.empty(len(correct))
    rw = rf = 0.0
    for j, (new_run, ok) in enumerate(
        zip(start.tolist(), correct.tolist(), strict=True)
    ):
        if new_run:
            rw = rf = 0.0
        wins[j] = rw
        fails[j] = rf
        rw *= decay
        rf *= decay
        if ok:
            rw += 1.0
        else:
            rf += 1.0
    return wins, fails


def design_matrix(
    responses: Responses, spec: FeatureSpec, *, n_items: int, n_skills: int
) -> sp.csr_matrix:
    """The sparse features of every answer, from the learner's earlier answers only."""
    layout = _Layout(n_items, n_skills, spec)
    n = len(responses)
    user = responses.user
    correct = responses.correct.astype(np.float64)
    per_answer = np.diff(responses.skill_indptr)
    pr = np.repeat(np.arange(n), per_answer)  # (answer, skill) pairs
    pk = responses.skill_indices
    share = 1.0 / np.maximum(per_answer, 1)

    # Earlier wins and fails on each (learner, skill), pairs in time order.
    order = np.lexsort((pr, pk, user[pr]))
    pu, pkk, pc = user[pr][order], pk[order], correct[pr][order]
    start = np.ones(len(order), dtype=bool)
    start[1:] = (pu[1:] != pu[:-1]) | (pkk[1:] != pkk[:-1])
    wins_sorted = _exclusive_group_cumsum(pc, start)
    position = np.arange(len(order)) - np.flatnonzero(start)[np.cumsum(start) - 1]
    wins = np.empty(len(order))
    fails = np.empty(len(order))
    wins[order] = wins_sorted
    fails[order] = position - wins_sorted
    lw, lf = np.log1p(wins), np.log1p(fails)

    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    def add(r, c, v):
        rows.append(np.asarray(r))
        cols.append(np.asarray(c))
        vals.append(np.broadcast_to(np.asarray(v, dtype=np.float64), np.shape(r)))

    answers = np.arange(n)
    if spec.items:
        add(answers, layout.item + responses.item, 1.0)
    if spec.skills:
        add(pr, layout.skill + pk, share[pr])
    if spec.per_skill_counts:
        add(pr, layout.skill_win + pk, lw)
        add(pr, layout.skill_fail + pk, lf)
    add(answers, np.full(n, layout.shared), np.bincount(pr, lw, n) * share)
    add(answers, np.full(n, layout.shared + 1), np.bincount(pr, lf, n) * share)
    if spec.decay:
        rw_sorted, rf_sorted = _decayed_counts(start, pc, spec.decay)
        rw = np.empty(len(order))
        rf = np.empty(len(order))
        rw[order] = rw_sorted
        rf[order] = rf_sorted
        add(answers, np.full(n, layout.recent), np.bincount(pr, rw, n) * share)
        add(answers, np.full(n, layout.recent + 1), np.bincount(pr, rf, n) * share)
        if spec.per_skill_recent:
            add(pr, layout.skill_recent + pk, rw)
            add(pr, layout.skill_recent + n_skills + pk, rf)

    # Totals over all skills: answers are already in time order within a learner.
    ustart = np.ones(n, dtype=bool)
    ustart[1:] = user[1:] != user[:-1]
    total_wins = _exclusive_group_cumsum(correct, ustart)
    total_pos = np.arange(n) - np.flatnonzero(ustart)[np.cumsum(ustart) - 1]
    add(answers, np.full(n, layout.totals), np.log1p(total_wins))
    add(answers, np.full(n, layout.totals + 1), np.log1p(total_pos - total_wins))
    if spec.recent_totals:
        trw, trf = _decayed_counts(ustart, correct, spec.decay)
        add(answers, np.full(n, layout.recent_totals), trw)
        add(answers, np.full(n, layout.recent_totals + 1), trf)
    if spec.difficulty and responses.difficulty is not None:
        easy = np.flatnonzero(responses.difficulty == EASY)
        hard = np.flatnonzero(responses.difficulty == HARD)
        add(easy, np.full(len(easy), layout.difficulty), 1.0)
        add(hard, np.full(len(hard), layout.difficulty + 1), 1.0)

    matrix = sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, layout.width),
    ).tocsr()
    matrix.eliminate_zeros()
    return matrix


# -------------------------------------------------------------------------- model


@dataclass
class KnowledgeTracer:
    """A fitted (or loaded) logistic knowledge tracing model."""

    spec: FeatureSpec
    n_items: int
    n_skills: int
    coef: np.ndarray
    intercept: float
    guess: float = 0.2
    slip: float = 0.1

    @classmethod
    def fit(
        cls,
        responses: Responses,
        spec: FeatureSpec | None = None,
        *,
        C: float = 1.0,
        max_iter: int = 200,
    ) -> KnowledgeTracer:
        spec = spec or FeatureSpec()
        if responses.difficulty is None and spec.difficulty:
            spec = replace(spec, difficulty=False)
        X = design_matrix(
            responses, spec, n_items=responses.n_items, n_skills=responses.n_skills
        )
        y = responses.correct
        if len(np.unique(y)) < 2:
            raise ValueError("need both correct and wrong answers to fit")
        # Newton-CG converges in about ten iterations here; L-BFGS needed
        # hundreds for the same AUC.
        model = LogisticRegression(C=C, solver="newton-cg", max_iter=max_iter, tol=1e-4)
        # One thread: OpenMP threads spin-waiting on a loaded machine made the
        # fit ten times slower, and the problem is small.
        with threadpool_limits(limits=1):
            model.fit(X, y)
        return cls(
            spec=spec,
            n_items=responses.n_items,
            n_skills=responses.n_skills,
            coef=model.coef_[0].astype(np.float64),
            intercept=float(model.intercept_[0]),
        )

    @property
    def _layout(self) -> _Layout:
        return _Layout(self.n_items, self.n_skills, self.spec)

    def predict_proba(self, responses: Responses) -> np.ndarray:
        """P(correct) of each answer given the learner's earlier answers."""
        if responses.n_skills > self.n_skills or (
            self.spec.items and responses.n_items > self.n_items
        ):
            raise ValueError("responses use skills or items the model does not know")
        X = design_matrix(
            responses, self.spec, n_items=self.n_items, n_skills=self.n_skills
        )
        return _sigmoid(X @ self.coef + self.intercept)

    def auc(self, responses: Responses) -> float:
        return float(roc_auc_score(responses.correct, self.predict_proba(responses)))

    def _slice(self, start: int, length: int) -> np.ndarray:
        return self.coef[start : start + length]

    def to_params(
        self,
        *,
        skill_keys: Mapping[int, str] | None = None,
        skill_items: sp.csr_matrix | None = None,
    ) -> dict:
        """The portable parameters ``mastery_probability`` reads (small JSON).

        Item one-hots do not travel: the median item's effect (among the items
        of each skill when ``skill_items``, an item × skill matrix, is given) is
        folded into the skill biases and the default bias. Per-skill entries are
        written only for the skills named in ``skill_keys`` (index → key)."""
        if self.spec.per_skill_recent and skill_keys:
            raise ValueError("per-skill recent weights do not travel; fit without them")
        layout = self._layout
        skill_coef = (
            self._slice(layout.skill, self.n_skills)
            if self.spec.skills
            else np.zeros(self.n_skills)
        )
        item_coef = self._slice(layout.item, self.n_items) if self.spec.items else None
        win = (
            self._slice(layout.skill_win, self.n_skills)
            if self.spec.per_skill_counts
            else np.zeros(self.n_skills)
        )
        fail = (
            self._slice(layout.skill_fail, self.n_skills)
            if self.spec.per_skill_counts
            else np.zeros(self.n_skills)
        )
        item_offset = np.zeros(self.n_skills)
        default_bias = 0.0
        if item_coef is not None:
            if skill_items is not None:
                matrix = skill_items.tocsc()
                for k in range(min(self.n_skills, matrix.shape[1])):
                    items_of_k = matrix.indices[matrix.indptr[k] : matrix.indptr[k + 1]]
                    if len(items_of_k):
                        item_offset[k] = float(np.median(item_coef[items_of_k]))
                typical = skill_coef + item_offset
                seen = np.diff(matrix.indptr)[: self.n_skills] > 0
                default_bias = float(np.median(typical[seen])) if seen.any() else 0.0
            else:
                default_bias = float(np.median(item_coef))
        skills = {}
        for index, key in (skill_keys or {}).items():
            skills[str(key)] = [
                round(float(skill_coef[index] + item_offset[index]), 6),
                round(float(win[index]), 6),
                round(float(fail[index]), 6),
            ]
        shared = self._slice(layout.shared, 2)
        recent = self._slice(layout.recent, 2) if self.spec.decay else np.zeros(2)
        totals = self._slice(layout.totals, 2)
        difficulty = (
            self._slice(layout.difficulty, 2) if self.spec.difficulty else np.zeros(2)
        )
        recent_totals = (
            self._slice(layout.recent_totals, 2)
            if self.spec.recent_totals
            else np.zeros(2)
        )
        return {
            "version": PARAMS_VERSION,
            "intercept": round(self.intercept, 6),
            "default_skill_bias": round(default_bias, 6),
            "shared_counts": [round(float(x), 6) for x in shared],
            "recent_counts": [round(float(x), 6) for x in recent],
            "decay": self.spec.decay,
            "totals": [round(float(x), 6) for x in totals],
            "recent_totals": [round(float(x), 6) for x in recent_totals],
            "difficulty": {
                "easy": round(float(difficulty[0]), 6),
                "hard": round(float(difficulty[1]), 6),
            },
            "guess": round(self.guess, 6),
            "slip": round(self.slip, 6),
            "skills": skills,
        }

    @classmethod
    def from_params(
        cls, params: Mapping, *, skill_index: Mapping[str, int], n_items: int = 0
    ) -> KnowledgeTracer:
        """A model that predicts with portable parameters: ``skill_index`` maps
        the skill keys to the indices the responses use (unknown skills get the
        default bias and no per-skill count weights)."""
        validate_params(params)
        n_skills = max(skill_index.values(), default=-1) + 1
        spec = FeatureSpec(
            items=False,
            skills=True,
            per_skill_counts=True,
            decay=float(params["decay"]),
            difficulty=True,
            recent_totals=True,
            per_skill_recent=False,
        )
        layout = _Layout(n_items, n_skills, spec)
        coef = np.zeros(layout.width)
        coef[layout.skill : layout.skill + n_skills] = params["default_skill_bias"]
        for key, index in skill_index.items():
            entry = params["skills"].get(str(key))
            if entry is not None:
                coef[layout.skill + index] = entry[0]
                coef[layout.skill_win + index] = entry[1]
                coef[layout.skill_fail + index] = entry[2]
        coef[layout.shared : layout.shared + 2] = params["shared_counts"]
        if spec.decay:
            coef[layout.recent : layout.recent + 2] = params["recent_counts"]
        coef[layout.totals : layout.totals + 2] = params["totals"]
        coef[layout.recent_totals : layout.recent_totals + 2] = params["recent_totals"]
        coef[layout.difficulty] = params["difficulty"]["easy"]
        coef[layout.difficulty + 1] = params["difficulty"]["hard"]
        return cls(
            spec=spec,
            n_items=n_items,
            n_skills=n_skills,
            coef=coef,
            intercept=float(params["intercept"]),
            guess=float(params["guess"]),
            slip=float(params["slip"]),
        )


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


_PARAM_KEYS = {
    "version",
    "intercept",
    "default_skill_bias",
    "shared_counts",
    "recent_counts",
    "decay",
    "totals",
    "recent_totals",
    "difficulty",
    "guess",
    "slip",
    "skills",
}


def validate_params(params: Mapping) -> None:
    """Raise ValueError unless ``params`` is a complete, finite parameter set."""
    missing = _PARAM_KEYS - set(params)
    if missing:
        raise ValueError(f"mastery parameters lack {sorted(missing)}")
    if params["version"] != PARAMS_VERSION:
        raise ValueError(f"unsupported mastery parameters version {params['version']}")
    numbers = [
        params["intercept"],
        params["default_skill_bias"],
        params["decay"],
        params["guess"],
        params["slip"],
        params["difficulty"]["easy"],
        params["difficulty"]["hard"],
        *params["shared_counts"],
        *params["recent_counts"],
        *params["totals"],
        *params["recent_totals"],
    ]
    for entry in params["skills"].values():
        if len(entry) != 3:
            raise ValueError("each skill entry holds bias, win and fail weights")
        numbers.extend(entry)
    if not all(isinstance(x, int | float) and math.isfinite(x) for x in numbers):
        raise ValueError("mastery parameters must be finite numbers")
    if len(params["shared_counts"]) != 2 or len(params["recent_counts"]) != 2:
        raise ValueError("count weights come in pairs (wins, fails)")
    if len(params["totals"]) != 2 or len(params["recent_totals"]) != 2:
        raise ValueError("total weights come in pairs (wins, fails)")
    if not 0 < params["decay"] < 1:
        raise ValueError("decay must be in (0, 1)")
    if not (0 <= params["guess"] and 0 <= params["slip"]) or (
        params["guess"] + params["slip"] >= 1
    ):
        raise ValueError("guess and slip must be non-negative and sum below 1")


# ------------------------------------------------------------------ online update


@dataclass
class SkillState:
    """What the model knows of one learner on one skill."""

    wins: float = 0.0  # correct answers plus weighted forum evidence
    fails: float = 0.0
    recent_wins: float = 0.0
    recent_fails: float = 0.0
    attempts: int = 0  # answers only (evidence does not fade the seed)
    prior: float = 0.0  # seed, log-odds


@dataclass
class Mastery:
    params: Mapping
    fade: float = 5.0  # answers after which the seed weighs half
    _skills: Mapping = field(init=False, repr=False)

    def __post_init__(self) -> None:
        validate_params(self.params)
        self._skills = self.params["skills"]

    def p_correct(self, state: SkillState, skill_key: str | int | None = None) -> float:
        """P(correct) on a medium item of the skill, from the learner's record on it."""
        p = self.params
        entry = self._skills.get(str(skill_key)) if skill_key is not None else None
        bias, win, fail = (
            entry if entry is not None else (p["default_skill_bias"], 0, 0)
        )
        lw = math.log1p(state.wins)
        lf = math.log1p(state.fails)
        shared_w, shared_f = p["shared_counts"]
        total_w, total_f = p["totals"]
        recent_w, recent_f = p["recent_counts"]
        recent_tw, recent_tf = p["recent_totals"]
        logit = (
            p["intercept"]
            + bias
            + (win + shared_w + total_w) * lw
            + (fail + shared_f + total_f) * lf
            + (recent_w + recent_tw) * state.recent_wins
            + (recent_f + recent_tf) * state.recent_fails
        )
        if state.prior:
            logit += state.prior * seed_weight(state.attempts, self.fade)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, logit))))

    def probability(
        self, state: SkillState, skill_key: str | int | None = None
    ) -> float:
        """Mastery: the BKT observation model inverted on ``p_correct``."""
        guess, slip = self.params["guess"], self.params["slip"]
        m = (self.p_correct(state, skill_key) - guess) / (1.0 - slip - guess)
        return min(1.0, max(0.0, m))

    def update(self, state: SkillState, correct: bool) -> SkillState:
        """The state after one more answer on the skill."""
        decay = self.params["decay"]
        return SkillState(
            wins=state.wins + (1.0 if correct else 0.0),
            fails=state.fails + (0.0 if correct else 1.0),
            recent_wins=state.recent_wins * decay + (1.0 if correct else 0.0),
            recent_fails=state.recent_fails * decay + (0.0 if correct else 1.0),
            attempts=state.attempts + 1,
            prior=state.prior,
        )

    def add_evidence(self, state: SkillState, weight: float) -> SkillState:
        """Forum evidence counts as ``weight`` correct answers in the counts (not
        in the recent ones, so that voiding it takes back exactly what it gave;
        it does not fade the seed either)."""
        return replace(state, wins=state.wins + weight)

    def answer(
        self,
        states: Mapping[str | int, SkillState],
        *,
        skills: Iterable[str | int],
        correct: bool,
    ) -> dict[str | int, tuple[SkillState, float]]:
        """One answer on ``skills``: each skill's new state and mastery probability."""
        out = {}
        for key in skills:
            new = self.update(states.get(key) or SkillState(), correct)
            out[key] = (new, self.probability(new, key))
        return out

    def prior_for_probability(self, target: float, skill_key=None) -> float:
        """The seed (log-odds) that puts a learner with no answers at mastery
        ``target`` (used for self-assessment and placement)."""
        guess, slip = self.params["guess"], self.params["slip"]
        target = min(0.995, max(0.005, target))
        p = guess + target * (1.0 - slip - guess)
        base = self.p_correct(SkillState(), skill_key)
        return math.log(p / (1 - p)) - math.log(base / (1 - base))


def seed_weight(attempts: int, fade: float) -> float:
    """How much of the seed is left after ``attempts`` answers on the skill."""
    if fade <= 0:
        return 0.0
    return fade / (fade + attempts)


# ------------------------------------------------------------ benchmark helpers


def time_updates(mastery: Mastery, *, runs: int = 2000, skills=(1, 2)) -> float:
    """Median milliseconds of one online update (an answer on ``skills``)."""
    states = {
        k: SkillState(wins=3, fails=2, recent_wins=1.2, attempts=5) for k in skills
    }
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        result = mastery.answer(states, skills=skills, correct=bool(i % 3))
        samples.append(time.perf_counter() - start)
        states = {k: s for k, (s, _) in result.items()}
    return float(np.median(samples) * 1000)


# ------------------------------------------------------------ portable fits

PORTABLE_SPEC = FeatureSpec(
    items=True,
    skills=True,
    per_skill_counts=False,
    per_skill_recent=False,
    recent_totals=True,
)


def fit_portable_params(
    train: Responses, *, q_matrix: sp.csr_matrix | None = None, C: float = 1.0
) -> dict:
    """Parameters that carry to another platform: fitted with item and skill
    one-hots (so the count weights are not confounded with item difficulty) and
    count weights shared by all skills, then exported without the one-hots (the
    median item's effect becomes the default skill bias). Guess and slip are
    the observation-weighted medians of a per-skill BKT fit."""
    from .bkt import BKT

    tracer = KnowledgeTracer.fit(train, PORTABLE_SPEC, C=C)
    tracer.guess, tracer.slip = BKT.fit(train).typical_guess_slip()
    return tracer.to_params(skill_items=q_matrix)


# ------------------------------------------------------------------ data files


def load_responses_tsv(path, *, q_matrix: sp.csr_matrix | None) -> Responses:
    """Read one split in Gervet et al.'s TSV format (header ``user_id item_id
    timestamp correct skill_id``; rows in time order within each user).

    Skills come from the item × skill ``q_matrix`` when given, else from the
    ``skill_id`` column. Consecutive rows of one learner on one item with
    different ``skill_id`` are one answer listed once per skill; with the same
    ``skill_id`` they are repeated answers."""
    data = np.loadtxt(path, delimiter="\t", skiprows=1, dtype=np.int64, ndmin=2)
    if data.shape[1] < 5:
        raise ValueError(f"{path}: expected 5 tab-separated columns")
    user, item, _, correct, skill = data.T[:5]
    if len(user) == 0:
        raise ValueError(f"{path}: no answers")
    same_answer = np.zeros(len(user), dtype=bool)
    same_answer[1:] = (
        (user[1:] == user[:-1]) & (item[1:] == item[:-1]) & (skill[1:] != skill[:-1])
    )
    # A run of rows of one answer keeps a single row for user/item/correct.
    first = ~same_answer
    answer_of_row = np.cumsum(first) - 1
    n_answers = int(first.sum())
    if q_matrix is not None:
        q = q_matrix.tocsr()
        if item.max() >= q.shape[0]:
            raise ValueError(f"{path}: item ids beyond the q-matrix")
        items = item[first]
        indptr = np.zeros(n_answers + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(np.diff(q.indptr)[items])
        gather = np.repeat(q.indptr[items] - indptr[:-1], np.diff(indptr)) + np.arange(
            indptr[-1]
        )
        indices = q.indices[gather].astype(np.int64)
        n_skills = q.shape[1]
        n_items = q.shape[0]
    else:
        pairs = np.unique(np.stack([answer_of_row, skill]), axis=1)
        indptr = np.zeros(n_answers + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(np.bincount(pairs[0], minlength=n_answers))
        indices = pairs[1]
        n_skills = int(skill.max()) + 1
        n_items = int(item.max()) + 1
    # Keep each learner's rows together (stable: time order is kept).
    responses = Responses(
        user=user[first],
        item=item[first],
        correct=correct[first].astype(np.int8),
        skill_indptr=indptr,
        skill_indices=indices,
        n_items=n_items,
        n_skills=n_skills,
    )
    return _group_users(responses)


def _group_users(responses: Responses) -> Responses:
    order = np.argsort(responses.user, kind="stable")
    if np.all(order[1:] > order[:-1]):
        return responses
    mask_order = order
    counts = np.diff(responses.skill_indptr)[mask_order]
    indptr = np.zeros(len(order) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(counts)
    gather = np.repeat(
        responses.skill_indptr[mask_order] - indptr[:-1], counts
    ) + np.arange(indptr[-1])
    return replace(
        responses,
        user=responses.user[order],
        item=responses.item[order],
        correct=responses.correct[order],
        skill_indptr=indptr,
        skill_indices=responses.skill_indices[gather],
        difficulty=None
        if responses.difficulty is None
        else responses.difficulty[order],
    )


def load_kt_folder(folder) -> tuple[Responses, Responses, sp.csr_matrix | None]:
    """Train and test splits of a folder holding ``preprocessed_data_train.csv``,
    ``preprocessed_data_test.csv`` and optionally ``q_mat.npz``. The two splits
    share the item and skill index spaces (the larger of the two)."""
    from pathlib import Path

    folder = Path(folder)
    q_path = folder / "q_mat.npz"
    q_matrix = sp.load_npz(q_path).tocsr() if q_path.exists() else None
    train = load_responses_tsv(
        folder / "preprocessed_data_train.csv", q_matrix=q_matrix
    )
    test = load_responses_tsv(folder / "preprocessed_data_test.csv", q_matrix=q_matrix)
    n_items = max(train.n_items, test.n_items)
    n_skills = max(train.n_skills, test.n_skills)
    train = replace(train, n_items=n_items, n_skills=n_skills)
    test = replace(test, n_items=n_items, n_skills=n_skills)
    return train, test, q_matrix
