from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Level, PointsRule, Reward


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


class LevelViewSet(SnippetViewSet):
    model = Level
    icon = "order"
    list_display = [
        "number",
        "name",
        "threshold",
        "can_create_polls",
        "offered_moderation",
    ]
    ordering = ["threshold"]


class RewardViewSet(SnippetViewSet):
    model = Reward
    icon = "pick"
    list_display = ["name", "cost", "stock", "active"]
    list_filter = ["active"]
    search_fields = ["name", "description"]


class GamificationGroup(SnippetViewSetGroup):
    items = (PointsRuleViewSet, LevelViewSet, RewardViewSet)
    menu_icon = "pick"
    menu_label = _("Gamification")
    menu_name = "gamification"


register_snippet(GamificationGroup)
