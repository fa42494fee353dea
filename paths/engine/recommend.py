"""Recommendations: a hybrid of item-to-item collaborative filtering, content
similarity to the member's profile, and popularity within a segment; re-ranked for
diversity (MMR) with one exploration slot. Every item carries a machine-readable
reason (`{"kind": "similar_to", "item": 12}`) that the site turns into text.

How much is personalised is the member's choice, and the choice is enforced by
what each ranking function receives:

- "off":   `recommend_off(catalogue, …)` gets the catalogue (item ids, popularity,
  content features) and an operator's curated list. No member data at all.
- "basic": `recommend_basic(catalogue, profile, …)` adds what the member declared
  (interests, goal's skill gaps, a profile segment). No activity log.
- "full":  `recommend_full(catalogue, behaviour_model, profile, behaviour, …)` adds
  the member's own interactions and the collaborative-filtering model.

Plain NumPy/SciPy/scikit-learn, no Django: selectors feed arrays, services persist.
"""

import json
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

from paths.engine.threads import one_blas_thread

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
        return {_plain(item): i for i, item in enumerate(self.item_ids)}

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


# --- Fitting -------------------------------------------------------------------


def build_content_model(
    item_tokens: Sequence[Iterable[str]],
    *,
    texts: Sequence[str] | None = None,
    text_weight: float = 0.5,
    max_words: int = 20000,
    embedding_dims: int = 64,
) -> ContentModel:
    """TF-IDF over each item's tokens (skills, tags: already prefixed, see
    `skill_token`) and, optionally, its text; rows L2-normalised."""
    n_items = len(item_tokens)
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, tokens in enumerate(item_tokens):
        for token in set(tokens):
            rows.append(i)
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
    counts = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(n_items, len(vocabulary))
    )
    blocks = [normalize(TfidfTransformer().fit_transform(counts))]
    names = [""] * len(vocabulary)
    for token, j in vocabulary.items():
        names[j] = token
    if texts is not None and any(t.strip() for t in texts):
        words = TfidfVectorizer(max_features=max_words, sublinear_tf=True)
        blocks.append(text_weight * words.fit_transform(texts))
        names += [WORD_PREFIX + w for w in words.get_feature_names_out()]
    features = normalize(sp.hstack(blocks, format="csr")).astype(np.float32)
    return ContentModel(
        features=features,
        feature_names=np.asarray(names, dtype=str),
        embedding=content_embedding(features, dims=embedding_dims),
    )


def content_embedding(features: sp.csr_matrix, *, dims: int = 64) -> np.ndarray:
    """Dense rows whose dot products approximate the feature cosine."""
    n_items, n_features = features.shape
    if n_features <= dims:
        dense = features.toarray()
    else:
        rank = max(1, min(dims, n_items - 1))
        u, s, _ = randomized_svd(
            features, rank, n_iter=4, random_state=np.random.RandomState(0)
        )
        dense = u * s
    return normalize(dense).astype(np.float32)


def empty_content(n_items: int) -> ContentModel:
    return ContentModel(
        features=sp.csr_matrix((n_items, 0), dtype=np.float32),
        feature_names=np.asarray([], dtype=str),
        embedding=np.zeros((n_items, 0), dtype=np.float32),
    )


def fit_popularity(
    interactions: sp.csr_matrix,
    *,
    member_segments: Sequence[str | None] | None = None,
    smoothing: float = 20.0,
) -> PopularityModel:
    seen = (interactions > 0).astype(np.float64).tocsr()
    counts = np.asarray(seen.sum(axis=0)).ravel()
    overall = counts / max(counts.sum(), 1.0)
    names: list[str] = []
    rows = []
    if member_segments is not None:
        labels = np.asarray([s if s is not None else "" for s in member_segments])
        for name in sorted(set(labels) - {""}):
            members = np.flatnonzero(labels == name)
            seg = np.asarray(seen[members].sum(axis=0)).ravel()
            # Shrink small segments toward the overall shares.
            rows.append((seg + smoothing * overall) / (seg.sum() + smoothing))
            names.append(name)
    by_segment = np.asarray([_scaled(r) for r in rows], dtype=np.float32)
    return PopularityModel(
        overall=_scaled(overall).astype(np.float32),
        segments=np.asarray(names, dtype=str),
        by_segment=by_segment.reshape(len(names), len(counts)),
    )


