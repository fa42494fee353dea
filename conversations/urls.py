from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.thread, name="thread"),
    path("m/<int:pk>/report/", views.report, name="report"),
    path("members/<int:pk>/block/", views.block, name="block"),
    path("blocked/", views.blocked, name="blocked"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report_resolve"),
]
