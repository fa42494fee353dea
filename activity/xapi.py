"""Export an activity as an xAPI 1.0.3 statement (for an LRS or the member's
data export). The member is an account-based agent (the site as homePage, the
member's opaque public_id as name): never the e-mail."""

import uuid
from datetime import timedelta
from decimal import Decimal

from .vocabulary import VERBS

XAPI_VERSION = "1.0.3"
# Statement ids are uuid5(namespace, idempotency key): exporting the same
# activity twice, from any node, yields the same id, so an LRS deduplicates it.
STATEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:lyceum:activity")

# Object types with a standard ADL activity type; the rest get the site's own.
ADL_ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "event": "http://adlnet.gov/expapi/activities/meeting",
    "video": "http://adlnet.gov/expapi/activities/media",
}
SCORE_KEYS = ("scaled", "raw", "min", "max")


def statement_id(idempotency_key: str) -> str:
    return str(uuid.uuid5(STATEMENT_NAMESPACE, idempotency_key))


def activity_to_xapi_statement(activity, *, site_root: str) -> dict:
    root = site_root.rstrip("/")
    verb = VERBS[activity.verb]
    statement = {
        "id": statement_id(activity.idempotency_key),
        "version": XAPI_VERSION,
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": root, "name": str(activity.actor.public_id)},
        },
        "verb": {"id": verb.iri_for(root), "display": {"en-US": verb.name}},
        "object": _object(activity, root),
        "timestamp": activity.timestamp.isoformat(),
    }
    result = _result(activity.result or {}, root)
    if result:
        statement["result"] = result
    statement["context"] = _context(activity.context or {}, root)
    return statement


def _object(activity, root: str) -> dict:
    if activity.verb == "voided":
        from .models import Activity

        voided = Activity.objects.filter(pk=activity.object_id).first()
        key = voided.idempotency_key if voided else activity.object_id
        return {"objectType": "StatementRef", "id": statement_id(key)}
    activity_type = ADL_ACTIVITY_TYPES.get(
        activity.object_type, f"{root}/xapi/activity-types/{activity.object_type}"
    )
    return {
        "objectType": "Activity",
        "id": f"{root}/xapi/{activity.object_type}/{activity.object_id}",
        "definition": {"type": activity_type},
    }


def _result(data: dict, root: str) -> dict:
    result: dict = {}
    extensions = {}
    for key, value in data.items():
        if key == "score":
            score = value if isinstance(value, dict) else {"raw": value}
            result["score"] = {
                k: _number(score[k]) for k in SCORE_KEYS if score.get(k) is not None
            }
        elif key in ("success", "completion"):
            result[key] = bool(value)
        elif key == "response":
            result[key] = value if isinstance(value, str) else str(value)
        elif key == "duration":
            result[key] = _duration(value)
        else:
            extensions[_extension(root, key)] = value
    if extensions:
        result["extensions"] = extensions
    return result


def _context(data: dict, root: str) -> dict:
    context: dict = {"platform": "Lyceum"}
    extensions = {_extension(root, key): value for key, value in data.items()}
    if extensions:
        context["extensions"] = extensions
    return context


def _extension(root: str, key: str) -> str:
    return f"{root}/xapi/extensions/{key}"


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _duration(value) -> str:
    """Seconds (or a timedelta) as an ISO 8601 duration; strings pass through."""
    if isinstance(value, str):
        return value
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    if secs or text == "PT":
        text += f"{round(secs, 2):g}S"
    return text
