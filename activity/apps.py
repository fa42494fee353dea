from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = "Activity log"

    def ready(self) -> None:
        from . import privacy  # noqa: F401  (members.privacy registry)
