"""Members hear by e-mail that they have a seat, are on the waitlist, or got a
seat from the waitlist; each e-mail goes once, through a Celery task."""

import pytest
from django.core import mail

from courses import event_services
from courses.event_services import (
    event_cancel,
    event_register,
    event_registration_email_send,
)
from courses.models import EventRegistration
from courses.tasks import send_event_registration_email
from members.models import LearningProfile

from .conftest import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what services queue for after their commit (the e-mail tasks, eager
    in tests as in the embedded default)."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def test_a_seat_is_confirmed_by_e_mail_with_the_calendar_link(run_on_commit):
    event = make_event(title="SQL clinic", capacity=2)
    member = make_user()

    run_on_commit(event_register, user=member, event=event)

    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "You have a seat at SQL clinic"
    html = message.alternatives[0][0]
    ics = f"/learn/events/{event.pk}/event.ics"
    for body in (message.body, html):
        assert ics in body and event.url in body
        assert "https://meet.example.org/room" in body  # a seat shows the link


def test_the_waitlist_e_mail_gives_the_place_and_no_online_link(run_on_commit):
    event = make_event(title="Tiny room", capacity=1)
    run_on_commit(event_register, user=make_user(), event=event)
    first, second = make_user(), make_user()
    run_on_commit(event_register, user=first, event=event)
    run_on_commit(event_register, user=second, event=event)

    message = mail.outbox[-1]
    assert message.to == [second.email]
    assert message.subject == "You are on the waitlist for Tiny room"
    assert "number 2 on the waitlist" in message.body
    assert "meet.example.org" not in message.body
    assert "meet.example.org" not in message.alternatives[0][0]


def test_a_freed_seat_is_e_mailed_to_the_member_promoted(run_on_commit):
    event = make_event(title="Popular talk", capacity=1)
    seated, waiting = make_user(), make_user()
    run_on_commit(event_register, user=seated, event=event)
    run_on_commit(event_register, user=waiting, event=event)
    mail.outbox.clear()

    run_on_commit(event_cancel, user=seated, event=event)

    [message] = mail.outbox
    assert message.to == [waiting.email]
    assert message.subject == "A seat freed up: you are in for Popular talk"
    assert "it is yours now" in message.body
    assert f"/learn/events/{event.pk}/event.ics" in message.alternatives[0][0]
    registration = event.registrations.get(user=waiting)
    assert registration.status == EventRegistration.Status.REGISTERED
    assert registration.notified.startswith("promoted:")


def test_each_e_mail_goes_once_however_often_the_task_runs(run_on_commit):
    event = make_event(capacity=1)
    member = make_user()
    registration = run_on_commit(event_register, user=member, event=event)

    assert send_event_registration_email(registration.pk, "registered") is False
    assert send_event_registration_email.delay(registration.pk, "registered")
    assert len(mail.outbox) == 1


def test_an_e_mail_about_a_state_left_behind_is_not_sent(run_on_commit):
    event = make_event(capacity=1)
    seated, waiting = make_user(), make_user()
    run_on_commit(event_register, user=seated, event=event)
    waitlisted = event_register(user=waiting, event=event)  # its e-mail not run
    run_on_commit(event_cancel, user=seated, event=event)  # promoted meanwhile
    mail.outbox.clear()

    sent = event_registration_email_send(
        registration_id=waitlisted.pk, kind="waitlisted"
    )

    assert sent is False and mail.outbox == []


def test_the_e_mail_speaks_the_members_language(run_on_commit):
    member = make_user()
    LearningProfile.objects.create(user=member, preferred_language="de")

    run_on_commit(event_register, user=member, event=make_event())

    assert '<html lang="de">' in mail.outbox[0].alternatives[0][0]


def test_a_failing_mail_server_does_not_undo_the_registration(
    run_on_commit, monkeypatch
):
    def broken(registration, kind):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(event_services, "_send_registration_email", broken)
    event = make_event()
    member = make_user()

    registration = run_on_commit(event_register, user=member, event=event)

    registration.refresh_from_db()
    assert registration.status == EventRegistration.Status.REGISTERED
    assert registration.notified == "" and mail.outbox == []


def test_unknown_e_mail_kinds_are_refused():
    with pytest.raises(ValueError, match="Unknown registration e-mail"):
        event_registration_email_send(registration_id=1, kind="spam")
