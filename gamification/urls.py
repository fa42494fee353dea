from django.urls import path

from . import badge_views, views

app_name = "gamification"

urlpatterns = [
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("rewards/", views.rewards, name="rewards"),
    path("rewards/<int:reward_id>/redeem/", views.redeem, name="redeem"),
    path("progress/", views.my_progress, name="progress"),
    path("progress/check-in/", views.check_in, name="check_in"),
    path("progress/freeze/", views.buy_freeze, name="buy_freeze"),
    path("progress/preferences/", views.preferences, name="preferences"),
    # Badges (Open Badges 2.0, hosted) and challenges
    path("badges/", badge_views.badge_catalogue, name="badges"),
    path("badges/issuer.json", badge_views.ob_issuer, name="ob_issuer"),
    path("badges/issuer.png", badge_views.ob_issuer_image, name="ob_issuer_image"),
    path("badges/class/<int:pk>.json", badge_views.ob_badge, name="ob_badge"),
    path(
        "badges/class/<int:pk>/image.png",
        badge_views.badge_image,
        name="badge_image",
    ),
    path("badges/a/<uuid:uuid>/", badge_views.award_page, name="award"),
    path("badges/a/<uuid:uuid>.json", badge_views.ob_assertion, name="ob_assertion"),
    path("badges/a/<uuid:uuid>.png", badge_views.award_png, name="award_png"),
    path("badges/<slug:slug>/", badge_views.badge_detail, name="badge_detail"),
    path("challenges/", badge_views.challenge_list, name="challenges"),
]
