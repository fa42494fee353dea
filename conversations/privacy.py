"""Private conversations' part of the privacy registry: the messages the member
wrote. A private message is personal data of both parties: on erasure the
deleted member's messages are blanked, the other party's are kept."""

from django.utils.translation import gettext_lazy as _

from members.privacy import register_eraser, register_exporter, rows

from .models import Block, Message, MessageReport


def conversations_export(member) -> dict:
    return {
        "messages_written": rows(
            Message.objects.filter(author=member).order_by("created_at"),
            ["conversation_id", "conversation__subject", "body_markdown", "created_at"],
        ),
        "blocked_member_ids": list(
            Block.objects.filter(blocker=member).values_list("blocked_id", flat=True)
        ),
    }


def conversations_erase(member) -> None:
    Message.objects.filter(author=member).exclude(body_markdown="").update(
        body_markdown="", body_html=""
    )
    MessageReport.objects.filter(reporter=member).exclude(details="").update(details="")
    Block.objects.filter(blocker=member).delete()


register_exporter(
    "conversations",
    conversations_export,
    label=_("Private messages you wrote"),
    purpose=_("Delivered to the members you wrote to."),
    retention=_(
        "Until you delete your account; then their text is erased. Messages "
        "others wrote to you belong to them and stay."
    ),
)
register_eraser("conversations", conversations_erase)
