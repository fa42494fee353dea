"""Count the listed members at each score on every board written so far."""

from collections import Counter

from django.db import migrations
from django.db.models import Count


def backfill(apps, schema_editor):
    PointsBalance = apps.get_model("gamification", "PointsBalance")
    PeriodTotal = apps.get_model("gamification", "PeriodTotal")
    ScoreCount = apps.get_model("gamification", "ScoreCount")
    counts: Counter = Counter()
    for score, n in (
        PointsBalance.objects.filter(listed=True)
        .exclude(earned=0)
        .values_list("earned")
        .annotate(n=Count("pk"))
        .values_list("earned", "n")
    ):
        counts[("all", score)] += n
    for period, start, score, n in (
        PeriodTotal.objects.filter(listed=True)
        .exclude(total=0)
        .values_list("period", "start", "total")
        .annotate(n=Count("pk"))
        .values_list("period", "start", "total", "n")
    ):
        counts[(f"{period}:{start.isoformat()}", score)] += n
    ScoreCount.objects.bulk_create(
        [ScoreCount(board=b, score=s, members=n) for (b, s), n in counts.items()],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("gamification", "0009_score_counts")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
