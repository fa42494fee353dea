"""Fit the churn model's shipped defaults on OULAD (withdrawal from a course
presentation, as benchmarks/churn_auc.py validates it) and write them as a small
JSON file the daily segments task uses until the platform has enough history."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from sklearn.metrics import roc_auc_score

from paths.engine.churn import FEATURES, churn_feature_matrix, fit_churn
from paths.segmentation import CHURN_DEFAULTS_PATH, model_to_dict


class Command(BaseCommand):
    help = (
        "Fit the default churn model on an OULAD folder (assessments.csv, "
        "studentAssessment.csv, studentRegistration.csv, studentInfo.csv): train on "
        "the 2013 presentations at --cutoff, report AUC on 2014, write "
        "paths/data/churn_defaults.json (or --out)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, type=Path)
        parser.add_argument("--cutoff", type=float, default=60.0)
        parser.add_argument("--out", type=Path, default=CHURN_DEFAULTS_PATH)

    def handle(self, *args, **options):
        from benchmarks.churn_auc import USED, load

        try:
            timelines, y, presentation = load(options["data"], options["cutoff"])
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(f"Cannot read {options['data']}: {error}") from error
        x = churn_feature_matrix(timelines, now=options["cutoff"])[
            :, [FEATURES.index(f) for f in USED]
        ]
        train = [str(p).startswith("2013") for p in presentation]
        test = [not t for t in train]
        model = fit_churn(x[train], y[train], features=USED, calibrate=True)
        auc = float(roc_auc_score(y[test], model.risk(x[test])))
        params = model_to_dict(model)
        params["fitted_on"] = {
            "data": options["data"].resolve().name,
            "cutoff_day": options["cutoff"],
            "n_train": int(sum(train)),
            "n_test": int(sum(test)),
            "auc_test": round(auc, 4),
        }
        options["out"].parent.mkdir(parents=True, exist_ok=True)
        options["out"].write_text(json.dumps(params, indent=1, sort_keys=True) + "\n")
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {options['out']} (AUC on 2014: {auc:.4f}).")
        )
