"""Mastery model benchmark: train the knowledge tracing model on a folder's
train split, score its test split (AUC of the next answer), and compare with a
per-skill BKT baseline.

    python benchmarks/mastery_auc.py [--data ../shared/data/assistments09_gervet]

The folder holds ``preprocessed_data_train.csv`` and ``preprocessed_data_test.csv``
(Gervet et al.'s TSV: user_id item_id timestamp correct skill_id) and optionally
``q_mat.npz`` (item × skill). Prints one JSON object. No Django needed.
"""

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paths.engine.bkt import BKT  # noqa: E402
from paths.engine.mastery import (  # noqa: E402
    FeatureSpec,
    KnowledgeTracer,
    Mastery,
    fit_portable_params,
    load_kt_folder,
    time_updates,
)

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "assistments09_gervet"


def time_service_update(runs: int = 300) -> dict:
    """Median ms of ``paths.mastery.mastery_record_answer`` (lock, rows, model,
    bulk writes) for an answer on two skills, on a throwaway SQLite database."""
    import os
    import tempfile

    from benchmarks.harness import timings

    folder = tempfile.mkdtemp(prefix="lyceum-mastery-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from courses.models import Skill, Topic
    from paths.mastery import mastery_record_answer

    topic = Topic.objects.create(name="Bench", slug="bench")
    skills = [
        Skill.objects.create(topic=topic, name=f"S{n}", slug=f"s{n}") for n in range(2)
    ]
    member = get_user_model().objects.create_user(
        username="bench", email="bench@example.org"
    )
    ids = [s.pk for s in skills]
    flip = iter(range(10**9))

    def update():
        mastery_record_answer(member=member, skill_ids=ids, correct=next(flip) % 3 > 0)

    measured = timings(update, runs=runs, warmup=10)
    # CPU time is what a loaded machine does not inflate.
    cpu_start = time.process_time()
    for _ in range(runs):
        update()
    cpu_ms = (time.process_time() - cpu_start) / runs * 1000
    # Inside an open transaction, as the consumer runs (the dispatcher commits
    # its receipt and the consumer's writes together): without the commit.
    from django.db import transaction

    with transaction.atomic():
        in_transaction = timings(update, runs=runs, warmup=10)
        transaction.set_rollback(True)
    return {
        "service_update_ms_median": measured["median_ms"],
        "service_update_ms_p95": measured["p95_ms"],
        "service_update_in_transaction_ms_median": in_transaction["median_ms"],
        "service_update_cpu_ms_mean": round(cpu_ms, 3),
        "service_update_db": "sqlite",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularisation")
    parser.add_argument(
        "--service",
        action="store_true",
        help="also time the whole service update (database included) on a "
        "throwaway SQLite database",
    )
    parser.add_argument(
        "--skip-portable",
        action="store_true",
        help="do not fit the portable (shipped-defaults) variant",
    )
    args = parser.parse_args()

    missing = [
        name
        for name in ("preprocessed_data_train.csv", "preprocessed_data_test.csv")
        if not (args.data / name).is_file()
    ]
    if missing:
        parser.error(
            f"{args.data} is not in Gervet et al.'s format: no {', '.join(missing)}"
        )
    start = time.perf_counter()
    train, test, q_matrix = load_kt_folder(args.data)
    load_s = time.perf_counter() - start

    start = time.perf_counter()
    tracer = KnowledgeTracer.fit(train, FeatureSpec(), C=args.C)
    fit_s = time.perf_counter() - start
    auc = tracer.auc(test)

    start = time.perf_counter()
    bkt = BKT.fit(train)
    bkt_fit_s = time.perf_counter() - start
    auc_bkt = float(roc_auc_score(test.correct, bkt.predict_proba(test)))
    guess, slip = bkt.typical_guess_slip()

    result = {
        "benchmark": "mastery_auc",
        "data": str(args.data),
        "model": "logistic KT (Best-LR features + recent counts)",
        "auc": round(auc, 4),
        "auc_bkt": round(auc_bkt, 4),
        "n_train": len(train),
        "n_test": len(test),
        "n_train_learners": int(len(np.unique(train.user))),
        "n_test_learners": int(len(np.unique(test.user))),
        "n_items": train.n_items,
        "n_skills": train.n_skills,
        "test_base_rate": round(float(test.correct.mean()), 4),
        "load_s": round(load_s, 2),
        "fit_s": round(fit_s, 2),
        "fit_bkt_s": round(bkt_fit_s, 2),
        "bkt_guess_slip": [guess, slip],
    }
    if not args.skip_portable:
        start = time.perf_counter()
        params = fit_portable_params(train, q_matrix=q_matrix, C=args.C)
        result["fit_portable_s"] = round(time.perf_counter() - start, 2)
        portable = KnowledgeTracer.from_params(
            params, skill_index={str(k): k for k in range(train.n_skills)}
        )
        # The portable parameters know no items and no per-skill weights: the
        # AUC a new site starts from before its first refit.
        result["auc_portable"] = round(portable.auc(test), 4)
        mastery = Mastery(params)
    else:
        mastery = Mastery(tracer.to_params() | {"guess": guess, "slip": slip})
    result["update_ms_median"] = round(time_updates(mastery, runs=5000), 4)
    result["update_skills_per_answer"] = 2
    if args.service:
        result.update(time_service_update())
    result["python"] = platform.python_version()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
