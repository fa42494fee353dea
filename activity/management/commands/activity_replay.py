"""Re-dispatch logged activities to their consumers.

Safe to run at any time: consumers that already handled an activity have a
receipt and are skipped, so replaying only fills gaps (a consumer added later, a
broker outage, a crashed worker). Activities go in batches, oldest first."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from activity import registry
from activity.models import Activity
from activity.services import SWEEP_BATCH_SIZE, activity_dispatch_batch
from activity.vocabulary import VERBS


def _moment(option: str, raw: str) -> datetime:
    """An ISO date-time (naive means the site's time zone) or a bare date
    (its midnight)."""
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"--{option} must be an ISO date or date-time, not {raw!r}.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Re-dispatch activities to consumers that have not handled them yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", help="ISO date or date-time; only activities at/after it"
        )
        parser.add_argument(
            "--until", help="ISO date or date-time; only activities before it"
        )
        parser.add_argument("--verb", action="append", default=[], help="repeatable")
        parser.add_argument("--consumer", help="only run this consumer")
        parser.add_argument("--id", type=int, action="append", default=[], dest="ids")
        parser.add_argument(
            "--dry-run", action="store_true", help="count, dispatch nothing"
        )

    def handle(self, *args, **options):
        activities = Activity.objects.order_by("timestamp", "pk")
        bounds = {}
        for bound, lookup in (("since", "timestamp__gte"), ("until", "timestamp__lt")):
            if options[bound]:
                bounds[bound] = _moment(bound, options[bound])
                activities = activities.filter(**{lookup: bounds[bound]})
        if len(bounds) == 2 and bounds["since"] >= bounds["until"]:
            raise CommandError("--since must be before --until.")
        unknown = sorted(set(options["verb"]) - VERBS.keys())
        if unknown:
            raise CommandError(f"Unknown verb(s): {', '.join(unknown)}.")
        if options["verb"]:
            activities = activities.filter(verb__in=options["verb"])
        if options["ids"]:
            activities = activities.filter(pk__in=options["ids"])
        only = options["consumer"]
        if only:
            try:
                consumer = registry.get_consumer(only)
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            if consumer.verbs is not None:
                activities = activities.filter(verb__in=consumer.verbs)
            activities = activities.exclude(receipts__consumer=only)

        ids = list(activities.values_list("pk", flat=True))
        if options["dry_run"]:
            self.stdout.write(f"{len(ids)} activities would be replayed.")
            return
        ran = 0
        for first in range(0, len(ids), SWEEP_BATCH_SIZE):
            batch = ids[first : first + SWEEP_BATCH_SIZE]
            done = activity_dispatch_batch(activity_ids=batch, only=only)
            ran += sum(len(consumers) for consumers in done.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Replayed {len(ids)} activities; {ran} consumer runs were needed."
            )
        )
