"""Segments and churn risk on the site, recomputed daily (Celery beat):

- activity tier (recency, frequency), contribution tier (created / shared /
  replied / liked), need type (k-means on each member's share of activity per
  verb group), each kept as spells (`SegmentAssignment`, valid_from/valid_to)
  so a member who changes tier keeps their history;
- churn risk with its top factors, a `ChurnScore` per member and day, from a
  model fitted on the platform's own history when there is enough (label: no
  activity in the 30 days after a cut-off), else the shipped OULAD fit
  (`manage.py churn_fit_defaults`).

The engines are `paths.engine.segments` and `paths.engine.churn`. Every step is
a fixed number of queries whatever the number of members (aggregates per
member and day, bulk writes)."""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from sklearn.metrics import roc_auc_score

from activity.models import Activity
from members.models import LearningProfile

from .engine import churn as churn_engine
from .engine import segments as seg
from .models import ChurnModelFit, ChurnScore, SegmentAssignment, SegmentDimension

CHURN_DEFAULTS_PATH = Path(__file__).resolve().parent / "data" / "churn_defaults.json"
HISTORY_DAYS = 180  # timelines read this far back
CHURN_HORIZON_DAYS = 30  # churned: no activity in this many days after a cut-off
CHURN_MIN_MEMBERS = 200  # a platform fit needs this many members …
CHURN_MIN_EACH = 20  # … and this many of each outcome
NEED_WINDOW_DAYS = 90
NEED_MIN_EVENTS = 5  # fewer activities in the window: need type undetermined
SOURCE_PLATFORM, SOURCE_OULAD = "platform", "oulad"

# Verb groups for need types and the churn model's learning/social shares.
VERB_GROUPS = {
    "learning": {
        "answered",
        "passed",
        "failed",
        "completed",
        "launched",
        "experienced",
        "submitted",
        "scored",
        "mastered",
        "rated",
        "skipped",
    },
    "social": {"replied", "liked", "followed", "joined", "voted", "mentioned", "sent"},
    "creating": {"created", "shared", "accepted"},
    "events": {"attended", "registered"},
}
GROUPS = tuple(VERB_GROUPS)
GROUP_OF = {verb: group for group, verbs in VERB_GROUPS.items() for verb in verbs}
CHURN_KIND = {"learning": churn_engine.LEARNING, "social": churn_engine.SOCIAL}

# Operators read the rules and labels in their language.
RULE_LABELS = {
    "never_active": _("Never active"),
    "too_few_events": _("Too few activities to tell"),
    "no_contributions": _("Has not posted, shared or reacted"),
}
SEGMENT_LABELS = {
    seg.HIGHLY_ACTIVE: _("Highly active"),
    seg.OCCASIONAL: _("Occasional"),
    seg.SILENT: _("Silent"),
    seg.CHURNED: _("Churned"),
    seg.CREATOR: _("Creators"),
    seg.SHARER: _("Sharers"),
    seg.PARTICIPANT: _("Participants"),
    seg.OBSERVER: _("Observers"),
    seg.UNDETERMINED: _("Undetermined"),
    "learning": _("Learning"),
    "social": _("Social"),
    "creating": _("Creating"),
    "events": _("Events"),
}
FACTOR_LABELS = {
    "days_since_last": _("Days since the last activity"),
    "events_recent": _("Activities in the last week"),
    "events_window": _("Activities in the last four weeks"),
    "trend": _("Activity trend (last two weeks against the two before)"),
    "active_days_window": _("Active days in the last four weeks"),
    "streak_days": _("Current streak of active days"),
    "learning_share": _("Share of activity that is learning"),
    "social_share": _("Share of activity that is social"),
    "tenure_days": _("Days since joining"),
    "mean_score": _("Average result"),
    "overdue": _("Work due and not done"),
}


def segment_label(name: str) -> str:
    base, _sep, number = name.rpartition(" ")
    if number.isdigit() and base in SEGMENT_LABELS:
        return f"{SEGMENT_LABELS[base]} {number}"
    return str(SEGMENT_LABELS.get(name, name))


def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule.replace("_", " ")))


