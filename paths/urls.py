from django.urls import path

from . import mastery_views, views

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
]
