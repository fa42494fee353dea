"""Shared set-up for benchmarks: a private SQLite database with the demo data,
Django configured with production-like templates (DEBUG off), and timing helpers.

Benchmarks print one JSON object each. Because these machines are noisy, every
benchmark also measures the baseline (rendering a static ArticlePage) in the same
run and reports its own numbers as a ratio to it."""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = ROOT / "benchmarks" / ".bench.sqlite3"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DB}")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def timings(fn: Callable[[], object], *, runs: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 3),
        "min_ms": round(samples[0], 3),
    }


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def get_ok(client, url: str) -> Callable[[], object]:
    def fetch():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    return fetch


def article_baseline(client, *, runs: int = 200) -> dict:
    """The reference every benchmark divides by: one static article page."""
    from website.models import ArticlePage

    article = ArticlePage.objects.live().order_by("path").first()
    if article is None:
        raise RuntimeError("seed_demo created no ArticlePage")
    fetch = get_ok(client, article.url)
    result = timings(fetch, runs=runs)
    result["queries"] = count_queries(fetch)
    result["url"] = article.url
    return result
