"""Operators publish privacy policy versions and read consent records and
deletion requests in the Wagtail admin (Settings menu)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import AccountDeletion, ConsentRecord, PrivacyPolicy


class PrivacyPolicyViewSet(SnippetViewSet):
    model = PrivacyPolicy
    icon = "doc-full"
    menu_label = _("Privacy policy versions")
    list_display = ["version", "published_at", "url"]


class ConsentRecordViewSet(SnippetViewSet):
    model = ConsentRecord
    icon = "tick"
    menu_label = _("Consent records")
    list_display = ["member", "policy", "accepted_at"]
    inspect_view_enabled = True


class AccountDeletionViewSet(SnippetViewSet):
    model = AccountDeletion
    icon = "bin"
    menu_label = _("Account deletions")
    list_display = [
        "member",
        "requested_at",
        "scheduled_for",
        "cancelled_at",
        "erased_at",
    ]
    inspect_view_enabled = True


class PrivacyGroup(SnippetViewSetGroup):
    menu_label = _("Privacy")
    menu_icon = "lock"
    items = (PrivacyPolicyViewSet, ConsentRecordViewSet, AccountDeletionViewSet)


register_snippet(PrivacyGroup)
