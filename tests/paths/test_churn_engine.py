"""Churn-risk engine on small arrays: timeline features, fitted signs, the
factors shown to operators, calibration and persistence."""

import numpy as np
import pytest

from paths.engine.churn import (
    FEATURES,
    LEARNING,
    SOCIAL,
    Timeline,
    brier_score,
    calibration_error,
    churn_feature_matrix,
    churn_features,
    fit_churn,
)
from paths.engine.churn import ChurnModel as Model


def feature(values: np.ndarray, name: str) -> float:
    return float(values[FEATURES.index(name)])


def test_features_from_a_timeline_match_hand_counts():
    timeline = Timeline(
        days=[1.0, 20.0, 40.5, 41.2, 44.0, 45.0, 50.0],
        kinds=[LEARNING, LEARNING, SOCIAL, LEARNING, LEARNING, SOCIAL, LEARNING],
        scores=[0.5, np.nan, np.nan, 0.9, np.nan, np.nan, 0.7],
        joined=0.0,
        overdue=2,
    )
    x = churn_features(timeline, now=45.5)  # the event on day 50 is the future
    assert feature(x, "days_since_last") == 0.5
    assert feature(x, "events_recent") == 4  # days 40.5, 41.2, 44, 45
    assert feature(x, "events_window") == 5  # also day 20
    # last 14 days: 40.5 … 45 (4 events); the 14 before (17.5–31.5]: day 20 (1)
    assert feature(x, "trend") == pytest.approx(np.log(5 / 2))
    assert feature(x, "active_days_window") == 5  # days 20, 40, 41, 44, 45
    assert feature(x, "streak_days") == 2  # 44 and 45
    assert feature(x, "learning_share") == pytest.approx(4 / 6)
    assert feature(x, "social_share") == pytest.approx(2 / 6)
    assert feature(x, "tenure_days") == 45.5
    assert feature(x, "mean_score") == pytest.approx(0.7)  # 0.5 and 0.9
    assert feature(x, "overdue") == 2


def test_a_member_without_activity_counts_recency_from_joining():
    x = churn_features(Timeline(days=[], joined=10.0), now=40.0)
    assert feature(x, "days_since_last") == 30.0
    assert feature(x, "events_window") == 0
    assert np.isnan(feature(x, "mean_score"))


def synthetic_members(n: int = 600, seed: int = 0):
    """Each member's activity stops some days before day 60; the longer the
    silence, the likelier they left (a noisy logistic link). How much they did
    before going quiet does not depend on it."""
    rng = np.random.default_rng(seed)
    timelines, labels = [], []
    for _ in range(n):
        quiet = rng.uniform(0, 50)
        churned = rng.random() < 1 / (1 + np.exp(-(quiet - 20) / 4))
        count = rng.poisson(8) + 1
        days = 60 - quiet - rng.uniform(0, 40, size=count)
        scores = rng.uniform(0.3, 1.0, size=count)
        timelines.append(
            Timeline(days=days, kinds=[LEARNING] * count, scores=scores, joined=0.0)
        )
        labels.append(int(churned))
    return churn_feature_matrix(timelines, now=60.0), np.asarray(labels)


def test_recency_raises_risk_and_is_the_top_factor_of_a_silent_member():
    x, y = synthetic_members()
    model = fit_churn(x, y)
    coef = dict(zip(FEATURES, model.coef, strict=True))
    assert coef["days_since_last"] > 0
    # Signs are bounded: more activity never raises the risk.
    for name in ("events_recent", "events_window", "active_days_window", "trend"):
        assert coef[name] <= 0
    silent = churn_features(Timeline(days=[5.0], kinds=[LEARNING]), now=60.0)
    busy = churn_features(
        Timeline(days=np.arange(40.0, 60.0), kinds=[LEARNING] * 20, joined=0.0),
        now=60.0,
    )
    assert model.risk(silent)[0] > 0.8 > 0.2 > model.risk(busy)[0]
    factors = model.factors(silent, top=3)
    quiet = {"days_since_last", "active_days_window", "events_window"}
    assert {f.feature for f in factors} == quiet
    recency = next(f for f in factors if f.feature == "days_since_last")
    assert recency.label == "Days since the last activity"
    assert recency.value == 55.0
    assert all(f.contribution > 0 for f in factors)
    assert [f.contribution for f in factors] == sorted(
        (f.contribution for f in factors), reverse=True
    )
    # Busy but failing: the results are what raise this member's risk.
    struggling = churn_features(
        Timeline(days=np.arange(40.0, 60.0), scores=np.full(20, 0.1), joined=0.0),
        now=60.0,
    )
    assert model.factors(struggling)[0].feature == "mean_score"
    assert model.factors(busy) == []


def test_calibrated_model_predicts_rates_close_to_observed():
    x, y = synthetic_members(n=800, seed=1)
    model = fit_churn(x, y, calibrate=True)
    risk = model.risk(x)
    assert len(model.calibration_x) > 1
    assert np.all((risk >= 0) & (risk <= 1))
    assert calibration_error(y, risk) < 0.05
    assert brier_score(y, risk) < brier_score(y, np.full(len(y), y.mean()))


def test_saved_model_scores_the_same(tmp_path):
    x, y = synthetic_members(n=300)
    model = fit_churn(x, y, calibrate=True)
    model.save(tmp_path / "churn.npz")
    loaded = Model.load(tmp_path / "churn.npz")
    assert np.allclose(loaded.risk(x), model.risk(x))
    assert loaded.factors(x[0]) == model.factors(x[0])


def test_fitting_refuses_a_single_class():
    x, _ = synthetic_members(n=50)
    with pytest.raises(ValueError, match="both"):
        fit_churn(x, np.zeros(len(x)))


def test_brier_and_calibration_error_by_hand():
    y = np.array([0, 1, 1, 0])
    p = np.array([0.1, 0.9, 0.6, 0.4])
    assert brier_score(y, p) == pytest.approx((0.01 + 0.01 + 0.16 + 0.16) / 4)
    assert calibration_error(np.array([0, 1]), np.array([0.0, 1.0]), bins=2) == 0.0
