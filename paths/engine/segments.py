"""Member segments, each assignment with the rule and the numbers that placed the
member there (operators see both):

- activity tiers from recency and frequency: highly active, occasional, silent,
  churned (thresholds are parameters);
- contribution tiers from what members create and share against what they reply
  to or like: creators, sharers, participants (and observers, who do none);
- need types from clustering behaviour: k-means on each member's share of
  activity per verb group ("learning", "social", "career", …), each cluster
  named after the group it over-represents most. Deterministic for a seed.

No Django: the site counts activities per member and stores the assignments.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans

HIGHLY_ACTIVE, OCCASIONAL, SILENT, CHURNED = (
    "highly_active",
    "occasional",
    "silent",
    "churned",
)
ACTIVITY_TIERS = (HIGHLY_ACTIVE, OCCASIONAL, SILENT, CHURNED)
CREATOR, SHARER, PARTICIPANT, OBSERVER = "creator", "sharer", "participant", "observer"
CONTRIBUTION_TIERS = (CREATOR, SHARER, PARTICIPANT, OBSERVER)
UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Assignment:
    """A member's segment, the rule that placed them (a key the site words) and
    the numbers the rule looked at."""

    segment: str
    rule: str
    features: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ActivityThresholds:
    window_days: int = 30  # frequency counts activity in this many days
    active_within_days: int = 7  # highly active: active this recently …
    active_min_events: int = 8  # … and at least this often in the window
    occasional_within_days: int = 30  # otherwise active this recently: occasional
    churned_after_days: int = 90  # silent up to here; churned beyond (or never)

    def __post_init__(self):
        if not (
            0 < self.active_within_days <= self.occasional_within_days
            and self.occasional_within_days < self.churned_after_days
        ):
            raise ValueError("thresholds must satisfy active ≤ occasional < churned")


@dataclass(frozen=True)
class ContributionThresholds:
    creator_min: int = 3  # things created (topics, projects, articles)
    sharer_min: int = 2  # things shared
    participant_min: int = 1  # replies, likes, votes


def activity_tier(
    *,
    days_since_last: float | None,
    events_in_window: int,
    thresholds: ActivityThresholds | None = None,
) -> Assignment:
    """`days_since_last` is None for a member who has never been active."""
    t = thresholds or ActivityThresholds()
    features = {
        "days_since_last": days_since_last,
        f"events_{t.window_days}d": int(events_in_window),
    }
    if days_since_last is None:
        return Assignment(CHURNED, "never_active", features)
    if days_since_last > t.churned_after_days:
        return Assignment(CHURNED, f"inactive_over_{t.churned_after_days}d", features)
    if days_since_last > t.occasional_within_days:
        return Assignment(
            SILENT, f"inactive_over_{t.occasional_within_days}d", features
        )
    if (
        days_since_last <= t.active_within_days
        and events_in_window >= t.active_min_events
    ):
        rule = f"active_within_{t.active_within_days}d_and_{t.active_min_events}_events"
        return Assignment(HIGHLY_ACTIVE, rule, features)
    return Assignment(
        OCCASIONAL, f"active_within_{t.occasional_within_days}d", features
    )


def activity_tiers(
    days_since_last: Sequence[float | None],
    events_in_window: Sequence[int],
    thresholds: ActivityThresholds | None = None,
) -> list[Assignment]:
    return [
        activity_tier(days_since_last=d, events_in_window=e, thresholds=thresholds)
        for d, e in zip(days_since_last, events_in_window, strict=True)
    ]


def contribution_tier(
    *,
    created: int,
    shared: int,
    replied: int,
    liked: int,
    thresholds: ContributionThresholds | None = None,
) -> Assignment:
    """The highest tier the member reaches: creating beats sharing beats taking
    part."""
    t = thresholds or ContributionThresholds()
    features = {
        "created": created,
        "shared": shared,
        "replied": replied,
        "liked": liked,
    }
    if created >= t.creator_min:
        return Assignment(CREATOR, f"created_at_least_{t.creator_min}", features)
    if shared >= t.sharer_min:
        return Assignment(SHARER, f"shared_at_least_{t.sharer_min}", features)
    if replied + liked + created + shared >= t.participant_min:
        return Assignment(
            PARTICIPANT, f"took_part_at_least_{t.participant_min}", features
        )
    return Assignment(OBSERVER, "no_contributions", features)


@dataclass(frozen=True)
class NeedTypeModel:
    """k-means centroids over verb-group shares, and per cluster its name and
    the group it over-represents most."""

    groups: tuple[str, ...]
    centroids: np.ndarray  # clusters × groups, in share space
    labels: tuple[str, ...]  # one per cluster, distinct
    dominant: tuple[int, ...]  # per cluster, the index of its group
    overall: np.ndarray  # mean share per group over the members clustered
    min_events: int


def fit_need_types(
    counts: np.ndarray,
    groups: Sequence[str],
    *,
    n_clusters: int = 4,
    min_events: int = 5,
    seed: int = 0,
) -> NeedTypeModel:
    """Cluster members with at least `min_events` activities on their share of
    activity per group. A cluster is named after the group whose share it
    over-represents most against everyone (lift); names are made distinct by
    giving each group to at most one cluster, best lift first, and numbering
    any cluster left over ("learning 2")."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[1] != len(groups):
        raise ValueError("counts needs one column per group")
    shares, enough = _shares(counts, min_events)
    if enough.sum() < n_clusters:
        raise ValueError(
            f"need at least {n_clusters} members with {min_events}+ activities"
        )
    kmeans = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed)
    kmeans.fit(shares[enough])
    # Order clusters by size so cluster numbers are stable across refits.
    sizes = np.bincount(kmeans.labels_, minlength=n_clusters)
    order = np.lexsort((np.arange(n_clusters), -sizes))
    centroids = kmeans.cluster_centers_[order]
    overall = shares[enough].mean(axis=0)
    labels, dominant = _cluster_names(centroids, overall, tuple(groups))
    return NeedTypeModel(
        groups=tuple(groups),
        centroids=centroids,
        labels=labels,
        dominant=dominant,
        overall=overall,
        min_events=min_events,
    )


