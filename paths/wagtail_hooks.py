from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CareerTrack


class CareerTrackViewSet(SnippetViewSet):
    """Roles and careers members can choose as their goal."""

    model = CareerTrack
    icon = "user"
    menu_label = _("Career tracks")
    list_display = ["name", "active"]
    list_filter = ["active"]
    search_fields = ["name", "summary"]
    add_to_admin_menu = True
    menu_order = 310


register_snippet(CareerTrackViewSet)
