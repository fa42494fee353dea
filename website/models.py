from wagtail.models import Page


class HomePage(Page):
    """The site's front page."""

    max_count = 1
