"""Which points rules an activity matches. The active rules are read once per
process and kept for RULES_TTL seconds (saving a rule clears this process's
copy at once; other processes see the change within the TTL)."""

import time
from dataclasses import dataclass

from .models import PointsRule

RULES_TTL = 30.0

_cache: dict[str, object] = {"at": 0.0, "rules": None}


@dataclass(frozen=True)
class Payment:
    rule: PointsRule
    member_id: int


def rules_clear_cache() -> None:
    _cache["at"] = 0.0
    _cache["rules"] = None


def _active_rules() -> dict[str, list[PointsRule]]:
    now = time.monotonic()
    if _cache["rules"] is None or now - _cache["at"] > RULES_TTL:
        by_verb: dict[str, list[PointsRule]] = {}
        for rule in PointsRule.objects.active().order_by("pk"):
            by_verb.setdefault(rule.verb, []).append(rule)
        _cache["rules"], _cache["at"] = by_verb, now
    return _cache["rules"]  # type: ignore[return-value]


def _condition_holds(rule: PointsRule, activity) -> bool:
    success = (activity.result or {}).get("success") is True
    if rule.condition == PointsRule.Condition.SUCCESS:
        return success
    if rule.condition == PointsRule.Condition.FIRST_TRY:
        return success and (activity.context or {}).get("attempt") == 1
    return True


def owner_id(activity) -> int | None:
    raw = (activity.context or {}).get("owner_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def payments_for(activity) -> list[Payment]:
    """The rules this activity pays under and to whom. Acting on your own
    content pays nobody (no self-likes, no self-accepted answers)."""
    owner = owner_id(activity)
    if owner is not None and owner == activity.actor_id:
        return []
    payments = []
    for rule in _active_rules().get(activity.verb, []):
        if rule.object_type and rule.object_type != activity.object_type:
            continue
        if not _condition_holds(rule, activity):
            continue
        if rule.recipient == PointsRule.Recipient.OWNER:
            if owner is None:
                continue
            payments.append(Payment(rule=rule, member_id=owner))
        else:
            payments.append(Payment(rule=rule, member_id=activity.actor_id))
    return payments
