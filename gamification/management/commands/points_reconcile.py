"""Prove that every cached points balance equals its ledger sum."""

from django.core.management.base import BaseCommand, CommandError

from gamification.scoreboard import score_counts_check
from gamification.services import points_reconcile


class Command(BaseCommand):
    help = (
        "Check every cached points balance against the ledger; exit non-zero and "
        "list the differences if any. --fix sets the cache to the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="repair the cached balances"
        )

    def handle(self, *args, **options):
        mismatches = points_reconcile(fix=options["fix"])
        # After the balances: a fix rebuilds the histogram from repaired totals.
        wrong_counts = score_counts_check(fix=options["fix"])
        for board, score, stored, true in wrong_counts:
            self.stdout.write(
                f"leaderboard {board}: {stored} member(s) counted at {score} points, "
                f"{true} really there"
            )
        if not mismatches and not wrong_counts:
            self.stdout.write(
                self.style.SUCCESS(
                    "All balances match the ledger and the leaderboard counts match."
                )
            )
            return
        for m in mismatches:
            self.stdout.write(
                f"member {m.member_id}: cached total {m.cached_total}, ledger "
                f"{m.ledger_total}; cached earned {m.cached_earned}, ledger "
                f"{m.ledger_earned}"
            )
        if options["fix"]:
            self.stdout.write(
                self.style.WARNING(
                    f"Repaired {len(mismatches)} balance(s) and "
                    f"{len(wrong_counts)} leaderboard count(s)."
                )
            )
            return
        raise CommandError(
            f"{len(mismatches)} balance(s) differ from the ledger and "
            f"{len(wrong_counts)} leaderboard count(s) are wrong; run "
            "`manage.py points_reconcile --fix` to rebuild them from the ledger."
        )
