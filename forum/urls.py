from django.urls import path

from . import (
    engagement_views,
    gallery_views,
    group_views,
    moderation_views,
    search_views,
    views,
)

app_name = "forum"

urlpatterns = [
    path("", views.board_list, name="boards"),
    path("search/", search_views.search_page, name="search"),
    path("t/<int:pk>/", views.topic_detail, name="topic"),
    path("t/<int:pk>/reply/", views.reply_create, name="reply"),
    path("t/<int:pk>/follow/", engagement_views.topic_follow, name="topic_follow"),
    path("t/<int:pk>/read/", engagement_views.topic_read, name="topic_read"),
    path("t/<int:pk>/poll/", engagement_views.poll_add, name="poll_add"),
    path("t/<int:pk>/poll/vote/", engagement_views.poll_vote, name="poll_vote"),
    path("p/<int:pk>/", views.post_detail, name="post"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
    path("p/<int:pk>/react/", views.reaction_toggle, name="react"),
    path("p/<int:pk>/report/", moderation_views.post_report, name="post_report"),
    path("u/<str:username>/", engagement_views.member_detail, name="member"),
    path("groups/", group_views.group_list, name="groups"),
    path("groups/new/", group_views.group_create, name="group_create"),
    path("g/<slug:slug>/", group_views.group_detail, name="group"),
    path("g/<slug:slug>/join/", group_views.group_join, name="group_join"),
    path("g/<slug:slug>/leave/", group_views.group_leave, name="group_leave"),
    path(
        "g/<slug:slug>/requests/<int:pk>/<str:decision>/",
        group_views.membership_decide,
        name="membership_decide",
    ),
    path("g/<slug:slug>/gallery/", gallery_views.group_gallery, name="group_gallery"),
    path("gallery/", gallery_views.gallery, name="gallery"),
    path("gallery/skill/<int:pk>/", gallery_views.skill_gallery, name="skill_gallery"),
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
    path("<slug:slug>/gallery/", gallery_views.board_gallery, name="board_gallery"),
    path("<slug:slug>/follow/", engagement_views.board_follow, name="board_follow"),
]
