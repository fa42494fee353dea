from django.urls import path

from . import moderation_views, search_views, views

app_name = "forum"

urlpatterns = [
    path("", views.board_list, name="boards"),
    path("search/", search_views.search_page, name="search"),
    path("t/<int:pk>/", views.topic_detail, name="topic"),
    path("t/<int:pk>/reply/", views.reply_create, name="reply"),
    path("p/<int:pk>/", views.post_detail, name="post"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
    path("p/<int:pk>/react/", views.reaction_toggle, name="react"),
    path("p/<int:pk>/report/", moderation_views.post_report, name="post_report"),
    path("moderation/", moderation_views.moderation_queue, name="moderation"),
    path(
        "moderation/p/<int:pk>/<str:action>/",
        moderation_views.post_moderate,
        name="post_moderate",
    ),
    path(
        "moderation/t/<int:pk>/<str:action>/",
        moderation_views.topic_moderate,
        name="topic_moderate",
    ),
    path(
        "moderation/r/<int:pk>/resolve/",
        moderation_views.report_resolve,
        name="report_resolve",
    ),
    # Board slugs last: RESERVED_BOARD_SLUGS keeps them off the paths above.
    path("<slug:slug>/", views.board_detail, name="board"),
    path("<slug:slug>/new/", views.topic_create, name="topic_create"),
]
