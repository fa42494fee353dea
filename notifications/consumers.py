"""What notifications does with the activity log: fan each social or
achievement activity out to the members it concerns. Forum notifications go
only to members who may read the post (`forum.selectors.posts_visible_to`),
so nothing from a private group reaches someone outside it."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from activity.registry import consumer

from .models import Kind
from .services import Candidate, notify

VERBS = {"replied", "mentioned", "accepted", "liked", "earned", "completed", "sent"}


def _post(post_id):
    from forum.models import Post

    return Post.objects.select_related("topic").filter(pk=post_id).first()


def _readers_of(post, member_ids) -> set[int]:
    """Which of these members may read the post (one query each)."""
    from forum.selectors import posts_visible_to

    members = get_user_model().objects.filter(pk__in=set(member_ids), is_active=True)
    return {m.pk for m in members if posts_visible_to(m).filter(pk=post.pk).exists()}


def _forum_candidates(activity) -> list[Candidate]:
    post = _post(activity.object_id)
    if post is None:
        return []
    topic = post.topic
    params = {"topic": topic.title}
    url = post.get_absolute_url()
    context = activity.context or {}
    found: list[Candidate] = []
    if activity.verb == "replied":
        parent_author = None
        if context.get("in_reply_to"):
            parent = _post(context["in_reply_to"])
            parent_author = parent.author_id if parent else None
        if parent_author:
            found.append(
                Candidate(
                    parent_author, Kind.REPLY, url, params={**params, "to_post": True}
                )
            )
        if topic.author_id and topic.author_id != parent_author:
            found.append(Candidate(topic.author_id, Kind.REPLY, url, params=params))
    elif activity.verb == "mentioned":
        found.append(
            Candidate(context.get("mentioned_id"), Kind.MENTION, url, params=params)
        )
    elif activity.verb == "accepted":
        found.append(Candidate(post.author_id, Kind.ACCEPTED, url, params=params))
    elif activity.verb == "liked":
        found.append(
            Candidate(
                post.author_id,
                Kind.REACTION,
                url,
                params={**params, "reaction": context.get("kind", "like")},
            )
        )
    found = [c for c in found if c.recipient_id and c.recipient_id != activity.actor_id]
    if not found:
        return []
    readers = _readers_of(post, [c.recipient_id for c in found])
    for c in found:
        c.actor_id = activity.actor_id
    return [c for c in found if c.recipient_id in readers]


def _own_candidates(activity) -> list[Candidate]:
    """Achievements: told to the member who earned them."""
    member_id = activity.actor_id
    if activity.verb == "earned" and activity.object_type == "badge":
        from gamification.badge_models import BadgeClass

        badge = BadgeClass.objects.filter(pk=activity.object_id).first()
        if badge is None:
            return []
        return [
            Candidate(
                member_id,
                Kind.BADGE,
                reverse("gamification:badges"),
                params={"badge": badge.name},
            )
        ]
    if activity.verb == "earned" and activity.object_type == "level":
        return [
            Candidate(
                member_id,
                Kind.LEVEL,
                reverse("gamification:progress"),
                params={
                    "number": int(activity.object_id),
                    "name": (activity.context or {}).get("level_name", ""),
                },
            )
        ]
    if activity.verb == "completed" and activity.object_type == "challenge":
        return [
            Candidate(
                member_id,
                Kind.CHALLENGE,
                reverse("gamification:progress"),
                params={"challenge": (activity.context or {}).get("title", "")},
            )
        ]
    return []


def _message_candidates(activity) -> list[Candidate]:
    from conversations.models import Conversation, Participant

    conversation = Conversation.objects.filter(pk=activity.object_id).first()
    if conversation is None:
        return []
    others = Participant.objects.filter(conversation=conversation).exclude(
        member_id=activity.actor_id
    )
    return [
        Candidate(
            member_id,
            Kind.MESSAGE,
            conversation.get_absolute_url(),
            actor_id=activity.actor_id,
            params={"subject": conversation.subject},
        )
        for member_id in others.values_list("member_id", flat=True)
    ]


def candidates_for(activity) -> list[Candidate]:
    if activity.verb in {"replied", "mentioned", "accepted", "liked"}:
        if activity.object_type not in {"post", "answer"}:
            return []
        return _forum_candidates(activity)
    if activity.verb == "sent":
        return _message_candidates(activity)
    return _own_candidates(activity)


def fan_out_batch(activities) -> None:
    """The same effects as the handler on each activity in order (each
    notification is an insert that ignores a duplicate, so no row locks)."""
    for activity in activities:
        fan_out(activity)


@consumer("notifications.fanout", verbs=VERBS, batch=fan_out_batch)
def fan_out(activity) -> None:
    """Notify whoever the activity concerns, once per (activity, recipient,
    kind), respecting their preferences. Achievements go to the member who
    earned them (no actor: nobody else did it); social ones never to the
    member who acted."""
    notify(candidates=candidates_for(activity), activity=activity)
