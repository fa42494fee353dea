"""Caching of what every learner sees alike: a course's syllabus (its published
modules and lessons), the course a lesson belongs to, a course's instructors,
upcoming events and reviews, and the catalogue's result listing.

Entries are keyed by a content version that any change to the course tree, the
taxonomy, events, reviews or page privacy bumps (courses/receivers.py), so a
published edit shows at once; a short timeout bounds staleness of what the
version does not track (a member's display name on a card or review)."""

import uuid

from django.core.cache import cache

VERSION_KEY = "courses:content-version"
TIMEOUT = 300


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def content_changed() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached(key: str, build):
    """`build()`'s value under `key` for the current content version."""
    full_key = f"courses:{content_version()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, TIMEOUT)
    return value
