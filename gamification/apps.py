from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self) -> None:
        from . import badge_consumers, badge_receivers, consumers, privacy, receivers  # noqa: F401
