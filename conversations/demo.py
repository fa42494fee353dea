"""Demo private conversations (seed_demo composes this with the others).

Deterministic and idempotent: a conversation is found by its starter and
subject, so running it again writes nothing. Written through the services, so
the demo's `sent` activities are real."""

from dataclasses import dataclass

from django.db import transaction

from . import services
from .models import Conversation


@dataclass(frozen=True)
class ConversationSpec:
    starter: int  # index into the members list
    recipients: tuple[int, ...]
    subject: str
    kind: str
    messages: tuple[tuple[int, str], ...]  # (member index, Markdown)


CONVERSATIONS = (
    ConversationSpec(
        starter=0,
        recipients=(1,),
        subject="Study buddy for Statistics Essentials?",
        kind=Conversation.Kind.DIRECT,
        messages=(
            (
                0,
                "Hi! I saw you're also working through **Statistics Essentials**. "
                "Would you like to compare notes once a week?",
            ),
            (
                1,
                "Yes, gladly! Thursday evenings work for me. Shall we start with "
                "*mean and median*?",
            ),
            (0, "Thursday it is. I'll bring the outlier example from the lesson."),
        ),
    ),
    ConversationSpec(
        starter=2,
        recipients=(-1,),
        subject="Feedback on my first pandas report",
        kind=Conversation.Kind.MENTORING,
        messages=(
            (
                2,
                "Could you have a look at how I group the sales by region? "
                "It works, but feels clumsy:\n\n"
                "```python\n"
                'totals = df.groupby("region")["amount"].sum()\n'
                "```",
            ),
            (
                -1,
                "That line is exactly right — not clumsy at all. Next step: "
                "`.sort_values(ascending=False)` so the biggest region comes first.",
            ),
        ),
    ),
)


def seed_conversations(*, members) -> dict:
    """Create the demo conversations between `members` (learners first, an
    instructor last). Returns {"conversations": [...]}."""
    created = []
    if len(members) < 3:
        return {"conversations": created}
    with transaction.atomic():
        for spec in CONVERSATIONS:
            starter = members[spec.starter]
            existing = Conversation.objects.filter(
                started_by=starter, subject=spec.subject
            ).first()
            if existing is not None:
                created.append(existing)
                continue
            (_first_author, first_body), *rest = spec.messages
            conversation = services.start_conversation(
                sender=starter,
                recipients=[members[i] for i in spec.recipients],
                subject=spec.subject,
                body=first_body,
                kind=spec.kind,
            )
            for author, body in rest:
                services.message_send(
                    sender=members[author], conversation=conversation, body=body
                )
            created.append(conversation)
    return {"conversations": created}
