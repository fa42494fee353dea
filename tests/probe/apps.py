from django.apps import AppConfig
from django.conf import settings


class ProbeConfig(AppConfig):
    """Test-only app (installed by config.settings.test): an instrumented
    consumer and the tables it reports to, for the real-worker tests."""

    name = "tests.probe"
    label = "probe"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        if getattr(settings, "LYCEUM_PROBE_CONSUMERS", False):
            from .consumers import register

            register()
