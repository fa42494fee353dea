"""Churn risk validated on OULAD: predict withdrawal from a course presentation
from what is known on day N.

    python benchmarks/churn_auc.py [--data ../shared/data/oulad] [--cutoff 60]

This copy of OULAD has no studentVle.csv (the VLE click log), so a student's
timeline is their assessment submissions (dates, scores) plus their registration
date and the assessments due by the cut-off that they have not submitted. At the
cut-off day N (days from the presentation's start) we keep only students still
registered (no unregistration on or before day N), use only submissions dated
≤ N and deadlines ≤ N, and predict final_result == "Withdrawn". Train on the
2013 presentations, test on the 2014 ones (a split in time, as a site would
use it). Prints one JSON object.
"""

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paths.engine.churn import (  # noqa: E402
    FEATURES,
    LEARNING,
    Timeline,
    brier_score,
    calibration_error,
    churn_feature_matrix,
    fit_churn,
)

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "oulad"
# Every OULAD event here is a submission (learning): the learning/social shares
# would only say "submitted anything", which `events_window` already says.
USED = tuple(f for f in FEATURES if f not in ("learning_share", "social_share"))


def rows(path: Path):
    # The published CSVs are not all UTF-8 (one column holds mis-encoded text).
    with open(path, encoding="latin-1", newline="") as handle:
        yield from csv.DictReader(handle)


def number(text: str) -> float | None:
    text = (text or "").strip()
    try:
        return float(text)
    except ValueError:
        return None


def load(folder: Path, cutoff: float):
    """Timelines, labels and presentation codes of students still registered on
    the cut-off day."""
    assessments = {}
    due = defaultdict(list)
    for r in rows(folder / "assessments.csv"):
        key = (r["code_module"], r["code_presentation"])
        assessments[r["id_assessment"]] = key
        deadline = number(r["date"])
        if r["assessment_type"] != "Exam" and deadline is not None:
            due[key].append((r["id_assessment"], deadline))
    submitted = defaultdict(list)
    for r in rows(folder / "studentAssessment.csv"):
        when = number(r["date_submitted"])
        if when is None or when > cutoff:
            continue
        key = assessments[r["id_assessment"]] + (r["id_student"],)
        score = number(r["score"])
        submitted[key].append((when, r["id_assessment"], score))
    registration = {}
    for r in rows(folder / "studentRegistration.csv"):
        key = (r["code_module"], r["code_presentation"], r["id_student"])
        registration[key] = (
            number(r["date_registration"]),
            number(r["date_unregistration"]),
        )

    timelines, labels, presentations = [], [], []
    for r in rows(folder / "studentInfo.csv"):
        key = (r["code_module"], r["code_presentation"], r["id_student"])
        joined, left = registration.get(key, (None, None))
        if left is not None and left <= cutoff:
            continue  # already gone: nothing left to predict
        if joined is not None and joined > cutoff:
            continue
        events = sorted(submitted.get(key, []))
        done = {a for _, a, _ in events}
        overdue = sum(
            1 for a, deadline in due[key[:2]] if deadline < cutoff and a not in done
        )
        timelines.append(
            Timeline(
                days=[when for when, _, _ in events],
                kinds=[LEARNING] * len(events),
                scores=[np.nan if s is None else s / 100 for _, _, s in events],
                joined=joined,
                overdue=overdue,
            )
        )
        labels.append(r["final_result"] == "Withdrawn")
        presentations.append(r["code_presentation"])
    return timelines, np.asarray(labels, dtype=int), np.asarray(presentations)


def evaluate(folder: Path, cutoff: float) -> dict:
    timelines, y, presentation = load(folder, cutoff)
    x = churn_feature_matrix(timelines, now=cutoff)[
        :, [FEATURES.index(f) for f in USED]
    ]
    train = np.char.startswith(presentation.astype(str), "2013")
    test = ~train
    started = time.perf_counter()
    model = fit_churn(x[train], y[train], features=USED, calibrate=True)
    fit_s = time.perf_counter() - started
    risk = model.risk(x[test])
    raw = model.raw_probability(x[test])
    recency = USED.index("days_since_last")
    only_recency = fit_churn(
        x[train][:, [recency]], y[train], features=("days_since_last",)
    )
    recency_risk = only_recency.risk(x[test][:, [recency]])
    factor_counts: dict[str, int] = defaultdict(int)
    for row in x[test][np.argsort(-risk)[:500]]:
        for factor in model.factors(row, top=1):
            factor_counts[factor.feature] += 1
    return {
        "cutoff_day": cutoff,
        "auc": round(roc_auc_score(y[test], risk), 4),
        "brier": round(brier_score(y[test], risk), 4),
        "calibration_error": round(calibration_error(y[test], risk), 4),
        "auc_uncalibrated": round(roc_auc_score(y[test], raw), 4),
        "brier_uncalibrated": round(brier_score(y[test], raw), 4),
        "auc_recency_only": round(roc_auc_score(y[test], recency_risk), 4),
        "brier_recency_only": round(brier_score(y[test], recency_risk), 4),
        "brier_base_rate": round(
            brier_score(y[test], np.full(test.sum(), y[train].mean())), 4
        ),
        "withdrawn_rate_train": round(float(y[train].mean()), 4),
        "withdrawn_rate_test": round(float(y[test].mean()), 4),
        "n_train": int(train.sum()),
        "n_test": int(test.sum()),
        "fit_s": round(fit_s, 3),
        "coefficients": json.loads(model.describe()),
        "top_factor_of_riskiest_500": dict(
            sorted(factor_counts.items(), key=lambda kv: -kv[1])
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cutoff", type=float, default=60.0)
    args = parser.parse_args()
    result = {"data": str(args.data), "split": "train 2013B+2013J, test 2014B+2014J"}
    result |= evaluate(args.data, args.cutoff)
    other = 28.0 if args.cutoff != 28.0 else 60.0
    alt = evaluate(args.data, other)
    keys = ("auc", "brier", "auc_recency_only", "n_train", "n_test")
    result[f"cutoff_{other:g}"] = {k: alt[k] for k in keys}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
