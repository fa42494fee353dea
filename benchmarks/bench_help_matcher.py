"""The help matcher (core.textmatch) at scale: ~5,000 documents.

The corpus is the demo's real documents (answered questions, lessons,
articles: tests/website/help_eval.py) plus distractors cut from the docstrings
of installed libraries (csv, statistics, http, numpy, django.forms,
sklearn.metrics…): technical English about the same subjects — files, CSV,
means and medians, HTTP, models — that answers none of the questions. (If the
libraries' docstrings run out, the distractors repeat: the latency still holds,
the hit rate gets harder.) Reports the fit time, the pickled size (what
the Django cache holds), the median query time over the labelled questions,
and the labelled top-1/top-3 hit rates on the real documents alone and with
the distractors in the way.

    .venv/bin/python benchmarks/bench_help_matcher.py [--docs 5000] [--site]

--site also times GET /help/similar/?q= on the demo site (seed_demo in a
private SQLite database, see harness.py) against the article baseline."""

import argparse
import json
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# Real technical English that is not an answer to any labelled question: the
# docstrings of installed libraries (about files, CSV, statistics, HTTP, forms,
# arrays…), so distractors share the corpus's vocabulary and topics.
DISTRACTOR_MODULES = (
    "csv", "statistics", "json", "http.client", "http.server", "urllib.request",
    "email.message", "html.parser", "pathlib", "collections", "itertools",
    "functools", "random", "datetime", "decimal", "fractions", "string", "textwrap",
    "numpy", "numpy.linalg", "numpy.random", "numpy.ma", "numpy.lib.npyio",
    "django.forms.fields", "django.forms.forms", "django.db.models.query",
    "django.http.request", "django.http.response", "django.template.defaultfilters",
    "django.utils.html", "django.utils.text", "django.core.paginator",
    "sklearn.feature_extraction.text", "sklearn.model_selection",
    "sklearn.metrics", "sklearn.linear_model", "scipy.stats", "scipy.sparse",
)  # fmt: skip


def _docstrings():
    import importlib
    import inspect

    seen = set()
    for name in DISTRACTOR_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for _member, obj in sorted(vars(module).items()):
            doc = inspect.getdoc(obj) if callable(obj) else None
            if doc and len(doc.split()) >= 30 and doc not in seen:
                seen.add(doc)
                yield doc


def _distractors(count: int):
    """`count` documents of 60–250 words cut from library docstrings."""
    from core.textmatch import Document

    made = []
    while len(made) < count:
        before = len(made)
        for doc in _docstrings():
            words = doc.split()
            for start in range(0, len(words), 250):
                chunk = words[start : start + 250]
                if len(chunk) < 60:
                    continue
                n = len(made)
                made.append(
                    Document(
                        f"noise:{n}",
                        ("question", "lesson", "article")[n % 3],
                        " ".join(chunk[:8]),
                        " ".join(chunk[8:]),
                    )
                )
                if len(made) >= count:
                    return made
        if len(made) == before:
            break
    return made


def matcher(total_docs: int) -> dict:
    from core.textmatch import TextIndex
    from tests.website.help_eval import LABELLED, demo_documents, hit_rate

    real = demo_documents()
    alone = TextIndex(real)
    real_top3, _misses = hit_rate(alone, k=3)
    real_top1, _misses = hit_rate(alone, k=1)
    corpus = real + _distractors(max(0, total_docs - len(real)))
    start = time.perf_counter()
    index = TextIndex(corpus)
    fit_ms = (time.perf_counter() - start) * 1000
    size = len(pickle.dumps(index))
    start = time.perf_counter()
    pickle.loads(pickle.dumps(index))  # noqa: S301 - our own bytes
    roundtrip_ms = (time.perf_counter() - start) * 1000

    questions = [q for q, _expected in LABELLED]
    for q in questions[:5]:
        index.query(q)  # warm-up
    samples = []
    for _round in range(10):
        for q in questions:
            start = time.perf_counter()
            index.query(q, limit=5)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    top3, misses3 = hit_rate(index, k=3)
    top1, _misses1 = hit_rate(index, k=1)
    return {
        "documents": len(corpus),
        "real_documents": len(real),
        "fit_ms": round(fit_ms, 1),
        "pickled_bytes": size,
        "pickle_roundtrip_ms": round(roundtrip_ms, 1),
        "query_runs": len(samples),
        "query_median_ms": round(statistics.median(samples), 3),
        "query_p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 3),
        "labelled_questions": len(LABELLED),
        "real_only_hit_rate_top1": round(real_top1, 3),
        "real_only_hit_rate_top3": round(real_top3, 3),
        "hit_rate_top1": round(top1, 3),
        "hit_rate_top3": round(top3, 3),
        "misses_top3": [q for q, _e, _top in misses3],
    }


def site() -> dict:
    from django.test import Client

    from benchmarks.harness import article_baseline, count_queries, get_ok, timings
    from members.models import User

    client = Client()
    member = User.objects.filter(is_staff=False).order_by("pk").first()
    client.force_login(member)
    baseline = article_baseline(client)
    fetch = get_ok(client, "/help/similar/?q=how+do+I+read+a+csv+file+with+semicolons")
    fetch()  # builds the index once
    result = timings(fetch, runs=200)
    result["queries"] = count_queries(fetch)
    result["ratio_to_article"] = round(result["median_ms"] / baseline["median_ms"], 2)
    return {"similar_fragment": result, "article_baseline": baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--site", action="store_true")
    args = parser.parse_args()
    if args.site:
        from benchmarks.harness import setup_django

        setup_django()  # migrates and seeds its private database first
    else:
        import django

        # The labelled set reads the demo content modules (app registry needed).
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        django.setup()
    report = {"benchmark": "help_matcher", "matcher": matcher(args.docs)}
    if args.site:
        report["site"] = site()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
