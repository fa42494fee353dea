"""Fill the weekly and monthly totals from the ledger written so far."""

from collections import Counter
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

EARNING_KINDS = ("award", "reversal", "adjustment")


def backfill(apps, schema_editor):
    PointsEntry = apps.get_model("gamification", "PointsEntry")
    PointsBalance = apps.get_model("gamification", "PointsBalance")
    PeriodTotal = apps.get_model("gamification", "PeriodTotal")
    listed = dict(PointsBalance.objects.values_list("member_id", "listed"))
    totals: Counter = Counter()
    for member_id, amount, created_at in PointsEntry.objects.filter(
        kind__in=EARNING_KINDS
    ).values_list("member_id", "amount", "created_at").iterator():
        day = timezone.localtime(created_at).date()
        totals[(member_id, "week", day - timedelta(days=day.weekday()))] += amount
        totals[(member_id, "month", day.replace(day=1))] += amount
    PeriodTotal.objects.bulk_create(
        [
            PeriodTotal(
                member_id=member_id,
                period=period,
                start=start,
                total=total,
                listed=listed.get(member_id, True),
            )
            for (member_id, period, start), total in totals.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("gamification", "0006_period_totals")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
