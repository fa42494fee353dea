"""What the mastery model does with the activity log: every answered question
moves the estimates of its skills; an accepted forum answer or a reviewed
assignment counts as evidence for the skills it is about; a voided activity
takes its evidence back. The dispatcher runs each at most once per activity
(receipts), so a replay changes nothing."""

from django.contrib.auth import get_user_model

from activity.registry import consumer

from .mastery import (
    evidence_skill_ids_for_board,
    evidence_skill_ids_for_lesson,
    evidence_void,
    mastery_record_answer,
    mastery_settings,
    record_evidence,
)

# A reviewed assignment scoring below this share is no evidence of mastery.
SCORED_MIN_SHARE = 0.5


def _skill_ids(value) -> list[int]:
    if not isinstance(value, list):
        return []
    return [s for s in value if isinstance(s, int) and not isinstance(s, bool)]


@consumer("paths.mastery", verbs={"answered", "accepted", "scored", "voided"})
def update_mastery(activity) -> None:
    context = activity.context or {}
    result = activity.result or {}
    if activity.verb == "answered":
        mastery_record_answer(
            member=activity.actor,
            skill_ids=_skill_ids(context.get("skills")),
            correct=result.get("success") is True,
            now=activity.timestamp,
        )
    elif activity.verb == "accepted":
        owner_id = context.get("owner_id")
        board_id = context.get("board_id")
        # Accepting one's own answer proves nothing.
        if not isinstance(owner_id, int) or owner_id == activity.actor_id:
            return
        skill_ids = evidence_skill_ids_for_board(board_id)
        owner = get_user_model().objects.filter(pk=owner_id).first()
        if skill_ids and owner is not None:
            record_evidence(
                member=owner, skill_ids=skill_ids, source="accepted", activity=activity
            )
    elif activity.verb == "scored":
        share = (result.get("score") or {}).get("scaled")
        if not isinstance(share, int | float) or share < SCORED_MIN_SHARE:
            return
        skill_ids = evidence_skill_ids_for_lesson(context.get("lesson"))
        if skill_ids:
            record_evidence(
                member=activity.actor,
                skill_ids=skill_ids,
                source="scored",
                weight=float(mastery_settings().evidence_weight) * min(1.0, share),
                activity=activity,
            )
    elif activity.verb == "voided" and activity.object_type == "activity":
        try:
            voided_id = int(activity.object_id)
        except ValueError:
            return
        evidence_void(activity_id=voided_id)
