"""The recommender's data: its parameters, the fitted model (a catalogue every
personalisation level may use, and the behaviour model only "full" may use) with
save/load as plain arrays, and what a member brings (profile, behaviour) and gets
back (recommendations with reasons). See `paths.engine.recommend`."""

import json
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import scipy.sparse as sp

Level = Literal["off", "basic", "full"]
OFF, BASIC, FULL = "off", "basic", "full"
LEVELS: tuple[str, ...] = (OFF, BASIC, FULL)

# Reason kinds (the site has one sentence per kind).
SIMILAR_TO = "similar_to"  # {"item": id of a history item}
SKILL_GAP = "skill_gap"  # {"skill": skill id}
MATCHES_INTEREST = "matches_interest"  # {"feature": token, e.g. "tag:python"}
POPULAR_IN_SEGMENT = "popular_in_segment"  # {"segment": name}
POPULAR = "popular"
CURATED = "curated"
EXPLORE = "explore"

SKILL_PREFIX = "skill:"
TAG_PREFIX = "tag:"
WORD_PREFIX = "word:"


def skill_token(skill_id: Hashable) -> str:
    return f"{SKILL_PREFIX}{skill_id}"


def tag_token(tag: str) -> str:
    return f"{TAG_PREFIX}{tag.strip().lower()}"


@dataclass(frozen=True)
class RecommenderParams:
    """Fitting and serving knobs; defaults tuned on MOOCCube (docs/RECOMMENDER.md)."""

    # Collaborative filtering: item-item weights = EASE (Steck 2019) + a share of
    # asymmetric cosine, each scaled to a comparable range, pruned per item.
    ease_lambda: float = 50.0
    ease_max_items: int = 8000  # above this, the dense inverse is too big: cosine only
    cosine_weight: float = 1.0
    cosine_alpha: float = 0.6
    neighbours: int = 200
    factors: int = 32  # item factors (truncated SVD) used to measure diversity
    segment_smoothing: float = 20.0  # pseudo-members of overall popularity per segment
    # Blend of normalised component scores.
    weight_behaviour: float = 1.0
    weight_content: float = 0.1
    weight_popularity: float = 0.05
    history_content_share: float = 0.5  # history vs declared interests in "full"
    # Re-ranking.
    diversity: float = 0.9  # MMR lambda: 1 = relevance only, 0 = diversity only
    pool: int = 100  # candidates MMR chooses from
    explore: bool = True  # last slot: a well-liked item unlike the rest


@dataclass(frozen=True)
class ContentModel:
    """Items × features (skills, tags, words), rows L2-normalised; an item
    without features has an empty row. `embedding` is a small dense, L2-normalised
    version of the rows (exact when there are few features, else truncated SVD)
    used to measure how alike items are, fast."""

    features: sp.csr_matrix
    feature_names: np.ndarray
    embedding: np.ndarray

    @cached_property
    def feature_index(self) -> dict[str, int]:
        return {str(name): i for i, name in enumerate(self.feature_names)}

    def query(self, weights: Mapping[str, float]) -> np.ndarray:
        """A dense feature vector from token weights; unknown tokens are ignored."""
        q = np.zeros(len(self.feature_names), dtype=np.float64)
        index = self.feature_index
        for token, weight in weights.items():
            j = index.get(token)
            if j is not None:
                q[j] += weight
        return q


@dataclass(frozen=True)
class PopularityModel:
    """Distinct members per item, overall and per segment (smoothed toward the
    overall share), each scaled to a maximum of 1."""

    overall: np.ndarray
    segments: np.ndarray  # segment names, sorted
    by_segment: np.ndarray  # segments × items

    def scores(self, segment: str | None) -> tuple[np.ndarray, bool]:
        """Popularity for a segment if the model knows it, else overall; and
        whether it was the segment's."""
        if segment is not None and len(self.segments):
            i = int(np.searchsorted(self.segments, segment))
            if i < len(self.segments) and self.segments[i] == segment:
                return self.by_segment[i], True
        return self.overall, False


@dataclass(frozen=True)
class Catalogue:
    """What every level may use: item ids, popularity and content features."""

    item_ids: np.ndarray
    popularity: PopularityModel
    content: ContentModel

    @cached_property
    def index(self) -> dict[Hashable, int]:
        return {plain_id(item): i for i, item in enumerate(self.item_ids)}

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def positions(self, items: Iterable[Hashable]) -> np.ndarray:
        """Row numbers of the known items among `items`, in order."""
        index = self.index
        found = [index[i] for i in items if i in index]
        return np.asarray(found, dtype=np.int64)


