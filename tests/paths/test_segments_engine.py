"""Segments engine: tier boundaries, contribution tiers, need-type clusters and
the rule/features reported with each assignment."""

import numpy as np
import pytest

from paths.engine.segments import (
    CHURNED,
    CREATOR,
    HIGHLY_ACTIVE,
    OBSERVER,
    OCCASIONAL,
    PARTICIPANT,
    SHARER,
    SILENT,
    UNDETERMINED,
    ActivityThresholds,
    ContributionThresholds,
    activity_tier,
    activity_tiers,
    assign_need_types,
    contribution_tier,
    fit_need_types,
)


@pytest.mark.parametrize(
    ("days", "events", "tier"),
    [
        (0, 8, HIGHLY_ACTIVE),
        (7, 8, HIGHLY_ACTIVE),  # both thresholds are inclusive
        (7, 7, OCCASIONAL),  # recent but not frequent enough
        (8, 30, OCCASIONAL),  # frequent but not recent enough
        (30, 0, OCCASIONAL),
        (31, 0, SILENT),
        (90, 0, SILENT),
        (91, 0, CHURNED),
        (None, 0, CHURNED),
    ],
)
def test_activity_tier_boundaries(days, events, tier):
    assert activity_tier(days_since_last=days, events_in_window=events).segment == tier


def test_activity_tier_reports_its_rule_and_features():
    a = activity_tier(days_since_last=45, events_in_window=2)
    assert a.segment == SILENT
    assert a.rule == "inactive_over_30d"
    assert a.features == {"days_since_last": 45, "events_30d": 2}
    assert activity_tier(days_since_last=None, events_in_window=0).rule == (
        "never_active"
    )


def test_activity_thresholds_are_parameters():
    strict = ActivityThresholds(
        window_days=14, active_within_days=2, active_min_events=20
    )
    tiers = activity_tiers([1, 1, 20], [25, 10, 1], strict)
    assert [t.segment for t in tiers] == [HIGHLY_ACTIVE, OCCASIONAL, OCCASIONAL]
    assert tiers[0].features == {"days_since_last": 1, "events_14d": 25}
    with pytest.raises(ValueError):
        ActivityThresholds(occasional_within_days=100, churned_after_days=90)


def test_a_silent_member_who_returns_moves_tier():
    before = activity_tier(days_since_last=60, events_in_window=0)
    after = activity_tier(days_since_last=0, events_in_window=1)
    assert (before.segment, after.segment) == (SILENT, OCCASIONAL)


@pytest.mark.parametrize(
    ("counts", "tier"),
    [
        ({"created": 3, "shared": 0, "replied": 0, "liked": 0}, CREATOR),
        ({"created": 2, "shared": 5, "replied": 9, "liked": 9}, SHARER),
        ({"created": 2, "shared": 1, "replied": 0, "liked": 0}, PARTICIPANT),
        ({"created": 0, "shared": 0, "replied": 0, "liked": 1}, PARTICIPANT),
        ({"created": 0, "shared": 0, "replied": 0, "liked": 0}, OBSERVER),
    ],
)
def test_contribution_tiers(counts, tier):
    assignment = contribution_tier(**counts)
    assert assignment.segment == tier
    assert assignment.features == counts


def test_contribution_thresholds_are_parameters():
    loose = ContributionThresholds(creator_min=1)
    got = contribution_tier(created=1, shared=0, replied=0, liked=0, thresholds=loose)
    assert got.segment == CREATOR
    assert got.rule == "created_at_least_1"


GROUPS = ("learning", "social", "career")


def behaviour(seed: int = 0) -> np.ndarray:
    """60 learners, 40 socialisers, 20 career-builders (counts per group)."""
    rng = np.random.default_rng(seed)
    rows = []
    for n, mix in (
        (60, (0.8, 0.15, 0.05)),
        (40, (0.3, 0.65, 0.05)),
        (20, (0.3, 0.1, 0.6)),
    ):
        for _ in range(n):
            rows.append(rng.multinomial(40, mix))
    return np.asarray(rows)


def test_need_types_are_named_after_the_group_they_over_represent():
    counts = behaviour()
    model = fit_need_types(counts, GROUPS, n_clusters=3, seed=0)
    assert sorted(model.labels) == sorted(GROUPS)
    got = assign_need_types(model, counts)
    assert [a.segment for a in got[:60]] == ["learning"] * 60
    assert [a.segment for a in got[60:100]] == ["social"] * 40
    assert [a.segment for a in got[100:]] == ["career"] * 20
    features = got[100].features
    assert features["dominant_group"] == "career"
    assert features["lift"] > 1
    assert set(features["shares"]) == set(GROUPS)


def test_need_types_are_deterministic_for_a_seed_and_skip_thin_members():
    counts = behaviour(seed=2)
    first = fit_need_types(counts, GROUPS, n_clusters=3, seed=7)
    second = fit_need_types(counts, GROUPS, n_clusters=3, seed=7)
    assert first.labels == second.labels
    assert np.allclose(first.centroids, second.centroids)
    thin = assign_need_types(first, np.array([[1, 1, 0]]))[0]
    assert thin.segment == UNDETERMINED
    assert thin.features == {"events": 2, "min_events": 5}


def test_more_clusters_than_groups_get_numbered_names():
    model = fit_need_types(behaviour(), GROUPS, n_clusters=4, seed=0)
    assert len(set(model.labels)) == 4
    assert set(GROUPS) <= set(model.labels)
