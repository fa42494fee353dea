from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "lessons/<int:lesson_id>/complete/",
        views.complete_lesson,
        name="lesson_complete",
    ),
    path(
        "lessons/<int:lesson_id>/quizzes/<str:quiz_id>/",
        views.submit_quiz,
        name="quiz_submit",
    ),
]
