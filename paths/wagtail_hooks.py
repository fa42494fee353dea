from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CareerTrack, MasteryModelFit


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


# The mastery model's fits: written by the nightly refit; operators read their
# held-out AUCs and may switch which one is active (e.g. roll back).
class MasteryFitPermissionPolicy(ModelPermissionPolicy):
    REFUSED = frozenset({"add", "copy", "delete", "lock", "unlock"})

    def user_has_permission(self, user, action):
        return action not in self.REFUSED and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) - self.REFUSED)


class MasteryModelFitViewSet(SnippetViewSet):
    model = MasteryModelFit
    icon = "history"
    menu_label = _("Mastery model fits")
    list_display = [
        "created_at",
        "n_answers",
        "n_members",
        "auc",
        "auc_active",
        "is_active",
    ]
    list_filter = ["is_active"]
    add_to_admin_menu = True
    menu_order = 320
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldPanel("is_active"),
        FieldPanel("note"),
        FieldPanel("n_answers", read_only=True),
        FieldPanel("n_members", read_only=True),
        FieldPanel("auc", read_only=True),
        FieldPanel("auc_active", read_only=True),
        FieldPanel("params", read_only=True),
    ]


register_permission_policy(MasteryModelFit, MasteryFitPermissionPolicy(MasteryModelFit))
register_snippet(MasteryModelFitViewSet)


# Personalisation: segments and churn risk for operators (paths/admin_views.py).
@hooks.register("register_admin_urls")
def personalisation_urls():
    from . import admin_views

    urls = [
        path("", admin_views.SegmentsView.as_view(), name="index"),
        path("at-risk/", admin_views.AtRiskView.as_view(), name="at_risk"),
        path(
            "<slug:dimension>/<str:segment>/",
            admin_views.SegmentMembersView.as_view(),
            name="segment",
        ),
    ]
    return [path("personalisation/", include((urls, "personalisation")))]


class PersonalisationMenuItem(MenuItem):
    def is_shown(self, request):
        from .admin_views import may_see_segments

        return may_see_segments(request.user)


@hooks.register("register_admin_menu_item")
def personalisation_menu_item():
    return PersonalisationMenuItem(
        _("Personalisation"),
        reverse("personalisation:index"),
        icon_name="group",
        order=330,
    )