def assign_need_types(model: NeedTypeModel, counts: np.ndarray) -> list[Assignment]:
    """Each member's nearest cluster, with their shares and the cluster's lift
    on its group; members with too few activities are "undetermined"."""
    counts = np.asarray(counts, dtype=np.float64).reshape(-1, len(model.groups))
    shares, enough = _shares(counts, model.min_events)
    distance = ((shares[:, None, :] - model.centroids[None, :, :]) ** 2).sum(axis=2)
    nearest = distance.argmin(axis=1)
    lift = model.centroids / np.maximum(model.overall, 1e-9)[None, :]
    out = []
    for i in range(len(counts)):
        if not enough[i]:
            features = {"events": int(counts[i].sum()), "min_events": model.min_events}
            out.append(Assignment(UNDETERMINED, "too_few_events", features))
            continue
        c = int(nearest[i])
        g = model.dominant[c]
        features = {
            "shares": dict(
                zip(model.groups, np.round(shares[i], 3).tolist(), strict=True)
            ),
            "cluster": c,
            "dominant_group": model.groups[g],
            "lift": round(float(lift[c, g]), 3),
        }
        out.append(Assignment(model.labels[c], f"nearest_cluster_{c}", features))
    return out


def _shares(counts: np.ndarray, min_events: int) -> tuple[np.ndarray, np.ndarray]:
    totals = counts.sum(axis=1)
    shares = counts / np.maximum(totals, 1.0)[:, None]
    return shares, totals >= max(min_events, 1)


def _cluster_names(
    centroids: np.ndarray, overall: np.ndarray, groups: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    lift = centroids / np.maximum(overall, 1e-9)[None, :]
    dominant = [-1] * len(centroids)
    taken: set[int] = set()
    # Best (cluster, group) lifts first; each group names one cluster.
    for flat in np.argsort(-lift, axis=None, kind="stable"):
        c, g = divmod(int(flat), len(groups))
        if dominant[c] < 0 and g not in taken:
            dominant[c] = g
            taken.add(g)
    names = []
    repeats: dict[int, int] = {}
    for c in range(len(centroids)):
        if dominant[c] >= 0:
            names.append(groups[dominant[c]])
        else:  # more clusters than groups: number the repeats
            dominant[c] = int(np.argmax(lift[c]))
            repeats[dominant[c]] = repeats.get(dominant[c], 1) + 1
            names.append(f"{groups[dominant[c]]} {repeats[dominant[c]]}")
    return tuple(names), tuple(dominant)