def factor_label(feature: str) -> str:
    return str(FACTOR_LABELS.get(feature, feature))


# Reading the log --------------------------------------------------------------------


@dataclass
class MemberLog:
    """A member's activity per day over the history window."""

    joined: datetime.datetime
    days: list[float] = field(default_factory=list)  # day offsets, one per event
    kinds: list[str] = field(default_factory=list)
    by_verb: dict[str, int] = field(default_factory=dict)  # last NEED_WINDOW_DAYS


def read_logs(now: datetime.datetime) -> tuple[datetime.date, dict[int, MemberLog]]:
    """Every active member's log, from two queries: members, and activity
    counts per member, day and verb (so the rows grow with active days, not
    with activities)."""
    origin = timezone.localdate(now) - datetime.timedelta(days=HISTORY_DAYS)
    logs = {
        pk: MemberLog(joined=joined)
        for pk, joined in get_user_model()
        .objects.filter(is_active=True)
        .values_list("pk", "date_joined")
    }
    since = now - datetime.timedelta(days=HISTORY_DAYS)
    need_since = timezone.localdate(now) - datetime.timedelta(days=NEED_WINDOW_DAYS)
    rows = (
        Activity.objects.filter(timestamp__gte=since, timestamp__lte=now)
        .exclude(verb="voided")
        .annotate(day=TruncDate("timestamp"))
        .values_list("actor_id", "day", "verb")
        .annotate(n=Count("id"))
        .order_by()
    )
    for actor, day, verb, n in rows.iterator(chunk_size=5000):
        log = logs.get(actor)
        if log is None:
            continue
        offset = float((day - origin).days)
        kind = CHURN_KIND.get(GROUP_OF.get(verb, ""), "other")
        log.days.extend([offset] * n)
        log.kinds.extend([kind] * n)
        if day >= need_since:
            log.by_verb[verb] = log.by_verb.get(verb, 0) + n
    return origin, logs


def _today_offset(origin: datetime.date, now: datetime.datetime) -> float:
    return float((timezone.localdate(now) - origin).days)


def _timeline(log: MemberLog, origin: datetime.date) -> churn_engine.Timeline:
    joined = float((timezone.localdate(log.joined) - origin).days)
    return churn_engine.Timeline(days=log.days, kinds=log.kinds, joined=joined)


# Segments -------------------------------------------------------------------------


def assignments_for(
    logs: dict[int, MemberLog], origin: datetime.date, now: datetime.datetime
) -> dict[str, dict[int, seg.Assignment]]:
    today = _today_offset(origin, now)
    thresholds = seg.ActivityThresholds()
    out: dict[str, dict[int, seg.Assignment]] = defaultdict(dict)
    members = sorted(logs)
    for pk in members:
        log = logs[pk]
        last = max(log.days) if log.days else None
        window = sum(1 for d in log.days if today - d < thresholds.window_days)
        out[SegmentDimension.ACTIVITY][pk] = seg.activity_tier(
            days_since_last=None if last is None else today - last,
            events_in_window=window,
            thresholds=thresholds,
        )
        v = log.by_verb
        out[SegmentDimension.CONTRIBUTION][pk] = seg.contribution_tier(
            created=v.get("created", 0),
            shared=v.get("shared", 0),
            replied=v.get("replied", 0),
            liked=v.get("liked", 0) + v.get("voted", 0),
        )
    counts = np.asarray(
        [
            [
                sum(
                    n for verb, n in logs[pk].by_verb.items() if GROUP_OF.get(verb) == g
                )
                for g in GROUPS
            ]
            for pk in members
        ],
        dtype=np.float64,
    ).reshape(len(members), len(GROUPS))
    totals = counts.sum(axis=1, keepdims=True)
    enough = totals[:, 0] >= NEED_MIN_EVENTS
    shares = np.round(counts[enough] / totals[enough], 6)
    n_clusters = min(len(GROUPS), len({tuple(r) for r in shares}))
    try:
        if n_clusters < 2:
            raise ValueError("too few distinct members to cluster")
        model = seg.fit_need_types(
            counts, GROUPS, n_clusters=n_clusters, min_events=NEED_MIN_EVENTS, seed=0
        )
        needs = seg.assign_need_types(model, counts)
    except ValueError:  # too few active members to cluster yet
        needs = [
            seg.Assignment(seg.UNDETERMINED, "too_few_events", {"events": int(c)})
            for c in counts.sum(axis=1)
        ]
    for pk, assignment in zip(members, needs, strict=True):
        out[SegmentDimension.NEED][pk] = assignment
    return out


