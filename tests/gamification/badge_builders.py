"""Builders for the badge and challenge tests."""

import itertools
from datetime import timedelta

from django.utils import timezone

from gamification.badge_models import BadgeClass
from gamification.badges import badges_clear_cache
from gamification.challenge_models import Challenge
from gamification.challenges import challenges_clear_cache

_ids = itertools.count(1)


def make_badge(**kwargs) -> BadgeClass:
    n = next(_ids)
    kwargs.setdefault("name", f"Badge {n}")
    kwargs.setdefault("slug", f"badge-{n}")
    kwargs.setdefault("description", "For doing the thing.")
    kwargs.setdefault("kind", BadgeClass.Kind.COUNT)
    if kwargs["kind"] == BadgeClass.Kind.COUNT:
        kwargs.setdefault("verb", "completed")
        kwargs.setdefault("object_type", "lesson")
    kwargs.setdefault("count", 1)
    badge = BadgeClass(**kwargs)
    badge.full_clean()
    badge.save()
    badges_clear_cache()
    return badge


def make_challenge(**kwargs) -> Challenge:
    now = timezone.now()
    kwargs.setdefault("title", f"Challenge {next(_ids)}")
    kwargs.setdefault("starts_at", now - timedelta(days=1))
    kwargs.setdefault("ends_at", now + timedelta(days=6))
    kwargs.setdefault("verb", "completed")
    kwargs.setdefault("object_type", "lesson")
    kwargs.setdefault("goal", 3)
    challenge = Challenge(**kwargs)
    challenge.full_clean()
    challenge.save()
    challenges_clear_cache()
    return challenge
