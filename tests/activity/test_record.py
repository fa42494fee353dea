"""Recording: validation against the vocabulary, idempotency keys, and
dispatch only once the recording transaction commits."""

import pytest
from django.db import transaction

from activity.models import Activity, ConsumerReceipt
from activity.services import activity_record

pytestmark = pytest.mark.django_db


def record(member, key="k1", **overrides):
    fields = {
        "actor": member,
        "verb": "completed",
        "object_type": "lesson",
        "object_id": 7,
        "idempotency_key": key,
    }
    fields.update(overrides)
    return activity_record(**fields)


@pytest.fixture
def calls(only_test_consumers, add_consumer):
    seen: list[int] = []
    add_consumer("test.counter", lambda activity: seen.append(activity.pk))
    return seen


def test_unknown_verb_is_refused(member):
    with pytest.raises(ValueError, match="Unknown activity verb"):
        record(member, verb="teleported")
    assert not Activity.objects.exists()


def test_object_type_must_fit_the_verb(member):
    with pytest.raises(ValueError, match="does not take object type"):
        record(member, verb="completed", object_type="post")
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"idempotency_key": ""}, {"idempotency_key": "k" * 201}, {"object_id": "x" * 65}],
)
def test_keys_and_ids_must_fit_their_columns(member, overrides):
    with pytest.raises(ValueError):
        record(member, **overrides)
    assert not Activity.objects.exists()


def test_records_the_statement_fields(member):
    activity = record(member, result={"completion": True}, context={"course": 3})
    activity.refresh_from_db()
    assert (activity.actor, activity.verb, activity.object_type) == (
        member,
        "completed",
        "lesson",
    )
    assert activity.object_id == "7"
    assert activity.result == {"completion": True}
    assert activity.context == {"course": 3}
    assert activity.dispatched_at is None


def test_same_key_twice_records_and_dispatches_once(
    member, calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as first:
        one = record(member)
    with django_capture_on_commit_callbacks(execute=True) as second:
        two = record(member, result={"completion": True})

    assert one.pk == two.pk
    assert Activity.objects.count() == 1
    assert len(first) == 1
    assert second == []
    assert calls == [one.pk]
    assert ConsumerReceipt.objects.filter(consumer="test.counter").count() == 1


def test_reusing_a_key_for_another_action_is_an_error(member):
    record(member, key="shared")
    with pytest.raises(ValueError, match="already names a different activity"):
        record(member, key="shared", object_id=8)


def test_dispatches_only_after_commit(
    member, calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            activity = record(member)
            assert calls == []  # still inside the transaction
    assert len(callbacks) == 1
    assert calls == [activity.pk]
    activity.refresh_from_db()
    assert activity.dispatched_at is not None
    assert ConsumerReceipt.objects.filter(
        activity=activity, consumer="test.counter"
    ).exists()


def test_nothing_is_dispatched_when_the_transaction_rolls_back(
    member, calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                record(member)
                raise RuntimeError("the request failed")
    assert callbacks == []
    assert calls == []
    assert not Activity.objects.exists()
