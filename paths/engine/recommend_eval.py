"""Offline evaluation of the recommender: leave-last-out on (member, item, time)
triples, precision/recall/NDCG@k and catalogue coverage, against popularity and
random in the same run.

`evaluate_triples` is the hook for any interaction log: the MOOCCube benchmark
(`benchmarks/recommend_offline.py`) feeds it course enrolments, and the site can
feed it the seeded community's activity log. No Django here.
"""

import math
import statistics
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from paths.engine.recommend import (
    ContentModel,
    MemberBehaviour,
    MemberProfile,
    RecommenderParams,
    fit_recommender,
    recommend_full,
)


@dataclass(frozen=True)
class Split:
    """Training interactions as (member row, item column) pairs, and per member
    with at least two distinct items the one held out (their latest new item)."""

    member_ids: np.ndarray
    item_ids: np.ndarray
    train_members: np.ndarray
    train_items: np.ndarray
    held_out: dict[int, int]  # member row → item column

    def matrix(self) -> sp.csr_matrix:
        ones = np.ones(len(self.train_members), dtype=np.float32)
        shape = (len(self.member_ids), len(self.item_ids))
        m = sp.csr_matrix((ones, (self.train_members, self.train_items)), shape=shape)
        m.sum_duplicates()
        m.data[:] = 1.0
        return m


def leave_last_out(
    triples: Iterable[tuple[Hashable, Hashable, float]],
) -> Split:
    """Each (member, item) pair counts once, at its first time; a member's item
    with the latest first time (input order breaks ties) is held out if they
    have at least two distinct items. Every item seen anywhere is in the
    catalogue, so a held-out item nobody else had counts as a miss."""
    first: dict[tuple[Hashable, Hashable], tuple[float, int]] = {}
    for order, (member, item, when) in enumerate(triples):
        key = (member, item)
        if key not in first:
            first[key] = (float(when), order)
        elif float(when) < first[key][0]:
            first[key] = (float(when), first[key][1])
    members = sorted({m for m, _ in first}, key=_sort_key)
    items = sorted({i for _, i in first}, key=_sort_key)
    member_row = {m: r for r, m in enumerate(members)}
    item_col = {i: c for c, i in enumerate(items)}
    latest: dict[int, tuple[tuple[float, int], int]] = {}
    counts: dict[int, int] = {}
    for (member, item), stamp in first.items():
        row, col = member_row[member], item_col[item]
        counts[row] = counts.get(row, 0) + 1
        if row not in latest or stamp > latest[row][0]:
            latest[row] = (stamp, col)
    held_out = {row: col for row, (_, col) in latest.items() if counts[row] >= 2}
    train = [
        (member_row[m], item_col[i])
        for (m, i) in first
        if held_out.get(member_row[m]) != item_col[i]
    ]
    rows, cols = (np.asarray(x, dtype=np.int64) for x in zip(*train, strict=True))
    return Split(
        member_ids=np.asarray(members),
        item_ids=np.asarray(items),
        train_members=rows,
        train_items=cols,
        held_out=held_out,
    )


def ndcg_at_k(ranked: Sequence[Hashable], relevant: Hashable, k: int = 10) -> float:
    """NDCG@k with one relevant item: 1/log2(rank + 1), rank from 1 (ideal = 1)."""
    for rank, item in enumerate(ranked[:k], start=1):
        if item == relevant:
            return 1.0 / math.log2(rank + 1)
    return 0.0


def precision_at_k(
    ranked: Sequence[Hashable], relevant: Hashable, k: int = 10
) -> float:
    return (relevant in ranked[:k]) / k


def recall_at_k(ranked: Sequence[Hashable], relevant: Hashable, k: int = 10) -> float:
    return float(relevant in ranked[:k])


def score_rankings(
    rankings: Mapping[int, Sequence[int]],
    held_out: Mapping[int, int],
    *,
    n_items: int,
    k: int = 10,
) -> dict[str, float]:
    """Mean precision, recall and NDCG at k over the held-out members, and the
    share of the catalogue that appears in at least one top k."""
    shown: set[int] = set()
    precision = recall = ndcg = 0.0
    for member, item in held_out.items():
        ranked = list(rankings[member])[:k]
        shown.update(ranked)
        precision += precision_at_k(ranked, item, k)
        recall += recall_at_k(ranked, item, k)
        ndcg += ndcg_at_k(ranked, item, k)
    n = max(len(held_out), 1)
    return {
        "precision": precision / n,
        "recall": recall / n,
        "ndcg": ndcg / n,
        "coverage": len(shown) / max(n_items, 1),
    }


