from django.urls import path

from . import views

app_name = "gamification"

urlpatterns = [
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("rewards/", views.rewards, name="rewards"),
    path("rewards/<int:reward_id>/redeem/", views.redeem, name="redeem"),
    path("progress/", views.my_progress, name="progress"),
    path("progress/check-in/", views.check_in, name="check_in"),
    path("progress/freeze/", views.buy_freeze, name="buy_freeze"),
    path("progress/preferences/", views.preferences, name="preferences"),
]
