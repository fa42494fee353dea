"""Churn risk: features from a member's activity timeline (recency, frequency in
windows, trend, active days, streak, learning vs social share, tenure, results,
overdue work) → a logistic regression whose probability is calibrated, with the
factors that raise each member's risk most.

Validated on OULAD (predicting withdrawal from a course presentation, see
`benchmarks/churn_auc.py` and docs/RECOMMENDER.md). No Django here: the site
builds `Timeline`s from the activity log and stores what `ChurnModel` returns.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import StratifiedKFold

from paths.engine.threads import one_blas_thread

LEARNING, SOCIAL = "learning", "social"

FEATURES: tuple[str, ...] = (
    "days_since_last",
    "events_recent",
    "events_window",
    "trend",
    "active_days_window",
    "streak_days",
    "learning_share",
    "social_share",
    "tenure_days",
    "mean_score",
    "overdue",
)
# English labels; the site translates them (the engine has no gettext).
FEATURE_LABELS: dict[str, str] = {
    "days_since_last": "Days since the last activity",
    "events_recent": "Activities in the last week",
    "events_window": "Activities in the last four weeks",
    "trend": "Activity trend (last two weeks against the two before)",
    "active_days_window": "Active days in the last four weeks",
    "streak_days": "Current streak of active days",
    "learning_share": "Share of activity that is learning",
    "social_share": "Share of activity that is social",
    "tenure_days": "Days since joining",
    "mean_score": "Average result",
    "overdue": "Work due and not done",
}
# The direction each feature may push the risk (+1 up, −1 down, 0 either way).
# Fitting within these signs keeps every explanation sensible ("more activity
# raised your risk" cannot happen) when features are correlated.
FEATURE_SIGNS: dict[str, int] = {
    "days_since_last": 1,
    "events_recent": -1,
    "events_window": -1,
    "trend": -1,
    "active_days_window": -1,
    "streak_days": -1,
    "learning_share": 0,
    "social_share": 0,
    "tenure_days": 0,
    "mean_score": -1,
    "overdue": 1,
}
# Counts and durations enter the model as log(1 + x): a week of silence matters
# more at day 3 than at day 60.
_LOGGED = frozenset(
    {
        "days_since_last",
        "events_recent",
        "events_window",
        "active_days_window",
        "streak_days",
        "tenure_days",
        "overdue",
    }
)


@dataclass(frozen=True)
class Timeline:
    """One member's activity: event times in days (any origin, same as `now`),
    their kinds ("learning", "social", anything else), optional results 0..1
    (NaN where an event has none), when they joined, and how many items that
    were due by now they have not done."""

    days: Sequence[float]
    kinds: Sequence[str] = ()
    scores: Sequence[float] | None = None
    joined: float | None = None
    overdue: int = 0


@dataclass(frozen=True)
class ChurnWindows:
    recent_days: float = 7.0
    window_days: float = 28.0
    trend_days: float = 14.0  # last trend_days against the trend_days before
    recency_cap_days: float = 120.0  # "never" and "long ago" look the same


def churn_features(
    timeline: Timeline, *, now: float, windows: ChurnWindows | None = None
) -> np.ndarray:
    """The FEATURES of one member at time `now`; events after `now` are ignored
    (so a model is never fed the future). mean_score is NaN with no results."""
    w = windows or ChurnWindows()
    days = np.asarray(timeline.days, dtype=np.float64)
    kinds = np.asarray(timeline.kinds if len(timeline.kinds) else [""] * len(days))
    scores = (
        np.asarray(timeline.scores, dtype=np.float64)
        if timeline.scores is not None
        else np.full(len(days), np.nan)
    )
    past = days <= now
    days, kinds, scores = days[past], kinds[past], scores[past]
    age = now - days
    joined = timeline.joined if timeline.joined is not None else None
    if len(days):
        since_last = float(age.min())
    elif joined is not None:
        since_last = max(now - joined, 0.0)
    else:
        since_last = w.recency_cap_days
    recent = int((age < w.recent_days).sum())
    in_window = age < w.window_days
    last = int((age < w.trend_days).sum())
    before = int(((age >= w.trend_days) & (age < 2 * w.trend_days)).sum())
    active = np.unique(np.floor(days[in_window]))
    n = len(days)
    results = scores[~np.isnan(scores)]
    return np.asarray(
        [
            min(since_last, w.recency_cap_days),
            recent,
            int(in_window.sum()),
            np.log((last + 1) / (before + 1)),
            len(active),
            _streak(np.floor(days), today=np.floor(now)),
            float((kinds == LEARNING).sum() / n) if n else 0.0,
            float((kinds == SOCIAL).sum() / n) if n else 0.0,
            max(now - joined, 0.0) if joined is not None else float(w.window_days),
            float(results.mean()) if len(results) else np.nan,
            timeline.overdue,
        ],
        dtype=np.float64,
    )


def churn_feature_matrix(
    timelines: Sequence[Timeline],
    *,
    now: float | Sequence[float],
    windows: ChurnWindows | None = None,
) -> np.ndarray:
    nows = np.broadcast_to(np.asarray(now, dtype=np.float64), (len(timelines),))
    rows = [
        churn_features(t, now=float(at), windows=windows)
        for t, at in zip(timelines, nows, strict=True)
    ]
    return np.asarray(rows).reshape(len(timelines), len(FEATURES))


def _streak(active_days: np.ndarray, *, today: float) -> int:
    """Consecutive active days ending today or yesterday."""
    days = set(active_days.tolist())
    start = today if today in days else today - 1
    streak = 0
    while start - streak in days:
        streak += 1
    return streak


@dataclass(frozen=True)
class Factor:
    feature: str
    label: str
    value: float  # the member's raw feature value
    contribution: float  # coefficient × standardised value; > 0 raises the risk


@dataclass(frozen=True)
class ChurnModel:
    features: tuple[str, ...]
    fill: np.ndarray  # per feature, what a missing value becomes (training mean)
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    # Isotonic map from the logistic probability to the calibrated one (empty:
    # the logistic probability is used as it is).
    calibration_x: np.ndarray = field(default_factory=lambda: np.zeros(0))
    calibration_y: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def standardised(self, x: np.ndarray) -> np.ndarray:
        return (
            _transform(_filled(x, self.fill), self.features) - self.mean
        ) / self.scale

    def raw_probability(self, x: np.ndarray) -> np.ndarray:
        return expit(np.atleast_2d(self.standardised(x)) @ self.coef + self.intercept)

    def risk(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability of churn for each row of FEATURES."""
        p = self.raw_probability(x)
        if len(self.calibration_x):
            p = np.interp(p, self.calibration_x, self.calibration_y)
        return p

    def factors(self, x: np.ndarray, *, top: int = 3) -> list[Factor]:
        """The features pushing this member's risk up most, largest first."""
        row = np.asarray(x, dtype=np.float64).reshape(-1)
        contribution = self.standardised(row.reshape(1, -1))[0] * self.coef
        order = np.argsort(-contribution, kind="stable")
        return [
            Factor(
                feature=self.features[i],
                label=FEATURE_LABELS.get(self.features[i], self.features[i]),
                value=float(row[i]),
                contribution=round(float(contribution[i]), 4),
            )
            for i in order[:top]
            if contribution[i] > 1e-6  # rounding noise is not a reason
        ]

    def save(self, path: str | Path) -> None:
        with open(path, "wb") as handle:
            np.savez(
                handle,
                features=np.asarray(self.features, dtype=str),
                fill=self.fill,
                mean=self.mean,
                scale=self.scale,
                coef=self.coef,
                intercept=np.asarray(self.intercept),
                calibration_x=self.calibration_x,
                calibration_y=self.calibration_y,
            )

    @classmethod
    def load(cls, path: str | Path) -> "ChurnModel":
        with np.load(path, allow_pickle=False) as data:
            return cls(
                features=tuple(str(f) for f in data["features"]),
                fill=data["fill"],
                mean=data["mean"],
                scale=data["scale"],
                coef=data["coef"],
                intercept=float(data["intercept"]),
                calibration_x=data["calibration_x"],
                calibration_y=data["calibration_y"],
            )

    def describe(self) -> str:
        """Coefficients per feature, for docs and the operators' screen."""
        return json.dumps(
            {
                f: round(float(c), 4)
                for f, c in zip(self.features, self.coef, strict=True)
            }
        )


