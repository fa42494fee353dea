import importlib
import pkgutil

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    name = "paths"
    verbose_name = _("Paths and personalisation")

    def ready(self) -> None:
        # Every module named ``consumers*`` registers its activity consumers on import.
        for module in pkgutil.iter_modules([self.path]):
            if module.name.startswith(("consumers", "receivers")):
                importlib.import_module(f"{self.name}.{module.name}")
