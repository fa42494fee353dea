from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Community forum")

    def ready(self) -> None:
        from . import privacy  # noqa: F401  (members.privacy registry)
