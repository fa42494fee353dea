from django.db.models import QuerySet

from .models import Activity


def activity_for_member(*, user, limit: int = 50) -> QuerySet[Activity]:
    return Activity.objects.filter(actor=user).order_by("-timestamp", "-pk")[:limit]
