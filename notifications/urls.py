from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("settings/", views.preferences, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
