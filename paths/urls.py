from django.urls import path

from . import mastery_views, views, views_recommend

app_name = "paths"

urlpatterns = [
    path("", views.my_path, name="my_path"),
    path("start/", views.onboarding, name="start"),
    path("start/done/", views.onboarding_done, name="start_done"),
    path("start/<slug:step>/", views.onboarding, name="start_step"),
    path("goal/", views.goal, name="goal"),
    path("profile/", views.profile, name="profile"),
    path("placement/", views.placement, name="placement"),
    path("adopt/<int:page_id>/", views.adopt, name="adopt"),
    path("steps/<int:step_id>/<slug:action>/", views.step_action, name="step_action"),
    path("skills/", mastery_views.my_skills, name="my_skills"),
    path("skills/reset/", mastery_views.my_skills_reset, name="my_skills_reset"),
    path("recommendations/", views_recommend.recommendations, name="recommendations"),
    path(
        "recommendations/<slug:kind>/<int:item_id>/not-interested/",
        views_recommend.recommendation_not_interested,
        name="recommendation_dismiss",
    ),
    path("mentoring/", views_recommend.mentoring, name="mentoring"),
    path(
        "mentoring/ask/<int:mentor_id>/",
        views_recommend.mentoring_ask,
        name="mentoring_ask",
    ),
    path(
        "mentoring/<int:request_id>/<slug:action>/",
        views_recommend.mentoring_decide,
        name="mentoring_decide",
    ),
]