def popularity_rankings(
    train: sp.csr_matrix, members: Iterable[int], *, k: int = 10
) -> dict[int, list[int]]:
    """Most members first, without the member's own training items."""
    counts = np.asarray((train > 0).sum(axis=0)).ravel()
    order = np.lexsort((np.arange(len(counts)), -counts))
    out = {}
    for member in members:
        seen = set(train.indices[train.indptr[member] : train.indptr[member + 1]])
        out[member] = [int(i) for i in order[: k + len(seen)] if i not in seen][:k]
    return out


def random_rankings(
    train: sp.csr_matrix, members: Iterable[int], *, k: int = 10, seed: int = 0
) -> dict[int, list[int]]:
    rng = np.random.default_rng(seed)
    n_items = train.shape[1]
    out = {}
    for member in members:
        seen = set(train.indices[train.indptr[member] : train.indptr[member + 1]])
        order = rng.permutation(n_items)
        out[member] = [int(i) for i in order if i not in seen][:k]
    return out


def evaluate_triples(
    triples: Iterable[tuple[Hashable, Hashable, float]],
    *,
    item_content: Callable[[np.ndarray], ContentModel] | None = None,
    params: RecommenderParams | None = None,
    k: int = 10,
    seed: int = 0,
) -> dict:
    """Leave-last-out evaluation of the served "full" ranking (blend, MMR and the
    exploration slot included) against popularity and random.

    `item_content(item_ids)` may build content features in the split's item
    order. Returns one flat dict of metrics, sizes and timings."""
    split = leave_last_out(triples)
    train = split.matrix()
    content = item_content(split.item_ids) if item_content else None
    started = time.perf_counter()
    model = fit_recommender(
        train, item_ids=np.arange(len(split.item_ids)), content=content, params=params
    )
    fit_s = time.perf_counter() - started
    members = sorted(split.held_out)
    served, no_rerank, timings = {}, {}, []
    plain = replace(model.params, diversity=1.0, explore=False)
    for member in members:
        history = train.indices[train.indptr[member] : train.indptr[member + 1]]
        behaviour = MemberBehaviour(items=history.tolist())
        started = time.perf_counter()
        recs = recommend_full(
            model.catalogue,
            model.behaviour,
            MemberProfile(),
            behaviour,
            k=k,
            seed=seed + member,
            params=model.params,
        )
        timings.append((time.perf_counter() - started) * 1000)
        served[member] = [r.item for r in recs]
        plain_recs = recommend_full(
            model.catalogue,
            model.behaviour,
            MemberProfile(),
            behaviour,
            k=k,
            params=plain,
        )
        no_rerank[member] = [r.item for r in plain_recs]
    n_items = len(split.item_ids)
    ours = score_rankings(served, split.held_out, n_items=n_items, k=k)
    blend = score_rankings(no_rerank, split.held_out, n_items=n_items, k=k)
    pop = score_rankings(
        popularity_rankings(train, members, k=k), split.held_out, n_items=n_items, k=k
    )
    rnd = score_rankings(
        random_rankings(train, members, k=k, seed=seed),
        split.held_out,
        n_items=n_items,
        k=k,
    )
    return {
        f"ndcg{k}": round(ours["ndcg"], 4),
        f"ndcg{k}_popularity": round(pop["ndcg"], 4),
        f"ndcg{k}_random": round(rnd["ndcg"], 4),
        "ratio_vs_popularity": round(ours["ndcg"] / max(pop["ndcg"], 1e-12), 3),
        f"precision{k}": round(ours["precision"], 4),
        f"recall{k}": round(ours["recall"], 4),
        "coverage": round(ours["coverage"], 4),
        f"ndcg{k}_no_rerank": round(blend["ndcg"], 4),
        f"recall{k}_no_rerank": round(blend["recall"], 4),
        "coverage_no_rerank": round(blend["coverage"], 4),
        f"precision{k}_popularity": round(pop["precision"], 4),
        f"recall{k}_popularity": round(pop["recall"], 4),
        "coverage_popularity": round(pop["coverage"], 4),
        f"recall{k}_random": round(rnd["recall"], 4),
        "n_members": len(split.member_ids),
        "n_items": n_items,
        "n_train_interactions": int(train.nnz),
        "n_test_members": len(members),
        "fit_s": round(fit_s, 3),
        "serve_ms_median": round(statistics.median(timings), 3) if timings else None,
    }


def _sort_key(value) -> tuple:
    return (type(value).__name__, value)
