"""Preferences, e-mail (quiet hours, one-click unsubscribe), event
reminders, digests and nudges."""

import datetime as dt

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from forum import services as forum
from notifications import delivery, services
from notifications.models import (
    Channel,
    DeliverySettings,
    DigestFrequency,
    DigestSent,
    Kind,
    Notification,
    NotificationPreference,
)

from .conftest import dispatch_all, make_topic, make_user

pytestmark = pytest.mark.django_db


def _reply(author, replier, board, body="A helpful reply"):
    topic = make_topic(board=board, author=author, title="Plotting")
    forum.post_reply(author=replier, topic=topic, body=body)
    return topic


# E-mail ------------------------------------------------------------------------


def _dispatch_and_send(capture):
    """Dispatch, then run only the e-mail enqueueing that notify() scheduled
    for after the commit (other apps' after-commit work is not under test)."""
    with capture() as callbacks:
        dispatch_all("replied")
    for callback in callbacks:
        if getattr(callback, "__name__", "") == "_enqueue_emails":
            callback()


def test_email_channel_sends_one_mail_with_unsubscribe_headers(
    author, replier, board, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        member=author, kind=Kind.REPLY, channel=Channel.EMAIL
    )
    _reply(author, replier, board)
    _dispatch_and_send(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [author.email]
    assert message.subject == "Grace Hopper replied to your topic “Plotting”"
    assert "http://testserver/community/" in message.body
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in link
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    html = message.alternatives[0][0]
    assert link in html
    # Sending again sends nothing: each notification is e-mailed once.
    assert services.emails_send_due() == 0
    assert len(mail.outbox) == 1


def test_in_app_channel_sends_no_mail(
    author, replier, board, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        member=author, kind=Kind.REPLY, channel=Channel.IN_APP
    )
    _reply(author, replier, board)
    _dispatch_and_send(django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=author).count() == 1
    assert mail.outbox == []


def test_quiet_hours_defer_the_mail_to_their_end(author, replier, board):
    from gamification.models import MemberGameProfile

    MemberGameProfile.objects.create(member=author, time_zone="Europe/Berlin")
    now = timezone.now()
    local = now.astimezone(dt.timezone(dt.timedelta(hours=1)))
    # Quiet from an hour ago until two hours from now (Berlin time, winter).
    DeliverySettings.objects.create(
        member=author,
        quiet_start=(local - dt.timedelta(hours=1))
        .time()
        .replace(second=0, microsecond=0),
        quiet_end=(local + dt.timedelta(hours=2))
        .time()
        .replace(second=0, microsecond=0),
    )
    _reply(author, replier, board)
    dispatch_all("replied")
    notification = Notification.objects.get()
    assert notification.email_due_at > now + dt.timedelta(hours=1, minutes=50)
    assert services.emails_send_due(now=now) == 0
    assert mail.outbox == []
    assert services.emails_send_due(now=notification.email_due_at) == 1
    assert len(mail.outbox) == 1


def test_quiet_hours_across_midnight():
    import zoneinfo

    from notifications.selectors import quiet_until

    zone = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    settings = DeliverySettings(quiet_start=dt.time(22), quiet_end=dt.time(7))
    late = dt.datetime(2026, 11, 23, 23, 30, tzinfo=zone)
    early = dt.datetime(2026, 11, 24, 6, 0, tzinfo=zone)
    noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=zone)
    end = dt.datetime(2026, 11, 24, 7, 0, tzinfo=zone)
    assert quiet_until(settings, zone=zone, now=late) == end
    assert quiet_until(settings, zone=zone, now=early) == end
    assert quiet_until(settings, zone=zone, now=noon) is None


# Unsubscribe -------------------------------------------------------------------


def test_unsubscribe_confirms_then_turns_the_kind_off(client, author):
    token = services.unsubscribe_token(member_id=author.pk, kind=Kind.REPLY)
    url = reverse("notifications:unsubscribe", args=[token])
    response = client.get(url)
    assert response.status_code == 200
    assert b"confirm-unsubscribe" in response.content
    assert not NotificationPreference.objects.exists()  # GET changes nothing
    response = client.post(url)  # no login, no CSRF: RFC 8058 one-click
    assert response.status_code == 200
    assert NotificationPreference.objects.get(member=author).channel == Channel.OFF