def fit_behaviour(
    interactions: sp.csr_matrix, params: RecommenderParams
) -> BehaviourModel:
    """Item-to-item weights: EASE (a closed-form linear auto-encoder) plus a
    share of asymmetric cosine, each scaled by its mean row maximum, pruned to the
    strongest `neighbours` per item; and truncated-SVD item factors."""
    x = sp.csr_matrix(interactions, dtype=np.float32)
    n_items = x.shape[1]
    keep = params.neighbours
    gram = _gram(x)
    norms = np.maximum(np.diag(gram).copy(), 1e-6)
    row_norm = norms**params.cosine_alpha
    col_norm = norms ** (1.0 - params.cosine_alpha)

    def cosine_rows(block: np.ndarray, start: int) -> np.ndarray:
        block[np.arange(len(block)), start + np.arange(len(block))] = 0.0
        block /= row_norm[start : start + len(block), None]
        block /= col_norm[None, :]
        return block

    cosine, scale = _neighbours(gram, keep, transform=cosine_rows)
    weights = cosine * (params.cosine_weight / scale)
    if n_items <= params.ease_max_items:
        gram[np.diag_indices(n_items)] += params.ease_lambda
        inverse = _spd_inverse(gram)  # in place: gram is gone
        del gram
        inverse /= -np.diag(inverse).copy()[None, :]
        np.fill_diagonal(inverse, 0.0)
        ease, scale = _neighbours(inverse, keep)
        del inverse
        weights = weights + ease * (1.0 / scale)
    weights, _ = _neighbours(weights.tocsr(), keep)
    return BehaviourModel(item_item=weights, item_factors=_item_factors(x, params))


def fit_recommender(
    interactions: sp.spmatrix,
    *,
    item_ids: Sequence[Hashable] | np.ndarray,
    content: ContentModel | None = None,
    member_segments: Sequence[str | None] | None = None,
    params: RecommenderParams | None = None,
) -> RecommenderModel:
    """Fit on members × items implicit feedback (weights, 1 = one interaction).

    `member_segments` (one per row, None for none) gives popularity per segment.
    """
    params = params or RecommenderParams()
    x = sp.csr_matrix(interactions, dtype=np.float32)
    x.sum_duplicates()
    item_ids = np.asarray(item_ids)
    if x.shape[1] != len(item_ids):
        raise ValueError("interactions has one column per item id")
    if content is None:
        content = empty_content(len(item_ids))
    elif content.features.shape[0] != len(item_ids):
        raise ValueError("content has one row per item id")
    popularity = fit_popularity(
        x, member_segments=member_segments, smoothing=params.segment_smoothing
    )
    behaviour = fit_behaviour(x, params) if x.nnz else None
    return RecommenderModel(
        catalogue=Catalogue(item_ids, popularity, content),
        behaviour=behaviour,
        params=params,
    )


# --- Serving -------------------------------------------------------------------


def recommend(
    model: RecommenderModel,
    *,
    level: Level,
    profile: MemberProfile | None = None,
    behaviour: MemberBehaviour | None = None,
    curated: Sequence[Hashable] = (),
    candidates: Collection[Hashable] | None = None,
    k: int = 10,
    seed: int = 0,
) -> list[Recommendation]:
    """Dispatch on the member's personalisation level. Each level's function
    receives only what that level may use; passing more is a caller's bug."""
    if level not in LEVELS:
        raise ValueError(f"unknown personalisation level {level!r}")
    if behaviour is not None and level != FULL:
        raise ValueError("behaviour is used only at the 'full' level")
    if level == OFF:
        if profile is not None:
            raise ValueError("no member profile is used at the 'off' level")
        return recommend_off(
            model.catalogue,
            curated=curated,
            candidates=candidates,
            k=k,
            seed=seed,
            params=model.params,
        )
    profile = profile or MemberProfile()
    if level == BASIC or model.behaviour is None:
        return recommend_basic(
            model.catalogue,
            profile,
            candidates=candidates,
            k=k,
            seed=seed,
            params=model.params,
        )
    return recommend_full(
        model.catalogue,
        model.behaviour,
        profile,
        behaviour or MemberBehaviour(items=()),
        candidates=candidates,
        k=k,
        seed=seed,
        params=model.params,
    )


