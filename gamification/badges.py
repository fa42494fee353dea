"""Awarding badges from the activity log, and revoking them.

The active badge classes are read once per process and indexed by the verb
that can award them (kept BADGES_TTL seconds; saving a badge clears this
process's copy). An activity whose verb no badge listens to costs no query.
Otherwise: one query for the member's awards of the candidate badges, one
count per distinct criterion still open (badges sharing a criterion share
it), and one insert per award. The (badge, member, occurrence) constraint
makes a second award impossible under replays and concurrent dispatch."""

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from activity.models import Activity
from activity.services import activity_record

from .badge_models import BadgeAward, BadgeClass
from .goals import Goal, accepted_answers_count, goal_count
from .models import MemberGameProfile
from .openbadges import recipient_identity, recipient_salt
from .rules import owner_id

Kind = BadgeClass.Kind
BADGES_TTL = 30.0
# A repeatable count badge met many times over at once (a badge created late,
# a replay) is caught up at most this many awards per activity.
CATCH_UP_LIMIT = 20

_cache: dict[str, object] = {"at": 0.0, "by_verb": None}


def badges_clear_cache() -> None:
    _cache["at"] = 0.0
    _cache["by_verb"] = None


def _badges_by_verb() -> dict[str, list[BadgeClass]]:
    now = time.monotonic()
    if _cache["by_verb"] is None or now - _cache["at"] > BADGES_TTL:
        by_verb: dict[str, list[BadgeClass]] = {}
        for badge in BadgeClass.objects.filter(active=True).order_by("pk"):
            for verb in badge.trigger_verbs:
                by_verb.setdefault(verb, []).append(badge)
        _cache["by_verb"], _cache["at"] = by_verb, now
    return _cache["by_verb"]  # type: ignore[return-value]


def badge_candidates(activity: Activity) -> list[BadgeClass]:
    """The active badges this activity could award."""
    found = []
    for badge in _badges_by_verb().get(activity.verb, []):
        wanted = badge.trigger_object_type
        if wanted and wanted != activity.object_type:
            continue
        found.append(badge)
    return found


def badge_recipient(badge: BadgeClass, activity: Activity) -> int | None:
    """Accepted answers go to the answer's author (never to someone accepting
    their own); everything else to the member who acted."""
    if badge.kind == Kind.ACCEPTED:
        owner = owner_id(activity)
        return None if owner is None or owner == activity.actor_id else owner
    return activity.actor_id


# Criteria ---------------------------------------------------------------------


def badge_goal(badge: BadgeClass) -> Goal:
    return Goal(
        verb=badge.verb,
        object_type=badge.object_type,
        success_only=badge.success_only,
        distinct_objects=badge.distinct_objects,
    )


def criteria_sentence(badge: BadgeClass) -> str:
    """The criteria in words, for a badge without its own narrative and as the
    evidence of an award."""
    n = badge.count
    if badge.kind == Kind.COUNT:
        what = f"“{badge.verb}”"
        if badge.object_type:
            what += f" ({badge.object_type})"
        text = str(_("Reach %(n)d × %(what)s.") % {"n": n, "what": what})
        if badge.success_only:
            text += " " + str(_("Only successful results count."))
    elif badge.kind == Kind.STREAK:
        text = ngettext(
            "Learn on %(n)d day in a row.", "Learn on %(n)d days in a row.", n
        ) % {"n": n}
    elif badge.kind == Kind.ACCEPTED:
        text = ngettext(
            "Have %(n)d answer accepted in the forum.",
            "Have %(n)d answers accepted in the forum.",
            n,
        ) % {"n": n}
    else:
        target = {Kind.COURSE: badge.course, Kind.SKILL: badge.skill}.get(
            badge.kind, badge.challenge
        )
        label = getattr(target, "title", None) or getattr(target, "name", None)
        phrases = {
            Kind.COURSE: (_("Complete the course “%(x)s”."), _("Complete any course.")),
            Kind.SKILL: (_("Master the skill “%(x)s”."), _("Master any skill.")),
            Kind.CHALLENGE: (_("Win the challenge “%(x)s”."), _("Win any challenge.")),
        }[badge.kind]
        text = str(phrases[0] % {"x": label}) if label else str(phrases[1])
    if badge.repeatable:
        text += " " + str(_("It can be earned again."))
    return str(text)


def badge_narrative(badge: BadgeClass) -> str:
    return badge.criteria_narrative.strip() or criteria_sentence(badge)


@dataclass
class _Counts:
    """Counts for one member, each computed at most once per activity."""

    member_id: int
    values: dict

    def goal(self, badge: BadgeClass) -> int:
        goal = badge_goal(badge)
        if goal not in self.values:
            self.values[goal] = goal_count(member_id=self.member_id, goal=goal)
        return self.values[goal]

    def accepted(self) -> int:
        if "accepted" not in self.values:
            self.values["accepted"] = accepted_answers_count(member_id=self.member_id)
        return self.values["accepted"]

    def profile(self) -> MemberGameProfile:
        if "profile" not in self.values:
            self.values["profile"] = MemberGameProfile.objects.filter(
                member_id=self.member_id
            ).first()
        return self.values["profile"]


