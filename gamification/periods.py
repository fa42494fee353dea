"""Calendar periods for the leaderboards: weeks (from Monday) and months in the
site's time zone, the same for every member so that a board is comparable."""

from datetime import date, datetime, timedelta

from django.utils import timezone

WEEK, MONTH = "week", "month"


def period_start(period: str, moment: datetime) -> date:
    day = timezone.localtime(moment).date()
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    if period == MONTH:
        return day.replace(day=1)
    raise ValueError(f"Unknown period {period!r}")