@one_blas_thread
def recommend_off(
    catalogue: Catalogue,
    *,
    curated: Sequence[Hashable] = (),
    candidates: Collection[Hashable] | None = None,
    k: int = 10,
    seed: int = 0,
    params: RecommenderParams | None = None,
) -> list[Recommendation]:
    """Curated items first (in the operator's order), then overall popularity,
    diversified by content only. Nothing about the member goes in."""
    params = params or RecommenderParams()
    allowed = _allowed(catalogue, candidates, exclude=())
    picked: list[int] = []
    for i in catalogue.positions(curated):
        if allowed[i] and i not in picked and len(picked) < k:
            picked.append(int(i))
    if picked:
        allowed = allowed.copy()
        allowed[picked] = False
    popularity = catalogue.popularity.overall.astype(np.float64)
    parts = _Parts(popularity=popularity)
    ranked = _rerank(
        catalogue, None, popularity, allowed, k=k - len(picked), seed=seed, p=params
    )
    out = [
        Recommendation(_plain(catalogue.item_ids[i]), 1.0, {"kind": CURATED})
        for i in picked
    ]
    return out + _explain(catalogue, None, ranked, parts, params, MemberProfile())


@one_blas_thread
def recommend_basic(
    catalogue: Catalogue,
    profile: MemberProfile,
    *,
    candidates: Collection[Hashable] | None = None,
    k: int = 10,
    seed: int = 0,
    params: RecommenderParams | None = None,
) -> list[Recommendation]:
    """Content similarity to the declared interests and skill gaps, and
    popularity in the profile's segment."""
    params = params or RecommenderParams()
    allowed = _allowed(catalogue, candidates, exclude=profile.exclude)
    popularity, in_segment = catalogue.popularity.scores(profile.segment)
    query = _declared_query(catalogue.content, profile)
    parts = _Parts(
        content=_content_scores(catalogue.content, query),
        popularity=popularity.astype(np.float64),
        segment=profile.segment if in_segment else None,
    )
    blended = _blend(parts, allowed, params)
    ranked = _rerank(catalogue, None, blended, allowed, k=k, seed=seed, p=params)
    return _explain(catalogue, None, ranked, parts, params, profile)


@one_blas_thread
def recommend_full(
    catalogue: Catalogue,
    model: BehaviourModel,
    profile: MemberProfile,
    behaviour: MemberBehaviour,
    *,
    candidates: Collection[Hashable] | None = None,
    k: int = 10,
    seed: int = 0,
    params: RecommenderParams | None = None,
) -> list[Recommendation]:
    """Collaborative filtering from the member's interactions, content similarity
    to their profile and history, and popularity in their segment."""
    params = params or RecommenderParams()
    history = catalogue.positions(behaviour.items)
    weights = _history_weights(catalogue, behaviour, len(history))
    allowed = _allowed(catalogue, candidates, exclude=profile.exclude)
    allowed[history] = False
    popularity, in_segment = catalogue.popularity.scores(profile.segment)
    query = _declared_query(catalogue.content, profile)
    if len(history) and catalogue.content.features.shape[1]:
        past = _rows_sum(catalogue.content.features, history, weights)
        query = _mix(query, past, params.history_content_share)
    parts = _Parts(
        behaviour=_behaviour_scores(model, history, weights, catalogue.n_items),
        content=_content_scores(catalogue.content, query),
        popularity=popularity.astype(np.float64),
        segment=profile.segment if in_segment else None,
        history=history,
        history_weights=weights,
    )
    blended = _blend(parts, allowed, params)
    ranked = _rerank(catalogue, model, blended, allowed, k=k, seed=seed, p=params)
    return _explain(catalogue, model, ranked, parts, params, profile)


