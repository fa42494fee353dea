from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Board


class BoardViewSet(SnippetViewSet):
    """Boards are set up by editors; topics and posts belong to members."""

    model = Board
    icon = "group"
    menu_label = _("Forum boards")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "slug", "course", "position", "is_archived"]
    list_filter = ["is_archived"]
    search_fields = ["name", "description"]
    ordering = ["position", "name"]


register_snippet(BoardViewSet)
