from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/", views.profile_edit, name="profile_edit"),
]