def mmr(
    relevance: np.ndarray, similarity: np.ndarray, *, k: int, lam: float
) -> list[int]:
    """Maximal marginal relevance (Carbonell & Goldstein 1998): greedily pick the
    item maximising lam·relevance − (1 − lam)·(max similarity to those picked).
    Relevance is min-max scaled first so lam means the same for every member."""
    n = len(relevance)
    if n == 0 or k <= 0:
        return []
    rel = relevance.astype(np.float64)
    span = rel.max() - rel.min()
    rel = (rel - rel.min()) / span if span > 0 else np.ones(n)
    closest = np.zeros(n)
    free = np.ones(n, dtype=bool)
    picked: list[int] = []
    for _ in range(min(k, n)):
        value = np.where(free, lam * rel - (1.0 - lam) * closest, -np.inf)
        best = int(np.argmax(value))
        picked.append(best)
        free[best] = False
        closest = np.maximum(closest, similarity[best])
    return picked


# --- Internals -----------------------------------------------------------------


@dataclass
class _Parts:
    """Component scores over all items, kept for the blend and the reasons."""

    popularity: np.ndarray
    behaviour: np.ndarray | None = None
    content: np.ndarray | None = None
    segment: str | None = None
    history: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    history_weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    normalised: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Ranked:
    items: list[int]
    scores: list[float]
    explore: int | None


def _plain(value):
    """NumPy scalars to Python ones, so ids hash and serialise as callers expect."""
    return value.item() if isinstance(value, np.generic) else value


def _scaled(v: np.ndarray) -> np.ndarray:
    top = float(v.max()) if len(v) else 0.0
    return v / top if top > 0 else np.zeros_like(v)


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


def _gram(x: sp.csr_matrix, *, chunk: int = 4096) -> np.ndarray:
    """Dense items × items co-occurrence XᵀX, accumulated over member chunks (the
    sparse product of all members at once holds a near-dense matrix in sparse
    form: several times the memory of the dense one)."""
    n_items = x.shape[1]
    gram = np.zeros((n_items, n_items), dtype=np.float32)
    for start in range(0, x.shape[0], chunk):
        block = x[start : start + chunk]
        product = (block.T @ block).tocsr()
        product.sum_duplicates()  # unique (row, col): a plain fancy += is exact
        product = product.tocoo()
        gram[product.row, product.col] += product.data
    return gram


def _spd_inverse(a: np.ndarray, *, block: int = 512) -> np.ndarray:
    """Inverse of a symmetric positive-definite C-ordered matrix through Cholesky
    (half the work of a general inverse), computed in `a`'s own memory: its
    transpose is the same matrix in Fortran order, which LAPACK overwrites."""
    fortran = a.T
    potrf, potri = scipy.linalg.lapack.get_lapack_funcs(("potrf", "potri"), (fortran,))
    factor, info = potrf(fortran, lower=False, overwrite_a=True, clean=False)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky failed ({info}); raise ease_lambda")
    inverse, info = potri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse failed ({info})")
    # Only the upper triangle is set: mirror it, a block of rows at a time.
    n = inverse.shape[0]
    for start in range(0, n, block):
        end = min(start + block, n)
        inverse[start:end, :start] = inverse[:start, start:end].T
        square = inverse[start:end, start:end]
        inverse[start:end, start:end] = np.triu(square) + np.triu(square, 1).T
    return inverse.T


