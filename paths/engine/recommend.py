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

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from paths.engine.mmr import mmr
from paths.engine.recommend_fit import (
    build_content_model,
    content_embedding,
    empty_content,
    fit_behaviour,
    fit_popularity,
    fit_recommender,
)
from paths.engine.recommend_model import (
    BASIC,
    CURATED,
    EXPLORE,
    FULL,
    LEVELS,
    MATCHES_INTEREST,
    OFF,
    POPULAR,
    POPULAR_IN_SEGMENT,
    SIMILAR_TO,
    SKILL_GAP,
    BehaviourModel,
    Catalogue,
    ContentModel,
    Level,
    MemberBehaviour,
    MemberProfile,
    PopularityModel,
    Recommendation,
    RecommenderModel,
    RecommenderParams,
    plain_id,
    skill_token,
    tag_token,
    with_params,
)
from paths.engine.threads import one_blas_thread

__all__ = [
    "BASIC",
    "CURATED",
    "EXPLORE",
    "FULL",
    "LEVELS",
    "MATCHES_INTEREST",
    "OFF",
    "POPULAR",
    "POPULAR_IN_SEGMENT",
    "SIMILAR_TO",
    "SKILL_GAP",
    "BehaviourModel",
    "Catalogue",
    "ContentModel",
    "Level",
    "MemberBehaviour",
    "MemberProfile",
    "PopularityModel",
    "Recommendation",
    "RecommenderModel",
    "RecommenderParams",
    "build_content_model",
    "content_embedding",
    "empty_content",
    "fit_behaviour",
    "fit_popularity",
    "fit_recommender",
    "mmr",
    "recommend",
    "recommend_basic",
    "recommend_full",
    "recommend_off",
    "skill_token",
    "tag_token",
    "with_params",
]


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
        Recommendation(plain_id(catalogue.item_ids[i]), 1.0, {"kind": CURATED})
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
            Recommendation(plain_id(catalogue.item_ids[i]), round(score, 6), reason)
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
            "item": plain_id(catalogue.item_ids[parts.history[best]]),
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
            return {"kind": SIMILAR_TO, "item": plain_id(catalogue.item_ids[h])}
    return None
