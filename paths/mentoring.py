"""Mentoring requests: a learner asks a member who offers mentoring for help;
only that mentor accepts or declines; accepting opens one private
conversation (conversations.services.start_conversation, kind "mentoring")."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.models import Conversation
from conversations.services import start_conversation
from members.models import LearningProfile

from .models import MentoringRequest

MESSAGE_MAX = 2000
ERRORS = {
    "self": _("You cannot ask yourself for mentoring."),
    "not_mentor": _("This member does not offer mentoring at the moment."),
    "message": _("Say in a few words what you would like help with."),
    "too_long": _("Keep the message under %(max)d characters."),
    "pending": _("You already asked this mentor; wait for their answer."),
    "not_yours": _("Only the mentor asked can answer this request."),
    "answered": _("This request has been answered already."),
}
Status = MentoringRequest.Status


def mentoring_request(*, learner, mentor_id: int, message: str, skill_id=None):
    """Ask a mentor (who must have opted in) for help; one open request per
    pair."""
    message = (message or "").strip()
    if mentor_id == learner.pk:
        raise ValidationError(ERRORS["self"], code="self")
    mentor = get_user_model().objects.filter(pk=mentor_id, is_active=True).first()
    offers = LearningProfile.objects.filter(
        user_id=mentor_id, mentoring_available=True
    ).exists()
    if mentor is None or not offers:
        raise ValidationError(ERRORS["not_mentor"], code="not_mentor")
    if not message:
        raise ValidationError(ERRORS["message"], code="required")
    if len(message) > MESSAGE_MAX:
        raise ValidationError(ERRORS["too_long"] % {"max": MESSAGE_MAX}, code="long")
    from courses.models import Skill

    if skill_id is not None and not Skill.objects.filter(pk=skill_id).exists():
        skill_id = None
    try:
        with transaction.atomic():
            return MentoringRequest.objects.create(
                learner=learner, mentor=mentor, message=message, skill_id=skill_id
            )
    except IntegrityError as error:
        raise ValidationError(ERRORS["pending"], code="pending") from error


def mentoring_answer(*, mentor, request_id: int, accept: bool) -> MentoringRequest:
    """The mentor accepts (a private conversation opens, once) or declines."""
    with transaction.atomic():
        request = (
            MentoringRequest.objects.select_for_update(of=("self",))
            .select_related("learner", "mentor", "skill")
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.mentor_id != mentor.pk:
            raise ValidationError(ERRORS["not_yours"], code="forbidden")
        if request.status != Status.PENDING:
            raise ValidationError(ERRORS["answered"], code="answered")
        request.decided_at = timezone.now()
        if accept:
            subject = (
                _("Mentoring: %(skill)s") % {"skill": request.skill.name}
                if request.skill
                else _("Mentoring")
            )
            request.conversation = start_conversation(
                sender=request.learner,
                recipients=[request.mentor],
                subject=str(subject),
                body=request.message,
                kind=Conversation.Kind.MENTORING,
            )
            request.status = Status.ACCEPTED
        else:
            request.status = Status.DECLINED
        request.save(update_fields=["status", "decided_at", "conversation"])
    return request


def mentoring_lists(member) -> dict:
    """Requests the member received and sent (two queries)."""
    related = ("learner", "mentor", "skill", "conversation")
    return {
        "received": list(
            MentoringRequest.objects.filter(mentor=member).select_related(*related)[:50]
        ),
        "sent": list(
            MentoringRequest.objects.filter(learner=member).select_related(*related)[
                :50
            ]
        ),
    }