@one_blas_thread
def fit_churn(
    x: np.ndarray,
    y: np.ndarray,
    *,
    features: Sequence[str] = FEATURES,
    c: float = 1.0,
    calibrate: bool = False,
    seed: int = 0,
) -> ChurnModel:
    """Logistic regression on standardised, log-scaled features. With
    `calibrate`, an isotonic map is fitted on 5-fold out-of-fold probabilities
    (the logistic model is refitted on everything)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y).astype(int)
    if x.ndim != 2 or x.shape[1] != len(features) or len(x) != len(y):
        raise ValueError("x needs one row per label and one column per feature")
    if len(np.unique(y)) != 2:
        raise ValueError("y needs both churned (1) and retained (0) members")
    known = ~np.isnan(x)
    fill = np.where(known, x, 0.0).sum(axis=0) / np.maximum(known.sum(axis=0), 1)
    design = _transform(_filled(x, fill), tuple(features))
    mean = design.mean(axis=0)
    scale = design.std(axis=0)
    scale[scale < 1e-9] = 1.0  # constant in training: contributes nothing
    z = (design - mean) / scale
    signs = np.asarray([FEATURE_SIGNS.get(f, 0) for f in features])
    coef, intercept = _logistic(z, y, c=c, signs=signs)
    calibration_x = calibration_y = np.zeros(0)
    if calibrate:
        calibration_x, calibration_y = _isotonic_map(z, y, c=c, signs=signs, seed=seed)
    return ChurnModel(
        features=tuple(features),
        fill=fill,
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
        calibration_x=calibration_x,
        calibration_y=calibration_y,
    )


def _logistic(
    z: np.ndarray, y: np.ndarray, *, c: float, signs: np.ndarray
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression (scikit-learn's objective: C · log loss
    summed + ½‖w‖²) with each coefficient's sign bounded by `signs`."""
    n, d = z.shape
    target = 2.0 * y - 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        margin = target * (z @ w + b)
        value = c * np.logaddexp(0.0, -margin).sum() + 0.5 * w @ w
        slope = -c * target * expit(-margin)
        return value, np.concatenate([z.T @ slope + w, [slope.sum()]])

    bounds = [
        (0, None) if s > 0 else (None, 0) if s < 0 else (None, None) for s in signs
    ]
    start = np.zeros(d + 1)
    result = minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)]
    )
    return result.x[:d].copy(), float(result.x[d])


def _isotonic_map(
    z: np.ndarray, y: np.ndarray, *, c: float, signs: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    out_of_fold = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    for train, test in folds.split(z, y):
        w, b = _logistic(z[train], y[train], c=c, signs=signs)
        out_of_fold[test] = expit(z[test] @ w + b)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(out_of_fold, y)
    return iso.X_thresholds_.copy(), iso.y_thresholds_.copy()


def _filled(x: np.ndarray, fill: np.ndarray) -> np.ndarray:
    x = np.array(x, dtype=np.float64, ndmin=2)
    return np.where(np.isnan(x), fill[None, :], x)


def _transform(x: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    out = x.copy()
    for j, name in enumerate(features):
        if name in _LOGGED:
            out[:, j] = np.log1p(np.maximum(out[:, j], 0.0))
    return out


def brier_score(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p) - np.asarray(y)) ** 2))


def calibration_error(y: np.ndarray, p: np.ndarray, *, bins: int = 10) -> float:
    """Expected calibration error: |mean predicted − observed rate| per decile of
    predictions, weighted by the decile's size."""
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    edges = np.quantile(p, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            error += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return float(error)
