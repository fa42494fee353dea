"""Demo notifications come from consuming the demo's activities, once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from activity.models import Activity
from forum import services as forum
from notifications.demo import seed_notifications
from notifications.models import Notification

from .conftest import make_topic

pytestmark = pytest.mark.django_db


def test_seed_consumes_demo_activities_once_without_mail(author, replier, board):
    topic = make_topic(board=board, author=author)
    forum.post_reply(author=replier, topic=topic, body="An older reply")
    forum.post_reply(author=replier, topic=topic, body="A fresh reply")
    old, _fresh = Activity.objects.filter(verb="replied").order_by("pk")
    Activity.objects.filter(pk=old.pk).update(
        timestamp=timezone.now() - dt.timedelta(days=5)
    )

    assert seed_notifications() == {"notifications": 2}
    assert seed_notifications() == {"notifications": 2}

    older, newer = Notification.objects.order_by("created_at")
    assert older.created_at < timezone.now() - dt.timedelta(days=4)
    assert older.read_at is not None  # history reads as seen
    assert newer.read_at is None  # the bell stays lit for recent ones
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert mail.outbox == []
