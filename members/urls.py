from django.urls import path

from . import privacy_views, views

app_name = "members"

urlpatterns = [
    path("me/", views.profile_edit, name="profile_edit"),
    path("privacy/", privacy_views.privacy_centre, name="privacy"),
    path("privacy/data/", privacy_views.data_held, name="privacy_data_held"),
    path("privacy/export/", privacy_views.export_request, name="privacy_export"),
    path(
        "privacy/export/<str:token>/",
        privacy_views.export_download,
        name="privacy_download",
    ),
    path("privacy/delete/", privacy_views.deletion_request, name="privacy_delete"),
    path(
        "privacy/delete/cancel/",
        privacy_views.deletion_cancel,
        name="privacy_delete_cancel",
    ),
    path("privacy/reset/", privacy_views.inferred_reset, name="privacy_reset"),
    path("privacy/consent/", privacy_views.consent, name="privacy_consent"),
]
