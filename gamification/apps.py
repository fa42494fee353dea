from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self) -> None:
        from . import consumers, receivers  # noqa: F401
