"""Plain Bayesian Knowledge Tracing (Corbett & Anderson, 1995): the baseline the
mastery model is compared with, and the source of the guess and slip rates that
turn the logistic model's predictions into mastery probabilities.

Four parameters per skill (initial knowledge, learning rate, guess, slip; no
forgetting), fitted by maximum likelihood over a grid (guess at most 0.3, slip at
most 0.1): one forward pass runs all (learner, skill) sequences and all grid
points at once, so the fit is a few NumPy calls per time step. An answer on
several skills is one observation in each skill's sequence; its prediction is
the mean over its skills.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .mastery import Responses

INIT_GRID = (0.05, 0.2, 0.4, 0.6, 0.8)
LEARN_GRID = (0.02, 0.05, 0.1, 0.2, 0.35)
# Guess at most 0.3 and slip at most 0.1, the bounds of Corbett & Anderson:
# without them the fit drifts to models where "knowing" explains little.
GUESS_GRID = (0.05, 0.1, 0.2, 0.3)
SLIP_GRID = (0.02, 0.05, 0.1)


@dataclass(frozen=True)
class _Sequences:
    """(learner, skill) sequences laid out time-major: step t holds the t-th
    observation of the ``active[t]`` longest sequences, longest first."""

    skill: np.ndarray  # per sequence
    steps: list[slice]  # per time step, a slice of the flat arrays
    correct: np.ndarray  # flat, time-major
    pair_answer: np.ndarray  # flat: which answer each observation belongs to


def _sequences(responses: Responses) -> _Sequences:
    n = len(responses)
    per_answer = np.diff(responses.skill_indptr)
    pr = np.repeat(np.arange(n), per_answer)
    pk = responses.skill_indices
    pu = responses.user[pr]
    order = np.lexsort((pr, pk, pu))
    pr, pk, pu = pr[order], pk[order], pu[order]
    start = np.ones(len(order), dtype=bool)
    start[1:] = (pu[1:] != pu[:-1]) | (pk[1:] != pk[:-1])
    seq = np.cumsum(start) - 1
    position = np.arange(len(order)) - np.flatnonzero(start)[seq]
    lengths = np.bincount(seq)
    rank_of_seq = np.empty(len(lengths), dtype=np.int64)
    rank_of_seq[np.argsort(-lengths, kind="stable")] = np.arange(len(lengths))
    rank = rank_of_seq[seq]
    flat = np.lexsort((rank, position))  # time-major, longest sequences first
    step_sizes = np.bincount(position)
    bounds = np.concatenate([[0], np.cumsum(step_sizes)])
    seq_skill = np.empty(len(lengths), dtype=np.int64)
    seq_skill[rank] = pk
    return _Sequences(
        skill=seq_skill,
        steps=[slice(bounds[t], bounds[t + 1]) for t in range(len(step_sizes))],
        correct=responses.correct[pr][flat].astype(bool),
        pair_answer=pr[flat],
    )


def _forward(seqs: _Sequences, init, learn, guess, slip, *, predictions: bool):
    """Run BKT over every sequence. Parameters are arrays of shape (n_seq, G).
    Returns the log-likelihood per (sequence, G) and, if asked, P(correct) of
    each observation (G must be 1)."""
    known = init.copy()
    loglik = np.zeros_like(init)
    preds = np.empty(len(seqs.correct)) if predictions else None
    for step in seqs.steps:
        active = step.stop - step.start
        k = known[:active]
        g, s = guess[:active], slip[:active]
        p_correct = k * (1.0 - s) + (1.0 - k) * g
        ok = seqs.correct[step][:, None]
        if preds is not None:
            preds[step] = p_correct[:, 0]
        p_obs = np.where(ok, p_correct, 1.0 - p_correct)
        loglik[:active] += np.log(np.maximum(p_obs, 1e-12))
        posterior = np.where(ok, k * (1.0 - s), k * s) / np.maximum(p_obs, 1e-12)
        known[:active] = posterior + (1.0 - posterior) * learn[:active]
    return loglik, preds


@dataclass
class BKT:
    """Per-skill BKT parameters: arrays indexed by skill, ``default`` for skills
    never seen in training."""

    init: np.ndarray
    learn: np.ndarray
    guess: np.ndarray
    slip: np.ndarray
    weight: np.ndarray  # observations per skill in training
    base_rate: float

    @classmethod
    def fit(cls, responses: Responses) -> BKT:
        seqs = _sequences(responses)
        grid = np.array(
            list(itertools.product(INIT_GRID, LEARN_GRID, GUESS_GRID, SLIP_GRID))
        )
        n_seq = len(seqs.skill)
        shape = (n_seq, len(grid))
        loglik, _ = _forward(
            seqs,
            np.broadcast_to(grid[:, 0], shape).copy(),
            np.broadcast_to(grid[:, 1], shape),
            np.broadcast_to(grid[:, 2], shape),
            np.broadcast_to(grid[:, 3], shape),
            predictions=False,
        )
        per_skill = np.zeros((responses.n_skills, len(grid)))
        np.add.at(per_skill, seqs.skill, loglik)
        weight = np.bincount(
            responses.skill_indices, minlength=responses.n_skills
        ).astype(float)
        best = grid[np.argmax(per_skill, axis=1)]
        seen = weight > 0
        if seen.any():
            # Skills never seen take the observation-weighted median of the others.
            default = np.array(
                [_weighted_median(best[seen, j], weight[seen]) for j in range(4)]
            )
            best[~seen] = default
        return cls(
            init=best[:, 0],
            learn=best[:, 1],
            guess=best[:, 2],
            slip=best[:, 3],
            weight=weight,
            base_rate=float(responses.correct.mean()),
        )

    def predict_proba(self, responses: Responses) -> np.ndarray:
        """P(correct) of each answer from the learner's earlier answers."""
        seqs = _sequences(responses)
        k = seqs.skill
        column = (slice(None), None)
        _, preds = _forward(
            seqs,
            self.init[k][column].copy(),
            self.learn[k][column],
            self.guess[k][column],
            self.slip[k][column],
            predictions=True,
        )
        n = len(responses)
        sums = np.bincount(seqs.pair_answer, preds, minlength=n)
        counts = np.bincount(seqs.pair_answer, minlength=n)
        out = np.full(n, self.base_rate)
        has = counts > 0
        out[has] = sums[has] / counts[has]
        return out

    def typical_guess_slip(self) -> tuple[float, float]:
        """Observation-weighted medians of guess and slip over the skills."""
        seen = self.weight > 0
        if not seen.any():
            return float(GUESS_GRID[1]), float(SLIP_GRID[1])
        return (
            _weighted_median(self.guess[seen], self.weight[seen]),
            _weighted_median(self.slip[seen], self.weight[seen]),
        )


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
