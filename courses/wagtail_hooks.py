from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Skill, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "folder-open-inverse"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class SkillViewSet(SnippetViewSet):
    model = Skill
    icon = "tick-inverse"
    list_display = ["name", "topic"]
    list_filter = ["topic"]
    search_fields = ["name", "description"]


class SkillsTaxonomyGroup(SnippetViewSetGroup):
    items = (TopicViewSet, SkillViewSet)
    menu_icon = "tick-inverse"
    menu_label = _("Skills")
    menu_name = "skills"


register_snippet(SkillsTaxonomyGroup)
