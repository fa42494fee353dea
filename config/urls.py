from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from website import views as website_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("search/", website_views.search, name="search"),
    path("learn/", include("courses.urls")),
    path("community/", include("forum.urls")),
    path("paths/", include("paths.urls")),
    path("messages/", include("conversations.urls")),
    path("notifications/", include("notifications.urls")),
    path("help/", include("website.help_urls")),
    path("", include("gamification.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("", include(wagtail_urls)),
]

handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"
