"""The bell, the list, reading, and that a member reaches only their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Kind, Notification

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _notify(member, n=1, **kwargs):
    actor = kwargs.pop("actor", None) or make_user(first_name="Grace")
    return [
        Notification.objects.create(
            recipient=member,
            kind=Kind.REPLY,
            actor=actor,
            params={"topic": f"Topic {i}"},
            url="/community/",
            source_key=f"test:{i}:{actor.pk}",
            **kwargs,
        )
        for i in range(n)
    ]


def _notification_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "notifications_notification" in q["sql"]]


def test_the_bell_shows_the_unread_count_with_one_query(client, author):
    _notify(author, 3)
    client.force_login(author)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("gamification:progress"))
    assert response.status_code == 200
    assert 'data-testid="notification-count"' in response.content.decode()
    assert ">3</span>" in response.content.decode()
    assert len(_notification_queries(captured)) == 1


def test_no_count_when_all_read(client, author):
    for n in _notify(author, 2):
        n.read_at = n.created_at
        n.save()
    client.force_login(author)
    response = client.get(reverse("notifications:list"))
    assert 'data-testid="notification-count"' not in response.content.decode()


def test_the_list_is_translated_text_in_constant_queries(client, author):
    _notify(author, 2)
    client.force_login(author)
    client.get(reverse("notifications:list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("notifications:list"))
    assert "Grace replied to your topic “Topic 0”" in response.content.decode()
    _notify(author, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="notification"') == 20
    assert len(many) == len(few)
    response = client.get(reverse("notifications:list"), {"page": 2})
    assert response.content.decode().count('data-testid="notification"') == 12


def test_the_list_renders_in_the_readers_language(client, author):
    _notify(author)
    client.force_login(author)
    response = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    # Stored are kind and parameters, never an English sentence.
    assert Notification.objects.get().params == {"topic": "Topic 0"}


def test_opening_marks_read_and_redirects(client, author):
    (notification,) = _notify(author)
    client.force_login(author)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/community/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_offsite_url_is_not_followed(client, author):
    (notification,) = _notify(author)
    Notification.objects.filter(pk=notification.pk).update(url="https://evil.example/")
    client.force_login(author)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == "/notifications/"


def test_mark_read_and_all_read_need_post(client, author):
    first, second, third = _notify(author, 3)
    client.force_login(author)
    assert client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    client.post(reverse("notifications:read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_others_notifications_answer_404(client, author, replier):
    (theirs,) = _notify(replier)
    client.force_login(author)
    assert (
        client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    )
    assert (
        client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    )
    client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_pages_need_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "login" in response["Location"]
