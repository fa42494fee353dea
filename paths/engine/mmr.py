"""Maximal marginal relevance re-ranking (Carbonell & Goldstein 1998)."""

import numpy as np


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