def _neighbours(
    m: np.ndarray | sp.csr_matrix,
    keep: int,
    *,
    transform=None,
    chunk: int = 512,
) -> tuple[sp.csr_matrix, float]:
    """The `keep` largest positive entries of each row (after `transform(block,
    first row)` if given) as CSR, and the mean row maximum of |entries| (the
    scale a blend divides by). A few hundred rows at a time, so a 5k × 5k matrix
    is never copied whole."""
    n_rows, n_cols = m.shape
    keep = min(keep, n_cols)
    pieces, row_max = [], []
    for start in range(0, n_rows, chunk):
        block = m[start : start + chunk]
        block = block.toarray() if sp.issparse(block) else np.array(block)
        if transform is not None:
            block = transform(block, start)
        row_max.append(np.abs(block).max(axis=1))
        if keep < n_cols:
            cols = np.argpartition(-block, keep - 1, axis=1)[:, :keep]
        else:
            cols = np.broadcast_to(np.arange(n_cols), block.shape)
        values = np.take_along_axis(block, cols, axis=1).ravel()
        rows = np.repeat(np.arange(len(block)), cols.shape[1])
        mask = values > 0
        pieces.append(
            sp.csr_matrix(
                (values[mask], (rows[mask], cols.ravel()[mask])),
                shape=(len(block), n_cols),
                dtype=np.float32,
            )
        )
    out = sp.vstack(pieces, format="csr") if pieces else sp.csr_matrix(m.shape)
    out.sort_indices()
    scale = float(np.concatenate(row_max).mean()) if row_max else 0.0
    return out, scale if scale > 0 else 1.0


def _item_factors(x: sp.csr_matrix, params: RecommenderParams) -> np.ndarray:
    n_items = x.shape[1]
    rank = min(params.factors, n_items - 1, x.shape[0] - 1)
    if rank < 1:
        return np.zeros((n_items, 1), dtype=np.float32)
    u, s, _ = randomized_svd(
        sp.csr_matrix(x.T), rank, n_iter=4, random_state=np.random.RandomState(0)
    )
    return normalize(u * s).astype(np.float32)


def _allowed(
    catalogue: Catalogue,
    candidates: Collection[Hashable] | None,
    *,
    exclude: Collection[Hashable],
) -> np.ndarray:
    if candidates is None:
        allowed = np.ones(catalogue.n_items, dtype=bool)
    else:
        allowed = np.zeros(catalogue.n_items, dtype=bool)
        allowed[catalogue.positions(candidates)] = True
    allowed[catalogue.positions(exclude)] = False
    return allowed


def _history_weights(
    catalogue: Catalogue, behaviour: MemberBehaviour, n_known: int
) -> np.ndarray:
    if behaviour.weights is None:
        return np.ones(n_known)
    index = catalogue.index
    return np.asarray(
        [
            w
            for i, w in zip(behaviour.items, behaviour.weights, strict=True)
            if i in index
        ],
        dtype=np.float64,
    )


def _declared_query(content: ContentModel, profile: MemberProfile) -> np.ndarray:
    gaps = {skill_token(s): w for s, w in profile.skill_gaps.items()}
    tokens = dict(profile.interests)
    for token, weight in gaps.items():
        tokens[token] = tokens.get(token, 0.0) + weight
    return content.query(tokens)


def _mix(declared: np.ndarray, past: np.ndarray, past_share: float) -> np.ndarray:
    declared_norm = np.linalg.norm(declared)
    past_norm = np.linalg.norm(past)
    if past_norm == 0:
        return declared
    if declared_norm == 0:
        return past
    return (1 - past_share) * declared / declared_norm + past_share * past / past_norm


def _content_scores(content: ContentModel, query: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(query)
    if norm == 0:
        return np.zeros(content.features.shape[0])
    return content.features @ (query / norm)


def _behaviour_scores(
    model: BehaviourModel, history: np.ndarray, weights: np.ndarray, n_items: int
) -> np.ndarray:
    if len(history) == 0:
        return np.zeros(n_items)
    return _rows_sum(model.item_item, history, weights)


def _rows_sum(m: sp.csr_matrix, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ weights[r] · m[rows[r]] as a dense vector, without SciPy's slicing
    overhead (which dominates at serving sizes)."""
    owner, columns, values = _gather_rows(m, rows)
    return np.bincount(columns, weights=values * weights[owner], minlength=m.shape[1])


def _gather_rows(
    m: sp.csr_matrix, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored entries of some rows: (position in `rows`, column, value)."""
    starts = m.indptr[rows]
    lengths = m.indptr[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows)), lengths)
    positions = np.arange(int(lengths.sum())) + np.repeat(
        starts - (np.cumsum(lengths) - lengths), lengths
    )
    return owner, m.indices[positions], m.data[positions]


