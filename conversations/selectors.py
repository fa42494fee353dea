"""Reads for the inbox, a thread and the reports list, each a fixed number of
queries whatever the number of conversations, messages or participants."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Block, Conversation, Message, MessageReport, Participant

CONVERSATIONS_PER_PAGE = 20
MESSAGES_PER_PAGE = 30
REPORTS_PER_PAGE = 30


def inbox_page(*, member, page_number=1) -> Page:
    """The member's conversations, most recent first, each with
    `unread_count` (messages from others after their read marker) and its
    participants prefetched: 4 queries per page (count, page, participants
    with their members, nothing else)."""
    mine = Participant.objects.filter(conversation=OuterRef("pk"), member=member)
    conversations = (
        Conversation.objects.filter(participants__member=member)
        .annotate(
            read_up_to=Coalesce(Subquery(mine.values("last_read_message_id")[:1]), 0),
        )
        .annotate(
            unread_count=Count(
                "messages",
                filter=Q(messages__id__gt=F("read_up_to"))
                & ~Q(messages__author=member),
            )
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("member").order_by("pk"),
            )
        )
        .order_by("-last_message_at", "-pk")
    )
    page = Paginator(conversations, CONVERSATIONS_PER_PAGE).get_page(page_number)
    for conversation in page.object_list:
        conversation.others = [
            p.member
            for p in conversation.participants.all()
            if p.member_id != member.pk
        ]
    return page


def unread_total(*, member) -> int:
    """Messages from others the member has not read yet, in one query."""
    return (
        Message.objects.filter(
            conversation__participants__member=member,
            id__gt=F("conversation__participants__last_read_message_id"),
        )
        .exclude(author=member)
        .count()
    )


def participation(*, member, conversation_id: int) -> Participant | None:
    """The member's place in a conversation (with the conversation), or None
    if they are not in it."""
    if member is None or not member.is_authenticated:
        return None
    return (
        Participant.objects.select_related("conversation")
        .filter(conversation_id=conversation_id, member=member)
        .first()
    )


def participants_if_member(*, member, conversation_id: int) -> list[Participant]:
    """Everyone in a conversation (with their member and the conversation),
    in one query — or [] when `member` is not one of them."""
    if member is None or not member.is_authenticated:
        return []
    participants = list(
        Participant.objects.filter(conversation_id=conversation_id)
        .select_related("member", "conversation")
        .order_by("pk")
    )
    if member.pk not in {p.member_id for p in participants}:
        return []
    return participants


@dataclass(frozen=True)
class Thread:
    conversation: Conversation
    participants: list[Participant]
    page_obj: Page  # newest page last: page 1 is the oldest messages
    messages: list[Message]
    blocked_ids: set[int]  # of the other participants, those the viewer blocked
    blocking_me_ids: set[int]  # of the other participants, those who blocked the viewer


def thread(*, participants: list[Participant], member, page_number=None) -> Thread:
    """A page of a conversation's messages, oldest first, the latest page
    unless asked otherwise: 3 queries (count, page, blocks) whatever its
    length, given its participants (participants_if_member)."""
    conversation = participants[0].conversation
    messages = Message.objects.filter(conversation=conversation).select_related(
        "author"
    )
    paginator = Paginator(messages.order_by("id"), MESSAGES_PER_PAGE)
    page_obj = paginator.get_page(page_number or paginator.num_pages)
    others = [p.member_id for p in participants if p.member_id != member.pk]
    blocks = list(
        Block.objects.filter(
            Q(blocker=member, blocked_id__in=others)
            | Q(blocker_id__in=others, blocked=member)
        ).values_list("blocker_id", "blocked_id")
    )
    return Thread(
        conversation=conversation,
        participants=participants,
        page_obj=page_obj,
        messages=list(page_obj.object_list),
        blocked_ids={blocked for blocker, blocked in blocks if blocker == member.pk},
        blocking_me_ids={
            blocker for blocker, blocked in blocks if blocked == member.pk
        },
    )


def blocked_members(*, member):
    return Block.objects.filter(blocker=member).select_related("blocked")


def reports_page(*, status: str = MessageReport.Status.OPEN, page_number=1) -> Page:
    """Reports with the reported message (only that one) and who wrote it."""
    reports = (
        MessageReport.objects.filter(status=status)
        .select_related(
            "message__author", "message__conversation", "reporter", "resolved_by"
        )
        .order_by("created_at" if status == MessageReport.Status.OPEN else "-pk")
    )
    return Paginator(reports, REPORTS_PER_PAGE).get_page(page_number)
