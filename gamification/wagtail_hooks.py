from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import PointsRule


class PointsRuleViewSet(SnippetViewSet):
    model = PointsRule
    icon = "pick"
    list_display = [
        "name",
        "verb",
        "object_type",
        "condition",
        "points",
        "daily_cap",
        "active",
    ]
    list_filter = ["verb", "active"]
    search_fields = ["name"]


class GamificationGroup(SnippetViewSetGroup):
    items = (PointsRuleViewSet,)
    menu_icon = "pick"
    menu_label = _("Gamification")
    menu_name = "gamification"


register_snippet(GamificationGroup)
