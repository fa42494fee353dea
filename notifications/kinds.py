"""The sentence of each notification, rendered when it is shown (in the
reader's language) from the kind and the parameters stored with it."""

from django.utils.translation import gettext as _

from .models import Kind


def notification_text(notification) -> str:
    p = notification.params or {}
    actor = notification.actor.name if notification.actor_id else _("Someone")
    kind = notification.kind
    if kind == Kind.REPLY:
        if p.get("to_post"):
            return _("%(actor)s replied to your post in “%(topic)s”") % {
                "actor": actor,
                "topic": p.get("topic", ""),
            }
        return _("%(actor)s replied to your topic “%(topic)s”") % {
            "actor": actor,
            "topic": p.get("topic", ""),
        }
    if kind == Kind.MENTION:
        return _("%(actor)s mentioned you in “%(topic)s”") % {
            "actor": actor,
            "topic": p.get("topic", ""),
        }
    if kind == Kind.ACCEPTED:
        return _("%(actor)s accepted your answer in “%(topic)s”") % {
            "actor": actor,
            "topic": p.get("topic", ""),
        }
    if kind == Kind.REACTION:
        if p.get("reaction") == "helpful":
            return _("%(actor)s found your post in “%(topic)s” helpful") % {
                "actor": actor,
                "topic": p.get("topic", ""),
            }
        return _("%(actor)s liked your post in “%(topic)s”") % {
            "actor": actor,
            "topic": p.get("topic", ""),
        }
    if kind == Kind.BADGE:
        return _("You earned the badge “%(badge)s”") % {"badge": p.get("badge", "")}
    if kind == Kind.LEVEL:
        return _("You reached level %(number)s: %(name)s") % {
            "number": p.get("number", ""),
            "name": p.get("name", ""),
        }
    if kind == Kind.EVENT_REMINDER:
        return _("“%(event)s” starts within a day") % {"event": p.get("event", "")}
    if kind == Kind.MESSAGE:
        return _("%(actor)s sent you a message: “%(subject)s”") % {
            "actor": actor,
            "subject": p.get("subject", ""),
        }
    if kind == Kind.CHALLENGE:
        return _("You completed the challenge “%(challenge)s”") % {
            "challenge": p.get("challenge", "")
        }
    if kind == Kind.NUDGE:
        if p.get("reason") == "streak":
            return _(
                "Your %(days)s-day streak ends at midnight: one lesson keeps it going"
            ) % {"days": p.get("days", "")}
        return _("We have missed you: here is something to pick up where you left off")
    return _("You have a new notification")
