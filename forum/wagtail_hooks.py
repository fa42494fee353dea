from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Board, Group, GroupMembership


class BoardViewSet(SnippetViewSet):
    """Boards are set up by editors; topics and posts belong to members."""

    model = Board
    icon = "doc-full"
    menu_label = _("Boards")
    list_display = ["name", "slug", "course", "group", "position", "is_archived"]
    list_filter = ["is_archived", "group"]
    search_fields = ["name", "description"]
    ordering = ["position", "name"]


class GroupViewSet(SnippetViewSet):
    """Interest groups; members join (or ask to) on the site."""

    model = Group
    icon = "group"
    menu_label = _("Groups")
    list_display = ["name", "slug", "visibility", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["name", "description"]
    ordering = ["name"]


class GroupMembershipViewSet(SnippetViewSet):
    """Who is in which group, with which role: make a member an owner or a
    group moderator here."""

    model = GroupMembership
    icon = "user"
    menu_label = _("Group members")
    list_display = ["member", "group", "role", "status", "joined_at"]
    list_filter = ["group", "role", "status"]
    search_fields = ["member__username", "member__display_name", "group__name"]
    ordering = ["group", "role", "member"]


class ForumViewSetGroup(SnippetViewSetGroup):
    items = (BoardViewSet, GroupViewSet, GroupMembershipViewSet)
    menu_icon = "group"
    menu_label = _("Forum")
    menu_order = 300


register_snippet(ForumViewSetGroup)