def test_unsubscribe_from_the_digest(client, author):
    token = services.unsubscribe_token(member_id=author.pk, kind=services.DIGEST)
    client.post(reverse("notifications:unsubscribe", args=[token]))
    assert DeliverySettings.objects.get(member=author).digest_frequency == "off"


def test_a_tampered_token_changes_nothing(client, author, replier):
    token = services.unsubscribe_token(member_id=author.pk, kind=Kind.REPLY)
    # Someone else's member id with this token's timestamp and signature.
    payload, stamp, signature = token.split(":")
    other = signing.b64_encode(f'{{"m":{replier.pk},"k":"reply"}}'.encode()).decode()
    assert other != payload
    forged = ":".join([other, stamp, signature])
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        url = reverse("notifications:unsubscribe", args=[bad])
        assert client.get(url).status_code == 400
        response = client.post(url)
        assert response.status_code == 400
        assert b"not valid" in response.content
    assert not NotificationPreference.objects.exists()


def test_an_expired_token_changes_nothing(client, author, monkeypatch):
    token = services.unsubscribe_token(member_id=author.pk, kind=Kind.REPLY)
    real = signing.TimestampSigner.unsign

    def later(self, value, max_age=None):
        return real(self, value, max_age=-1)

    monkeypatch.setattr(signing.TimestampSigner, "unsign", later)
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert b"expired" in response.content
    assert not NotificationPreference.objects.exists()


# Preferences page --------------------------------------------------------------


def test_preferences_page_saves_channels_digest_and_quiet_hours(client, author):
    client.force_login(author)
    assert client.get(reverse("notifications:settings")).status_code == 200
    data = {f"channel_{kind}": Channel.IN_APP for kind in Kind.values}
    data |= {
        "channel_mention": Channel.OFF,
        "digest_frequency": "daily",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
    }
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    assert (
        NotificationPreference.objects.get(member=author, kind="mention").channel
        == "off"
    )
    saved = DeliverySettings.objects.get(member=author)
    assert (saved.digest_frequency, saved.quiet_start, saved.quiet_end) == (
        "daily",
        dt.time(22),
        dt.time(7),
    )


def test_preferences_bad_input_changes_nothing(client, author):
    client.force_login(author)
    data = {f"channel_{kind}": Channel.IN_APP for kind in Kind.values}
    data |= {
        "channel_reply": "loud",
        "digest_frequency": "hourly",
        "quiet_start": "22:00",
    }
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()
    assert not DeliverySettings.objects.exists()


# Achievements and reminders ----------------------------------------------------


def test_levels_and_challenges_notify_the_achiever(author):
    from activity.services import activity_record

    activity_record(
        actor=author,
        verb="earned",
        object_type="level",
        object_id=2,
        idempotency_key="earned:level:2:test",
        context={"level_name": "Apprentice"},
    )
    activity_record(
        actor=author,
        verb="completed",
        object_type="challenge",
        object_id=9,
        idempotency_key="completed:challenge:9:test",
        context={"title": "Five lessons"},
    )
    dispatch_all()
    kinds = dict(Notification.objects.values_list("kind", "params"))
    assert kinds[Kind.LEVEL] == {"number": 2, "name": "Apprentice"}
    assert kinds[Kind.CHALLENGE] == {"challenge": "Five lessons"}


def test_event_reminder_once_per_registration(site_tree):
    from courses.event_services import event_register
    from tests.courses.conftest import make_event

    member = make_user()
    soon = make_event(starts_at=timezone.now() + dt.timedelta(hours=5))
    later = make_event(starts_at=timezone.now() + dt.timedelta(days=3))
    event_register(user=member, event=soon, notify=False)
    event_register(user=member, event=later, notify=False)
    assert delivery.event_reminders_create() == 1
    assert delivery.event_reminders_create() == 0
    reminder = Notification.objects.get(kind=Kind.EVENT_REMINDER)
    assert reminder.recipient == member
    assert reminder.params["event"] == soon.title


# Digests -----------------------------------------------------------------------


