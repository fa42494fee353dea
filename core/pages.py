"""Mixins for page models of any app (articles, courses, …)."""


class CardMixin:
    """How a page presents itself as a card in listings and featured areas.

    Override `card_image` and `card_summary` on the page model; the defaults fall
    back to the promote tab's search description.
    """

    @property
    def card_image(self):
        return None

    @property
    def card_summary(self) -> str:
        return getattr(self, "search_description", "") or ""
