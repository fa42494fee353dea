"""@mentions: `@username` in a post links to the member and tells them.

Handles are found in the sanitised HTML (so nothing inside code, code blocks or
links counts), resolved to active members who can read the topic — in a
private group's board only its active members — and replaced by links. Every
piece of the link is escaped; the rest of the HTML is left as the sanitiser
made it."""

import re

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape

from .models import Board, GroupMembership

MENTIONS_MAX = 10  # handles resolved per post; more are left as plain text
# A handle starts after a space or punctuation (not inside an e-mail address
# or a path) and ends on a letter, digit or underscore (not the full stop that
# ends a sentence).
MENTION_RE = re.compile(r"(?<![\w@/.+-])@(\w(?:[\w.+-]*\w)?)")
_TAG_RE = re.compile(r"(<[^>]*>)")
_SKIP_RE = re.compile(r"<(/?)(a|code|pre)\b", re.IGNORECASE)


def _text_segments(html: str):
    """Yield (segment, is_text_to_scan) over the HTML: tags and the text
    inside <a>, <code> and <pre> are not scanned."""
    depth = 0
    for segment in _TAG_RE.split(html):
        if segment.startswith("<"):
            match = _SKIP_RE.match(segment)
            if match:
                depth = max(depth + (-1 if match.group(1) else 1), 0)
            yield segment, False
        else:
            yield segment, depth == 0


def mention_handles(html: str) -> list[str]:
    """The distinct handles mentioned, in order of first appearance."""
    seen: dict[str, str] = {}
    for segment, scan in _text_segments(html):
        if scan:
            for handle in MENTION_RE.findall(segment):
                seen.setdefault(handle.casefold(), handle)
    return list(seen.values())


def mentionable_members(handles: list[str], *, board: Board) -> dict:
    """{casefolded handle: member} for the handles naming active members who
    may read the board (one query)."""
    handles = handles[:MENTIONS_MAX]
    if not handles:
        return {}
    wanted = Q()
    for handle in handles:
        wanted |= Q(username__iexact=handle)
    members = get_user_model().objects.filter(wanted, is_active=True)
    group = board.group
    if group is not None and group.is_private:
        members = members.filter(
            forum_group_memberships__group=group,
            forum_group_memberships__status=GroupMembership.Status.ACTIVE,
        )
    return {member.username.casefold(): member for member in members}


def mentions_link(html: str, members: dict) -> str:
    """Replace each @handle of a member in `members` by a link to them."""
    if not members:
        return html

    def link(match: re.Match) -> str:
        member = members.get(match.group(1).casefold())
        if member is None:
            return match.group(0)
        url = reverse("forum:member", kwargs={"username": member.username})
        return (
            f'<a class="forum-mention" href="{escape(url)}">'
            f"@{escape(member.username)}</a>"
        )

    return "".join(
        MENTION_RE.sub(link, segment) if scan else segment
        for segment, scan in _text_segments(html)
    )