def _row(m: sp.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = m.indptr[i], m.indptr[i + 1]
    return m.indices[start:end], m.data[start:end]


def _blend(parts: _Parts, allowed: np.ndarray, p: RecommenderParams) -> np.ndarray:
    """Each component scaled to a maximum of 1 over the allowed items, then
    weighted; a component with nothing to say (all ≤ 0) adds nothing."""
    total = np.zeros(len(allowed))
    for name, scores, weight in (
        ("behaviour", parts.behaviour, p.weight_behaviour),
        ("content", parts.content, p.weight_content),
        ("popularity", parts.popularity, p.weight_popularity),
    ):
        if scores is None or weight == 0 or not allowed.any():
            continue
        top = float(scores[allowed].max())
        if top <= 0:
            continue
        parts.normalised[name] = weight * scores / top
        total += parts.normalised[name]
    return total


def _similarity(
    catalogue: Catalogue,
    model: BehaviourModel | None,
    rows: np.ndarray,
    cols: np.ndarray | None = None,
) -> np.ndarray:
    """How alike items are (0..1): content cosine, or co-consumption (item
    factors) when the member's level lets behaviour in — whichever is higher."""
    cols = rows if cols is None else cols
    every_row = len(rows) == catalogue.n_items  # skip the copy of a full gather
    embedding = catalogue.content.embedding
    sim = np.zeros((len(rows), len(cols)), dtype=np.float32)
    if embedding.shape[1]:
        sim = (embedding if every_row else embedding[rows]) @ embedding[cols].T
    if model is not None:
        factors = model.item_factors
        left = factors if every_row else factors[rows]
        sim = np.maximum(sim, left @ factors[cols].T)
    return np.clip(sim, 0.0, 1.0)


def _rerank(
    catalogue: Catalogue,
    model: BehaviourModel | None,
    scores: np.ndarray,
    allowed: np.ndarray,
    *,
    k: int,
    seed: int,
    p: RecommenderParams,
) -> _Ranked:
    eligible = np.flatnonzero(allowed)
    if k <= 0 or len(eligible) == 0:
        return _Ranked([], [], None)
    explore = p.explore and k >= 2 and len(eligible) > k
    take = k - 1 if explore else k
    pool = _top(eligible, scores, max(p.pool, take))
    sim = _similarity(catalogue, model, pool)
    order = mmr(scores[pool], sim, k=take, lam=p.diversity)
    items = [int(pool[i]) for i in order]
    explored = None
    if explore:
        rest = np.setdiff1d(eligible, pool, assume_unique=True)
        if len(rest) == 0:
            rest = np.setdiff1d(eligible, items, assume_unique=True)
        explored = _exploration_pick(catalogue, model, items, rest, seed)
        if explored is not None:
            items.append(explored)
    return _Ranked(items, [float(scores[i]) for i in items], explored)


def _top(eligible: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    """The n best eligible items, best first (ties: lower row first)."""
    if len(eligible) > n:
        part = np.argpartition(-scores[eligible], n - 1)[:n]
        eligible = eligible[part]
    order = np.lexsort((eligible, -scores[eligible]))
    return eligible[order]


def _exploration_pick(
    catalogue: Catalogue,
    model: BehaviourModel | None,
    chosen: list[int],
    rest: np.ndarray,
    seed: int,
) -> int | None:
    """An item the ranking would not show, unlike those shown, still liked by
    others: drawn with probability ∝ (1 − max similarity) · √popularity."""
    if len(rest) == 0:
        return None
    unlike = np.ones(len(rest))
    if chosen:
        everything = np.arange(catalogue.n_items)
        sim = _similarity(catalogue, model, everything, np.asarray(chosen))
        unlike -= sim[rest].max(axis=1)
    liked = np.sqrt(catalogue.popularity.overall[rest].astype(np.float64))
    weight = np.clip(unlike, 0.05, 1.0) * (liked + 1e-3)
    rng = np.random.default_rng(seed)
    return int(rest[rng.choice(len(rest), p=weight / weight.sum())])


def _explain(
    catalogue: Catalogue,
    model: BehaviourModel | None,
    ranked: _Ranked,
    parts: _Parts,
    p: RecommenderParams,
    profile: MemberProfile,
) -> list[Recommendation]:
    out = []
    pulls = _pulls(model, parts, ranked.items)
    for n, (i, score) in enumerate(zip(ranked.items, ranked.scores, strict=True)):
        if i == ranked.explore:
            reason = {"kind": EXPLORE}
        else:
            reason = _reason(catalogue, i, pulls[:, n], parts, profile)
        out.append(
            Recommendation(_plain(catalogue.item_ids[i]), round(score, 6), reason)
        )
    return out


def _pulls(model: BehaviourModel | None, parts: _Parts, items: list[int]) -> np.ndarray:
    """history × items: how much each history item pulled each item up (the
    item-to-item weight times the history item's weight)."""
    out = np.zeros((len(parts.history), len(items)))
    if model is None or not len(parts.history):
        return out
    target = np.full(model.item_item.shape[1], -1)
    target[np.asarray(items, dtype=np.int64)] = np.arange(len(items))
    owner, columns, values = _gather_rows(model.item_item, parts.history)
    at = target[columns]
    hit = at >= 0
    out[owner[hit], at[hit]] = values[hit] * parts.history_weights[owner[hit]]
    return out


def _reason(
    catalogue: Catalogue,
    item: int,
    pulls: np.ndarray,
    parts: _Parts,
    profile: MemberProfile,
) -> dict:
    """The component that contributed most to this item's score, made concrete."""
    shares = {name: float(v[item]) for name, v in parts.normalised.items()}
    top = max(shares, key=shares.get) if shares else "popularity"
    if top == "behaviour" and len(pulls) and pulls.max() > 0:
        best = int(np.argmax(pulls))
        return {
            "kind": SIMILAR_TO,
            "item": _plain(catalogue.item_ids[parts.history[best]]),
        }
    if top == "content":
        reason = _content_reason(catalogue, item, profile, parts)
        if reason is not None:
            return reason
    if parts.segment is not None:
        return {"kind": POPULAR_IN_SEGMENT, "segment": parts.segment}
    return {"kind": POPULAR}


def _content_reason(
    catalogue: Catalogue, item: int, profile: MemberProfile, parts: _Parts
) -> dict | None:
    content = catalogue.content
    columns, values = _row(content.features, item)
    weight = dict(zip(columns.tolist(), values.tolist(), strict=True))
    index = content.feature_index
    gaps = [
        (gap * weight.get(index.get(skill_token(s), -1), 0.0), s)
        for s, gap in profile.skill_gaps.items()
    ]
    best = max(gaps, key=lambda g: g[0], default=(0.0, None))
    if best[0] > 0:
        return {"kind": SKILL_GAP, "skill": best[1]}
    interests = [
        (w * weight.get(index.get(token, -1), 0.0), token)
        for token, w in profile.interests.items()
    ]
    best = max(interests, key=lambda g: g[0], default=(0.0, None))
    if best[0] > 0:
        return {"kind": MATCHES_INTEREST, "feature": best[1]}
    if len(parts.history) and content.embedding.shape[1]:
        embedding = content.embedding
        alike = (embedding[parts.history] @ embedding[item]) * parts.history_weights
        if alike.max() > 0:
            h = parts.history[int(np.argmax(alike))]
            return {"kind": SIMILAR_TO, "item": _plain(catalogue.item_ids[h])}
    return None


def with_params(model: RecommenderModel, **changes) -> RecommenderModel:
    """The same fitted model served with other serving knobs (blend, MMR)."""
    return replace(model, params=replace(model.params, **changes))
