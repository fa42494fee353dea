"""Offline evaluation of the recommender on MOOCCube course enrolments.

    python benchmarks/recommend_offline.py [--data ../shared/data/mooccube_course_kgan]
        [--order random|file] [--seed 0]

The folder holds ratings_final.txt ("user<TAB>course<TAB>label"; label 1 = the
user took the course, label 0 = a sampled negative, which we ignore) and,
optionally, kg_final.txt ("course<TAB>relation<TAB>entity"), whose entities become
the courses' content features. The file has no timestamps, so "last" needs an
order: `random` (default) gives each user's courses a seeded random order (the
held-out course is a random one of theirs); `file` uses the order of the lines.
Both are reported; the top-level numbers are for --order.

Prints one JSON object (see paths/engine/recommend_eval.py for the fields).
"""

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paths.engine.recommend import build_content_model  # noqa: E402
from paths.engine.recommend_eval import evaluate_triples  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mooccube_course_kgan"


def load_positives(folder: Path) -> dict[int, list[int]]:
    """Each user's courses with label 1, in file order."""
    courses: dict[int, list[int]] = defaultdict(list)
    with open(folder / "ratings_final.txt") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) != 3:
                continue
            user, course, label = (int(p) for p in parts)
            if label == 1:
                courses[user].append(course)
    if not courses:
        raise SystemExit(f"no positive rows in {folder / 'ratings_final.txt'}")
    return courses


def to_triples(courses: dict[int, list[int]], *, order: str, seed: int) -> list:
    rng = np.random.default_rng(seed)
    triples = []
    for user in sorted(courses):
        items = courses[user]
        when = rng.permutation(len(items)) if order == "random" else range(len(items))
        triples += [(user, item, float(t)) for item, t in zip(items, when, strict=True)]
    return triples


def kg_content(folder: Path):
    """Content features from the knowledge graph: one token per (relation,
    entity) linked to a course."""
    path = folder / "kg_final.txt"
    if not path.exists():
        return None
    tokens: dict[int, list[str]] = defaultdict(list)
    with open(path) as handle:
        for line in handle:
            head, relation, tail = (int(p) for p in line.split())
            tokens[head].append(f"kg:{relation}:{tail}")

    def build(item_ids: np.ndarray):
        return build_content_model([tokens.get(int(i), []) for i in item_ids])

    return build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--order", choices=("random", "file"), default="random")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    courses = load_positives(args.data)
    content = kg_content(args.data)
    result = {"data": str(args.data), "protocol": f"leave-last-out, {args.order} order"}
    result |= evaluate_triples(
        to_triples(courses, order=args.order, seed=args.seed),
        item_content=content,
        seed=args.seed,
    )
    other = "file" if args.order == "random" else "random"
    alt = evaluate_triples(
        to_triples(courses, order=other, seed=args.seed),
        item_content=content,
        seed=args.seed,
    )
    keys = ("ndcg10", "ndcg10_popularity", "ratio_vs_popularity", "recall10")
    result[f"{other}_order"] = {key: alt[key] for key in keys}
    result["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
