from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import badge_admin
from .models import BadgeClass, Challenge, Level, PointsRule, Reward


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


class BadgeClassViewSet(SnippetViewSet):
    model = BadgeClass
    icon = "success"
    list_display = ["name", "kind", "count", "repeatable", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "description"]


class ChallengeViewSet(SnippetViewSet):
    model = Challenge
    icon = "calendar-check"
    list_display = ["title", "starts_at", "ends_at", "verb", "goal", "active"]
    list_filter = ["active", "verb"]
    search_fields = ["title", "description"]


class GamificationGroup(SnippetViewSetGroup):
    items = (
        PointsRuleViewSet,
        LevelViewSet,
        RewardViewSet,
        BadgeClassViewSet,
        ChallengeViewSet,
    )
    menu_icon = "pick"
    menu_label = _("Gamification")
    menu_name = "gamification"


register_snippet(GamificationGroup)


hooks.register("before_delete_snippet", badge_admin.refuse_deleting_used)


# Operators: revoke badge awards, fulfil or cancel redemptions -----------------


@hooks.register("register_admin_urls")
def gamification_operator_urls():
    urls = [
        path("awards/", badge_admin.BadgeAwardListView.as_view(), name="awards"),
        path(
            "awards/<int:award_id>/revoke/",
            badge_admin.badge_award_revoke_view,
            name="award_revoke",
        ),
        path(
            "redemptions/",
            badge_admin.RedemptionListView.as_view(),
            name="redemptions",
        ),
        path(
            "redemptions/<int:redemption_id>/<str:decision>/",
            badge_admin.redemption_decide_view,
            name="redemption_decide",
        ),
    ]
    return [path("gamification/", include((urls, "gamification_admin")))]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def redemptions_menu_item():
    return PermissionMenuItem(
        _("Reward redemptions"),
        reverse("gamification_admin:redemptions"),
        icon_name="tasks",
        order=960,
        permission=badge_admin.MAY_DECIDE,
    )


@hooks.register("register_admin_menu_item")
def badge_awards_menu_item():
    return PermissionMenuItem(
        _("Badge awards"),
        reverse("gamification_admin:awards"),
        icon_name="success",
        order=961,
        permission=badge_admin.MAY_REVOKE,
    )


@hooks.register("register_permissions")
def gamification_operator_permissions():
    return Permission.objects.filter(
        content_type__app_label="gamification",
        codename__in=["change_redemption", "change_badgeaward"],
    )