@dataclass(frozen=True)
class BehaviourModel:
    """Collaborative filtering fitted on the activity log: item-to-item weights
    (row = an item the member had, columns = items it suggests) and L2-normalised
    item factors for measuring how alike two items are."""

    item_item: sp.csr_matrix
    item_factors: np.ndarray


@dataclass(frozen=True)
class RecommenderModel:
    catalogue: Catalogue
    behaviour: BehaviourModel | None
    params: RecommenderParams = field(default_factory=RecommenderParams)

    def save(self, path: str | Path) -> None:
        """One .npz of plain arrays (no pickle)."""
        c = self.catalogue
        arrays = {
            "item_ids": c.item_ids,
            "pop_overall": c.popularity.overall,
            "pop_segments": c.popularity.segments.astype(str),
            "pop_by_segment": c.popularity.by_segment,
            "feature_names": c.content.feature_names.astype(str),
            "content_embedding": c.content.embedding,
            "params": np.asarray(json.dumps(asdict(self.params))),
        }
        arrays |= _csr_arrays("content", c.content.features)
        if self.behaviour is not None:
            arrays |= _csr_arrays("item_item", self.behaviour.item_item)
            arrays["item_factors"] = self.behaviour.item_factors
        with open(path, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> "RecommenderModel":
        with np.load(path, allow_pickle=False) as data:
            n_items = len(data["item_ids"])
            content = ContentModel(
                features=_csr_from(data, "content", n_items),
                feature_names=data["feature_names"],
                embedding=data["content_embedding"],
            )
            behaviour = None
            if "item_item_data" in data:
                behaviour = BehaviourModel(
                    item_item=_csr_from(data, "item_item", n_items),
                    item_factors=data["item_factors"],
                )
            popularity = PopularityModel(
                overall=data["pop_overall"],
                segments=data["pop_segments"],
                by_segment=data["pop_by_segment"],
            )
            params = RecommenderParams(**json.loads(str(data["params"])))
            catalogue = Catalogue(data["item_ids"], popularity, content)
        return cls(catalogue=catalogue, behaviour=behaviour, params=params)


@dataclass(frozen=True)
class MemberProfile:
    """What the member declared (onboarding, profile, goal): usable from "basic".

    `interests` weighs feature tokens ("tag:python", "skill:12"); `skill_gaps`
    weighs the goal's skills the member still needs (skill id → 0..1); `segment`
    picks the popularity list for cold start; `exclude` lists items not to show.
    """

    segment: str | None = None
    interests: Mapping[str, float] = field(default_factory=dict)
    skill_gaps: Mapping[Hashable, float] = field(default_factory=dict)
    exclude: Collection[Hashable] = ()


@dataclass(frozen=True)
class MemberBehaviour:
    """The member's own interactions from the activity log: used only at "full"."""

    items: Sequence[Hashable]
    weights: Sequence[float] | None = None


@dataclass(frozen=True)
class Recommendation:
    item: Hashable
    score: float
    reason: dict


def with_params(model: RecommenderModel, **changes) -> RecommenderModel:
    """The same fitted model served with other serving knobs (blend, MMR)."""
    return replace(model, params=replace(model.params, **changes))


def plain_id(value):
    """NumPy scalars to Python ones, so ids hash and serialise as callers expect."""
    return value.item() if isinstance(value, np.generic) else value


def _csr_arrays(prefix: str, m: sp.csr_matrix) -> dict[str, np.ndarray]:
    m = sp.csr_matrix(m)
    return {
        f"{prefix}_data": m.data.astype(np.float32),
        f"{prefix}_indices": m.indices,
        f"{prefix}_indptr": m.indptr,
        f"{prefix}_cols": np.asarray(m.shape[1]),
    }


def _csr_from(data, prefix: str, n_rows: int) -> sp.csr_matrix:
    shape = (n_rows, int(data[f"{prefix}_cols"]))
    return sp.csr_matrix(
        (data[f"{prefix}_data"], data[f"{prefix}_indices"], data[f"{prefix}_indptr"]),
        shape=shape,
    )
