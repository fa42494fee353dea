"""Fit the mastery model's shipped default parameters on a knowledge tracing
data set (Gervet et al.'s TSV format) and write them as a small JSON file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from sklearn.metrics import roc_auc_score

from paths.engine.mastery import (
    KnowledgeTracer,
    fit_portable_params,
    load_kt_folder,
    validate_params,
)
from paths.mastery import DEFAULTS_PATH


class Command(BaseCommand):
    help = (
        "Fit the default mastery parameters (global weights only, no per-item or "
        "per-skill entries) on a folder with preprocessed_data_train.csv, "
        "preprocessed_data_test.csv and q_mat.npz, and write them to "
        "paths/data/mastery_defaults.json (or --out)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, type=Path)
        parser.add_argument("--out", type=Path, default=DEFAULTS_PATH)

    def handle(self, *args, **options):
        folder = options["data"]
        try:
            train, test, q_matrix = load_kt_folder(folder)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {folder}: {error}") from error
        params = fit_portable_params(train, q_matrix=q_matrix)
        validate_params(params)
        tracer = KnowledgeTracer.from_params(
            params, skill_index={str(k): k for k in range(train.n_skills)}
        )
        auc = float(roc_auc_score(test.correct, tracer.predict_proba(test)))
        params["fitted_on"] = {
            "data": folder.resolve().name,
            "n_train": len(train),
            "n_test": len(test),
            "auc_test": round(auc, 4),
        }
        options["out"].parent.mkdir(parents=True, exist_ok=True)
        options["out"].write_text(json.dumps(params, indent=1, sort_keys=True) + "\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {options['out']} (held-out AUC {auc:.4f} with no item or "
                "per-skill weights)."
            )
        )
