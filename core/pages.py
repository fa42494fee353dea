"""Mixins for page models of any app (articles, courses, …)."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import prefetch_related_objects


class CardMixin:
    """How a page presents itself as a card in listings and featured areas.

    Override `card_image` and `card_summary` on the page model; the defaults fall
    back to the promote tab's search description. `card_related` names the
    relations a card reads, so a mixed list of cards is fetched without N+1.
    """

    card_related: tuple[str, ...] = ()

    @property
    def card_image(self):
        return None

    @property
    def card_summary(self) -> str:
        return getattr(self, "search_description", "") or ""


def prefetch_cards(pages: Iterable) -> None:
    """Fetch what every card in a mixed list of specific pages shows, one query
    per relation and page type instead of one per card."""
    by_type = defaultdict(list)
    for page in pages:
        by_type[type(page)].append(page)
    for page_type, group in by_type.items():
        related = getattr(page_type, "card_related", ())
        if related:
            prefetch_related_objects(group, *related)