def test_digest_once_per_period_and_skipped_when_empty(author, replier, board):
    from forum.models import Subscription

    DeliverySettings.objects.create(
        member=author, digest_frequency=DigestFrequency.DAILY
    )
    quiet = make_user()
    DeliverySettings.objects.create(
        member=quiet, digest_frequency=DigestFrequency.DAILY
    )
    Subscription.objects.create(member=author, board=board)
    make_topic(board=board, author=replier, title="Fresh topic")
    from forum.models import Topic

    Topic.objects.update(last_activity_at=timezone.now())

    assert delivery.digests_send(frequency="daily") == 1
    assert delivery.digests_send(frequency="daily") == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [author.email]
    assert "Fresh topic" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    assert DigestSent.objects.filter(member=author).count() == 1
    assert not DigestSent.objects.filter(member=quiet).exists()  # nothing to say
    # Weekly readers are not in the daily run, nor off ones anywhere.
    assert delivery.digests_send(frequency="weekly") == 0


def test_digest_leaves_out_what_the_member_cannot_read(author, replier):
    from forum.models import Subscription, Topic

    from .conftest import make_board, make_group

    group = make_group(owner=replier, visibility="private")
    secret = make_board(group=group)
    Subscription.objects.create(member=author, board=secret)
    DeliverySettings.objects.create(
        member=author, digest_frequency=DigestFrequency.DAILY
    )
    make_topic(board=secret, author=replier, title="Secret")
    Topic.objects.update(last_activity_at=timezone.now())
    assert delivery.digests_send(frequency="daily") == 0
    assert mail.outbox == []


def test_digest_queries_do_not_grow_with_content(author, replier, board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forum.models import Subscription, Topic

    DeliverySettings.objects.create(
        member=author, digest_frequency=DigestFrequency.DAILY
    )
    Subscription.objects.create(member=author, board=board)
    make_topic(board=board, author=replier)
    Topic.objects.update(last_activity_at=timezone.now())
    delivery.digests_send(frequency="daily", now=timezone.now())  # warm caches
    DigestSent.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        delivery.digests_send(frequency="daily", now=timezone.now())
    DigestSent.objects.all().delete()
    for _i in range(8):
        make_topic(board=board, author=replier)
    Topic.objects.update(last_activity_at=timezone.now())
    with CaptureQueriesContext(connection) as many:
        delivery.digests_send(frequency="daily", now=timezone.now())
    assert len(many) == len(few)


# Nudges ------------------------------------------------------------------------


def _inactive(member, days):
    from activity.services import activity_record

    activity_record(
        actor=member,
        verb="registered",
        object_type="course",
        object_id=1,
        idempotency_key=f"registered:course:1:{member.pk}",
        timestamp=timezone.now() - dt.timedelta(days=days),
    )


def test_inactive_nudge_under_the_cap(author):
    _inactive(author, 10)
    now = timezone.now()
    assert delivery.nudges_send(now=now) == 1
    nudge = Notification.objects.get(kind=Kind.NUDGE)
    assert nudge.params["reason"] == "inactive"
    # The same spell of inactivity is nudged once, and the cap holds anyway.
    assert delivery.nudges_send(now=now + dt.timedelta(hours=1)) == 0
    assert Notification.objects.filter(kind=Kind.NUDGE).count() == 1


def test_the_cap_blocks_a_second_kind_of_nudge(author):
    Notification.objects.create(
        recipient=author,
        kind=Kind.NUDGE,
        params={"reason": "streak", "days": 3},
        source_key="nudge:streak:earlier",
        created_at=timezone.now() - dt.timedelta(hours=10),
    )
    _inactive(author, 10)
    assert delivery.nudges_send() == 0


def test_nudges_off_means_none(author):
    NotificationPreference.objects.create(
        member=author, kind=Kind.NUDGE, channel=Channel.OFF
    )
    _inactive(author, 10)
    delivery.nudges_send()
    assert not Notification.objects.exists()


def test_streak_at_risk_nudge_in_the_members_evening(author):
    from gamification.models import MemberGameProfile

    zone = "UTC"
    now = dt.datetime.now(dt.UTC).replace(hour=19, minute=0)
    MemberGameProfile.objects.create(
        member=author,
        time_zone=zone,
        streak_current=4,
        streak_longest=4,
        streak_last_day=now.date() - dt.timedelta(days=1),
    )
    assert delivery.nudges_send(now=now.replace(hour=9)) == 0  # morning: not yet
    assert delivery.nudges_send(now=now) == 1
    nudge = Notification.objects.get()
    assert nudge.params == {"reason": "streak", "days": 4}
