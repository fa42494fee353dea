"""The activity log's part of the privacy registry. On erasure the rows stay
(they feed points, statistics and every consumer's idempotency) and keep
pointing at the member row, which is itself anonymised: the log then
describes "a deleted member" and points totals stay consistent."""

from django.utils.translation import gettext_lazy as _

from members.privacy import register_exporter, rows

from .models import Activity


def activity_export(member) -> list[dict]:
    return rows(
        Activity.objects.filter(actor=member).order_by("timestamp", "id"),
        ["verb", "object_type", "object_id", "result", "context", "timestamp"],
    )


register_exporter(
    "activity_log",
    activity_export,
    label=_("Activity log"),
    purpose=_(
        "A record of what you did (lessons completed, answers, posts) that "
        "drives points, badges, streaks and your learning path."
    ),
    retention=_("Kept without your name after you delete your account."),
)