def store_assignments(
    assignments: dict[str, dict[int, seg.Assignment]], *, day: datetime.date, now
) -> dict[str, int]:
    """Close the spells that changed and open new ones; refresh the numbers of
    the others. Recomputing on the same day changes the day's spell in place.
    A fixed number of queries per dimension."""
    changed = {}
    with transaction.atomic():
        for dimension, by_member in assignments.items():
            open_rows = {
                row.member_id: row
                for row in SegmentAssignment.objects.select_for_update().filter(
                    dimension=dimension, valid_to__isnull=True
                )
            }
            create, close, update = [], [], []
            for pk, a in by_member.items():
                row = open_rows.get(pk)
                features = json.loads(json.dumps(a.features, default=float))
                if row is not None and (
                    row.segment == a.segment or row.valid_from == day
                ):
                    row.segment, row.rule = a.segment, a.rule
                    row.features, row.computed_at = features, now
                    update.append(row)
                    continue
                if row is not None:
                    row.valid_to = day
                    close.append(row)
                create.append(
                    SegmentAssignment(
                        member_id=pk,
                        dimension=dimension,
                        segment=a.segment,
                        rule=a.rule,
                        features=features,
                        valid_from=day,
                        computed_at=now,
                    )
                )
            SegmentAssignment.objects.bulk_update(close, ["valid_to"], batch_size=1000)
            SegmentAssignment.objects.bulk_update(
                update, ["segment", "rule", "features", "computed_at"], batch_size=1000
            )
            SegmentAssignment.objects.bulk_create(create, batch_size=1000)
            changed[dimension] = len(create)
    return changed


# Churn ------------------------------------------------------------------------------


def model_to_dict(model: churn_engine.ChurnModel) -> dict:
    return {
        "features": list(model.features),
        "fill": model.fill.tolist(),
        "mean": model.mean.tolist(),
        "scale": model.scale.tolist(),
        "coef": model.coef.tolist(),
        "intercept": float(model.intercept),
        "calibration_x": model.calibration_x.tolist(),
        "calibration_y": model.calibration_y.tolist(),
    }


def model_from_dict(data: dict) -> churn_engine.ChurnModel:
    return churn_engine.ChurnModel(
        features=tuple(data["features"]),
        fill=np.asarray(data["fill"], dtype=np.float64),
        mean=np.asarray(data["mean"], dtype=np.float64),
        scale=np.asarray(data["scale"], dtype=np.float64),
        coef=np.asarray(data["coef"], dtype=np.float64),
        intercept=float(data["intercept"]),
        calibration_x=np.asarray(data.get("calibration_x", []), dtype=np.float64),
        calibration_y=np.asarray(data.get("calibration_y", []), dtype=np.float64),
    )


def default_churn_model() -> churn_engine.ChurnModel:
    """The shipped fit (OULAD, `manage.py churn_fit_defaults`)."""
    return model_from_dict(json.loads(CHURN_DEFAULTS_PATH.read_text()))


def churn_refit(
    logs: dict[int, MemberLog], origin: datetime.date, now
) -> ChurnModelFit | None:
    """Fit on the platform's own history: features at a cut-off 30 days ago,
    label = no activity since. Members who joined after the cut-off or were
    never active before it are left out. None when there is not enough."""
    cutoff = _today_offset(origin, now) - CHURN_HORIZON_DAYS
    rows, labels = [], []
    for log in logs.values():
        before = [d for d in log.days if d <= cutoff]
        joined = float((timezone.localdate(log.joined) - origin).days)
        if not before or joined > cutoff:
            continue
        rows.append(churn_engine.churn_features(_timeline(log, origin), now=cutoff))
        labels.append(int(not any(d > cutoff for d in log.days)))
    y = np.asarray(labels, dtype=int)
    if len(y) < CHURN_MIN_MEMBERS or min(y.sum(), len(y) - y.sum()) < CHURN_MIN_EACH:
        return None
    x = np.asarray(rows)
    model = churn_engine.fit_churn(x, y, calibrate=True)
    return ChurnModelFit.objects.create(
        n_members=len(y),
        churn_rate=round(float(y.mean()), 4),
        auc=round(float(roc_auc_score(y, model.risk(x))), 4),
        params=model_to_dict(model),
    )


