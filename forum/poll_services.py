"""Polls: created with a topic or added to one by its author (moderators, or
members whose level grants `can_create_polls`), voted on once per member.
A vote records `voted` (object `poll`, result `response`: the option ids)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.services import activity_record

from . import permissions
from .models import Poll, PollBallot, PollOption, PollVote, Topic
from .models.polls import (
    POLL_OPTION_MAX_LENGTH,
    POLL_OPTIONS_MAX,
    POLL_OPTIONS_MIN,
    POLL_QUESTION_MAX_LENGTH,
)

ERRORS = {
    "signed_out": _("Log in to vote."),
    "no_privilege": _(
        "Polls open up at a higher level: keep taking part, or ask a "
        "moderator to add one."
    ),
    "not_yours": _("Only the topic's author or a moderator can add a poll."),
    "has_poll": _("This topic already has a poll."),
    "closed": _("This poll has closed; you can see its results."),
    "already_voted": _("You have already voted in this poll."),
    "choose_one": _("Choose one option."),
    "choose_some": _("Choose at least one option."),
    "bad_option": _("Choose among this poll's options."),
    "cannot_vote": _("You can't vote in this topic."),
}


@dataclass(frozen=True)
class PollDraft:
    """A poll as typed in a form, not yet checked."""

    question: str
    options: list[str] = field(default_factory=list)
    allows_multiple: bool = False
    closes_at: datetime | None = None


def poll_clean(draft: PollDraft, *, now: datetime | None = None):
    """Return (draft with tidy values, {form field: [errors]})."""
    errors: dict[str, list] = {}
    question = " ".join((draft.question or "").split())
    if not question:
        errors["poll_question"] = [_("Write the poll's question.")]
    elif len(question) > POLL_QUESTION_MAX_LENGTH:
        errors["poll_question"] = [
            _("Shorten the question to %(max)d characters.")
            % {"max": POLL_QUESTION_MAX_LENGTH}
        ]
    options, seen = [], set()
    for option in draft.options:
        option = " ".join((option or "").split())
        if option and option.casefold() not in seen:
            seen.add(option.casefold())
            options.append(option)
    if len(options) < POLL_OPTIONS_MIN or len(options) > POLL_OPTIONS_MAX:
        errors["poll_options"] = [
            _("Give between %(min)d and %(max)d different options, one per line.")
            % {"min": POLL_OPTIONS_MIN, "max": POLL_OPTIONS_MAX}
        ]
    elif any(len(option) > POLL_OPTION_MAX_LENGTH for option in options):
        errors["poll_options"] = [
            _("Shorten each option to %(max)d characters.")
            % {"max": POLL_OPTION_MAX_LENGTH}
        ]
    if draft.closes_at is not None and draft.closes_at <= (now or timezone.now()):
        errors["poll_closes_at"] = [
            _("Choose a closing time in the future, or leave it empty.")
        ]
    cleaned = PollDraft(
        question=question,
        options=options,
        allows_multiple=bool(draft.allows_multiple),
        closes_at=draft.closes_at,
    )
    return cleaned, errors


def poll_attach(*, topic: Topic, draft: PollDraft, actor) -> Poll:
    """Create a checked poll in the caller's transaction."""
    poll = Poll.objects.create(
        topic=topic,
        question=draft.question,
        allows_multiple=draft.allows_multiple,
        closes_at=draft.closes_at,
        created_by=actor,
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, label=label, position=position)
        for position, label in enumerate(draft.options)
    )
    return poll


@transaction.atomic
def poll_create(*, actor, topic: Topic, draft: PollDraft) -> Poll:
    """Add a poll to an existing topic."""
    if not permissions.member_is_active(actor):
        raise PermissionDenied(ERRORS["signed_out"])
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    is_moderator = permissions.member_is_moderator(actor)
    if topic.author_id != actor.pk and not is_moderator:
        raise PermissionDenied(ERRORS["not_yours"])
    if not permissions.can_create_poll(actor, is_moderator=is_moderator):
        raise PermissionDenied(ERRORS["no_privilege"])
    if Poll.objects.filter(topic=topic).exists():
        raise ValidationError(ERRORS["has_poll"], code="has_poll")
    draft, errors = poll_clean(draft)
    if errors:
        raise ValidationError(errors)
    return poll_attach(topic=topic, draft=draft, actor=actor)


@transaction.atomic
def poll_vote(*, member, poll: Poll, option_ids: list[int]) -> PollBallot:
    """Cast the member's one ballot: one option, or several where allowed."""
    if not permissions.member_is_active(member):
        raise PermissionDenied(ERRORS["signed_out"])
    poll = Poll.objects.select_related("topic__board__group").get(pk=poll.pk)
    topic = poll.topic
    if not permissions.can_view_topic(member, topic):
        raise PermissionDenied(ERRORS["cannot_vote"])
    if not permissions.can_reply(member, topic):
        raise ValidationError(ERRORS["cannot_vote"], code="cannot_vote")
    if poll.is_closed():
        raise ValidationError(ERRORS["closed"], code="closed")
    wanted = {int(option_id) for option_id in option_ids}
    if not wanted:
        raise ValidationError(
            ERRORS["choose_some" if poll.allows_multiple else "choose_one"],
            code="no_option",
        )
    if len(wanted) > 1 and not poll.allows_multiple:
        raise ValidationError(ERRORS["choose_one"], code="one_option")
    options = list(PollOption.objects.filter(poll=poll, pk__in=wanted))
    if len(options) != len(wanted):
        raise ValidationError(ERRORS["bad_option"], code="bad_option")
    try:
        with transaction.atomic():
            ballot = PollBallot.objects.create(poll=poll, member=member)
    except IntegrityError:
        raise ValidationError(ERRORS["already_voted"], code="already_voted") from None
    PollVote.objects.bulk_create(
        PollVote(ballot=ballot, option=option) for option in options
    )
    chosen = sorted(option.pk for option in options)
    ballot.activity = activity_record(
        actor=member,
        verb="voted",
        object_type="poll",
        object_id=poll.pk,
        idempotency_key=f"voted:poll:{poll.pk}:{member.pk}",
        result={"response": ",".join(str(pk) for pk in chosen)},
        context={"topic_id": topic.pk, "board_id": topic.board_id},
        timestamp=ballot.created_at,
    )
    ballot.save(update_fields=["activity"])
    return ballot
