from django.urls import path

from . import help_views

app_name = "help"

urlpatterns = [
    path("", help_views.help_page, name="search"),
    path("similar/", help_views.similar, name="similar"),
]