def _multiples(reached: int, every: int, repeatable: bool) -> list[str]:
    if reached < every:
        return []
    if not repeatable:
        return [""]
    return [str(k) for k in range(1, reached // every + 1)]


def _occurrences_due(
    badge: BadgeClass, activity: Activity, counts: _Counts
) -> list[str]:
    """What the member has now met the criteria for: "" for a badge earned
    once, or one key per time a repeatable badge is due."""
    if badge.kind == Kind.COUNT:
        return _multiples(counts.goal(badge), badge.count, badge.repeatable)
    if badge.kind == Kind.ACCEPTED:
        return _multiples(counts.accepted(), badge.count, badge.repeatable)
    if badge.kind == Kind.STREAK:
        profile = counts.profile()
        if profile is None:
            return []
        if not badge.repeatable:
            return [""] if profile.streak_longest >= badge.count else []
        current, day = profile.streak_current, profile.streak_last_day
        if day is None or current < badge.count or current % badge.count:
            return []
        return [day.isoformat()]
    target_id = {
        Kind.COURSE: badge.course_id,
        Kind.SKILL: badge.skill_id,
        Kind.CHALLENGE: badge.challenge_id,
    }[badge.kind]
    if target_id is not None and str(target_id) != activity.object_id:
        return []
    if badge.repeatable and target_id is None:
        return [activity.object_id]  # once per course, skill or challenge
    return [""]


def _voided(activity: Activity) -> bool:
    return Activity.objects.filter(
        verb="voided", object_type="activity", object_id=str(activity.pk)
    ).exists()


def badges_award_for_activity(*, activity: Activity) -> list[BadgeAward]:
    """Award every badge this activity completes the criteria of, once per
    member (per occurrence for repeatable badges). Runs inside the consumer's
    transaction."""
    candidates = badge_candidates(activity)
    if not candidates or _voided(activity):
        return []
    by_member: dict[int, list[BadgeClass]] = {}
    for badge in candidates:
        member_id = badge_recipient(badge, activity)
        if member_id is not None:
            by_member.setdefault(member_id, []).append(badge)
    awards = []
    for member_id, badges in by_member.items():
        held = set(
            BadgeAward.objects.filter(
                member_id=member_id, badge__in=[b.pk for b in badges]
            ).values_list("badge_id", "occurrence")
        )
        counts = _Counts(member_id=member_id, values={})
        member = None
        for badge in badges:
            if not badge.repeatable and (badge.pk, "") in held:
                continue  # earned already: no need to count anything
            due = [
                key
                for key in _occurrences_due(badge, activity, counts)
                if (badge.pk, key) not in held
            ]
            if due and member is None:
                member = _recipient(member_id)
            for occurrence in due[:CATCH_UP_LIMIT]:
                award = badge_award(
                    badge=badge,
                    member=member,
                    occurrence=occurrence,
                    activity=activity,
                )
                if award is not None:
                    awards.append(award)
    return awards


def _recipient(member_id: int):
    return get_user_model().objects.only("pk", "email").get(pk=member_id)


def badge_award(
    *,
    badge: BadgeClass,
    member,
    occurrence: str = "",
    activity: Activity | None = None,
    when=None,
) -> BadgeAward | None:
    """Issue the badge to the member and log it as `earned` (object badge), in
    one transaction. Returns None if they hold it already (for this
    occurrence): the database's unique constraint decides."""
    member_id = member.pk
    salt = recipient_salt()
    when = when or (activity.timestamp if activity is not None else timezone.now())
    with transaction.atomic():
        try:
            with transaction.atomic():
                award = BadgeAward.objects.create(
                    badge=badge,
                    member_id=member_id,
                    occurrence=occurrence,
                    activity=activity,
                    issued_on=min(when, timezone.now()),
                    recipient_salt=salt,
                    recipient_identity=recipient_identity(member.email, salt),
                    evidence=criteria_sentence(badge)[:300],
                )
        except IntegrityError:
            return None
        activity_record(
            actor=member,
            verb="earned",
            object_type="badge",
            object_id=badge.pk,
            idempotency_key=f"earned:badge:{badge.pk}:{member_id}:{occurrence}",
            context={"award": str(award.uuid), "badge_slug": badge.slug},
            timestamp=award.issued_on,
        )
    return award


@transaction.atomic
def badge_award_revoke(*, award_id: int, reason: str, by=None) -> BadgeAward:
    """Revoke an award: its assertion then answers `revoked: true` with the
    reason. Revoking again keeps the first revocation. The award stays, so a
    revoked badge is not issued again automatically."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give a reason: it is published with the revoked badge."),
            code="reason_required",
        )
    award = BadgeAward.objects.select_for_update().get(pk=award_id)
    if award.revoked:
        return award
    award.revoked_at = timezone.now()
    award.revocation_reason = reason[:300]
    award.save(update_fields=["revoked_at", "revocation_reason"])
    earned = Activity.objects.filter(
        idempotency_key=(
            f"earned:badge:{award.badge_id}:{award.member_id}:{award.occurrence}"
        )
    ).first()
    if earned is not None:
        activity_record(
            actor=by if by is not None and by.pk else earned.actor,
            verb="voided",
            object_type="activity",
            object_id=earned.pk,
            idempotency_key=f"voided:badge-award:{award.uuid}",
            context={"reason": award.revocation_reason},
        )
    return award
