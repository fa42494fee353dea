"""The project's URLs plus a view that crashes, to exercise handler500."""

from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash), *project_urlpatterns]