def churn_scores(
    logs: dict[int, MemberLog], origin: datetime.date, now, model, source: str
) -> list[ChurnScore]:
    today = timezone.localdate(now)
    offset = _today_offset(origin, now)
    members = sorted(logs)
    if not members:
        return []
    full = np.asarray(
        [
            churn_engine.churn_features(_timeline(logs[pk], origin), now=offset)
            for pk in members
        ]
    )
    columns = [churn_engine.FEATURES.index(f) for f in model.features]
    x = full[:, columns]
    risk = model.risk(x)
    out = []
    for i, pk in enumerate(members):
        factors = [
            {"feature": f.feature, "value": round(f.value, 3), "weight": f.contribution}
            for f in model.factors(x[i], top=3)
        ]
        out.append(
            ChurnScore(
                member_id=pk,
                day=today,
                risk=round(float(risk[i]), 4),
                factors=factors,
                source=source,
            )
        )
    return out


def segments_compute(*, now: datetime.datetime | None = None) -> dict:
    """The daily job: segments with history, the churn model (refitted on the
    platform when there is enough history) and today's churn scores."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    origin, logs = read_logs(now)
    # Members who turned personalisation off are still counted in segment
    # sizes (operators need totals), but they get no individual churn score.
    opted_out = set(
        LearningProfile.objects.filter(
            personalisation=LearningProfile.Personalisation.OFF
        ).values_list("user_id", flat=True)
    )
    changed = store_assignments(assignments_for(logs, origin, now), day=day, now=now)
    fit = churn_refit(logs, origin, now)
    if fit is None:
        fit = ChurnModelFit.objects.order_by("-created_at", "-pk").first()
    model = model_from_dict(fit.params) if fit else default_churn_model()
    source = SOURCE_PLATFORM if fit else SOURCE_OULAD
    scored = {pk: log for pk, log in logs.items() if pk not in opted_out}
    scores = churn_scores(scored, origin, now, model, source)
    with transaction.atomic():
        ChurnScore.objects.filter(day=day).delete()
        ChurnScore.objects.bulk_create(scores, batch_size=1000)
    return {
        "members": len(logs),
        "changed": changed,
        "scored": len(scores),
        "model": source,
    }


# Reads for operators --------------------------------------------------------------


def segment_sizes() -> dict[str, list[tuple[str, str, int]]]:
    """Per dimension, (segment, label, members) in the current spells. One query."""
    out: dict[str, list] = {d: [] for d in SegmentDimension.values}
    for dimension, segment, n in (
        SegmentAssignment.objects.filter(valid_to__isnull=True)
        .values_list("dimension", "segment")
        .annotate(n=Count("id"))
        .order_by("dimension", "-n", "segment")
    ):
        out[dimension].append((segment, segment_label(segment), n))
    return out


def segment_members(dimension: str, segment: str):
    """The current spells of a segment with their members (paginate it)."""
    return (
        SegmentAssignment.objects.filter(
            dimension=dimension, segment=segment, valid_to__isnull=True
        )
        .select_related("member")
        .order_by("-valid_from", "member_id")
    )


def members_at_risk():
    """Today's (latest day's) churn scores, riskiest first (paginate it)."""
    latest = ChurnScore.objects.order_by("-day").values_list("day", flat=True).first()
    return (
        ChurnScore.objects.filter(day=latest)
        .select_related("member")
        .order_by("-risk", "member_id")
    )


def segment_history(member) -> list[SegmentAssignment]:
    return list(
        SegmentAssignment.objects.filter(member=member).order_by(
            "dimension", "valid_from"
        )
    )
