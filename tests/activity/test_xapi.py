"""The xAPI export of an activity."""

import uuid
from datetime import UTC, datetime

import pytest

from activity.services import activity_record
from activity.xapi import activity_to_xapi_statement, statement_id

pytestmark = pytest.mark.django_db

SITE = "https://lyceum.example.org/"
ROOT = "https://lyceum.example.org"
WHEN = datetime(2026, 5, 4, 9, 30, 15, tzinfo=UTC)


def record(member, **fields):
    defaults = {
        "actor": member,
        "verb": "passed",
        "object_type": "quiz",
        "object_id": 42,
        "idempotency_key": "passed:attempt:9",
        "timestamp": WHEN,
    }
    defaults.update(fields)
    return activity_record(**defaults)


def test_statement_shape(member):
    activity = record(
        member,
        result={
            "score": {"scaled": 0.8, "raw": 8, "max": 10},
            "success": True,
            "duration": 95,
            "attempt": 2,
        },
        context={"course": 3},
    )
    statement = activity_to_xapi_statement(activity, site_root=SITE)

    assert statement["id"] == statement_id("passed:attempt:9")
    assert uuid.UUID(statement["id"]).version == 5
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": ROOT, "name": str(member.public_id)},
    }
    assert member.email not in repr(statement)
    assert statement["verb"] == {
        "id": "http://adlnet.gov/expapi/verbs/passed",
        "display": {"en-US": "passed"},
    }
    assert statement["object"]["objectType"] == "Activity"
    assert statement["object"]["id"] == f"{ROOT}/xapi/quiz/42"
    assert statement["object"]["definition"]["type"].startswith("http")
    assert statement["result"] == {
        "score": {"scaled": 0.8, "raw": 8, "max": 10},
        "success": True,
        "duration": "PT1M35S",
        "extensions": {f"{ROOT}/xapi/extensions/attempt": 2},
    }
    assert statement["context"]["extensions"] == {f"{ROOT}/xapi/extensions/course": 3}
    assert statement["timestamp"] == "2026-05-04T09:30:15+00:00"
    assert datetime.fromisoformat(statement["timestamp"]) == WHEN


def test_statement_id_is_deterministic(member):
    activity = record(member)
    first = activity_to_xapi_statement(activity, site_root=SITE)
    again = activity_to_xapi_statement(activity, site_root=SITE)
    assert first["id"] == again["id"]
    assert first["id"] != statement_id("passed:attempt:10")


def test_site_verbs_live_under_the_site_namespace(member):
    activity = record(
        member,
        verb="voted",
        object_type="poll",
        idempotency_key="voted:1",
        result={"response": "b"},
    )
    statement = activity_to_xapi_statement(activity, site_root=SITE)
    assert statement["verb"]["id"] == f"{ROOT}/xapi/verbs/voted"
    assert statement["result"] == {"response": "b"}


def test_empty_result_is_left_out(member):
    activity = record(member, verb="launched", object_type="lesson", result=None)
    statement = activity_to_xapi_statement(activity, site_root=SITE)
    assert "result" not in statement
    assert statement["context"] == {"platform": "Lyceum"}


def test_voiding_refers_to_the_voided_statement(member):
    original = record(member)
    void = record(
        member,
        verb="voided",
        object_type="activity",
        object_id=original.pk,
        idempotency_key=f"voided:{original.pk}",
    )
    statement = activity_to_xapi_statement(void, site_root=SITE)
    assert statement["object"] == {
        "objectType": "StatementRef",
        "id": statement_id(original.idempotency_key),
    }
