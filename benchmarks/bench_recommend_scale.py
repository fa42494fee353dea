"""Recommender at scale: fit on 50k members × 5k items × 2M interactions and serve
one member's top 10 ("full" level: blend, MMR, exploration, reasons).

    python benchmarks/bench_recommend_scale.py [--members 50000] [--items 5000]
        [--interactions 2000000] [--serve-runs 500] [--seed 0]

The synthetic log is seeded: items belong to 50 topics with Zipf popularity
inside each topic and overall; each member has a lognormal number of
share of the 2M distinct (member, item) pairs (median about 30) and two favourite
topics that get 70% of their draws.
Prints one JSON object: fit_s (must be ≤ 120 on 2 cores), serving median and
p95 ms (must be ≤ 20 ms median) and CPU ms (what a quiet machine would show),
peak memory, model size on disk.
"""

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paths.engine.recommend import (  # noqa: E402
    MemberBehaviour,
    MemberProfile,
    RecommenderModel,
    build_content_model,
    fit_recommender,
    recommend_full,
    skill_token,
)

TOPICS = 50


def synthetic_log(
    members: int, items: int, interactions: int, seed: int
) -> tuple[sp.csr_matrix, np.ndarray, list[str | None]]:
    """`interactions` distinct (member, item) pairs: draws are repeated until
    enough distinct pairs exist, then a seeded sample of them is kept."""
    rng = np.random.default_rng(seed)
    per_topic = items // TOPICS
    zipf_topic = _zipf_cdf(per_topic, 1.0)
    zipf_all = _zipf_cdf(items, 0.9)
    activity = rng.lognormal(mean=0.0, sigma=0.9, size=members)
    share = activity / activity.sum()
    favourite = rng.integers(0, TOPICS, size=(members, 2))
    pairs = np.zeros(0, dtype=np.int64)
    draws = interactions
    while len(pairs) < interactions:
        rows = np.repeat(np.arange(members), rng.multinomial(draws, share))
        in_topic = rng.random(len(rows)) < 0.7
        topic = favourite[rows, rng.integers(0, 2, size=len(rows))]
        local = np.searchsorted(zipf_topic, rng.random(len(rows)))
        overall = np.searchsorted(zipf_all, rng.random(len(rows)))
        cols = np.where(in_topic, topic * per_topic + local, overall) % items
        pairs = np.union1d(pairs, rows * items + cols)
        draws = int(draws * 0.5) + 1
    pairs = rng.choice(pairs, size=interactions, replace=False)
    x = sp.csr_matrix(
        (np.ones(interactions, dtype=np.float32), (pairs // items, pairs % items)),
        shape=(members, items),
    )
    segments = [f"topic-{t}" if t < 10 else None for t in favourite[:, 0]]
    return x, np.arange(items) // per_topic, segments


def _zipf_cdf(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return np.cumsum(weights) / weights.sum()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--interactions", type=int, default=2_000_000)
    parser.add_argument("--serve-runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    x, topics, segments = synthetic_log(
        args.members, args.items, args.interactions, args.seed
    )
    generate_s = time.perf_counter() - started
    memory_before_fit = peak_mb()
    # Two skills per item (its topic and a neighbour) and a tag: content features.
    content = build_content_model(
        [
            [skill_token(t), skill_token((t + 1) % TOPICS), f"tag:level-{i % 3}"]
            for i, t in enumerate(topics)
        ]
    )

    started = time.perf_counter()
    model = fit_recommender(
        x, item_ids=np.arange(args.items), content=content, member_segments=segments
    )
    fit_s = time.perf_counter() - started
    memory_after_fit = peak_mb()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.npz"
        started = time.perf_counter()
        model.save(path)
        save_s = time.perf_counter() - started
        size_mb = path.stat().st_size / 2**20
        started = time.perf_counter()
        model = RecommenderModel.load(path)
        load_s = time.perf_counter() - started

    rng = np.random.default_rng(args.seed + 1)
    chosen = rng.choice(args.members, size=args.serve_runs, replace=False)
    samples, cpu_samples, history_sizes = [], [], []
    for member in chosen:
        history = x.indices[x.indptr[member] : x.indptr[member + 1]]
        history_sizes.append(len(history))
        profile = MemberProfile(
            segment=segments[member], skill_gaps={int(topics[history[0]]): 0.6}
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        recs = recommend_full(
            model.catalogue,
            model.behaviour,
            profile,
            MemberBehaviour(items=history.tolist()),
            k=10,
            seed=int(member),
            params=model.params,
        )
        samples.append((time.perf_counter() - started) * 1000)
        cpu_samples.append((time.process_time() - cpu_started) * 1000)
        if len(recs) != 10:
            raise RuntimeError(f"member {member} got {len(recs)} recommendations")
    samples.sort()
    print(
        json.dumps(
            {
                "members": args.members,
                "items": args.items,
                "interactions": int(x.nnz),
                "generate_s": round(generate_s, 2),
                "fit_s": round(fit_s, 2),
                "item_item_nnz": int(model.behaviour.item_item.nnz),
                "serve_runs": args.serve_runs,
                "serve_ms_median": round(statistics.median(samples), 3),
                "serve_ms_p95": round(samples[int(0.95 * (len(samples) - 1))], 3),
                "serve_cpu_ms_median": round(statistics.median(cpu_samples), 3),
                "history_median": int(statistics.median(history_sizes)),
                "peak_rss_mb_before_fit": round(memory_before_fit),
                "peak_rss_mb": round(max(memory_after_fit, peak_mb())),
                "model_mb": round(size_mb, 1),
                "save_s": round(save_s, 2),
                "load_s": round(load_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
