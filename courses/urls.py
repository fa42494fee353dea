from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("me/", views.my_learning, name="my_learning"),
    path("certificates/<uuid:certificate_id>/", views.certificate, name="certificate"),
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

# Events, assignments and reviews.
from . import assignment_views, event_views, review_views  # noqa: E402

urlpatterns += [
    path(
        "events/<int:event_id>/register/", event_views.register, name="event_register"
    ),
    path("events/<int:event_id>/cancel/", event_views.cancel, name="event_cancel"),
    path(
        "events/<int:event_id>/event.ics", event_views.calendar_file, name="event_ics"
    ),
    path(
        "events/<int:event_id>/attendance/",
        event_views.attendance,
        name="event_attendance",
    ),
    path(
        "lessons/<int:lesson_id>/assignments/<str:block_id>/",
        assignment_views.submit,
        name="assignment_submit",
    ),
    path(
        "submissions/<int:submission_id>/file/",
        assignment_views.submission_file,
        name="submission_file",
    ),
    path(
        "instructor/assignments/",
        assignment_views.grading_queue,
        name="grading_queue",
    ),
    path(
        "instructor/submissions/<int:submission_id>/grade/",
        assignment_views.grade,
        name="assignment_grade",
    ),
    path("courses/<int:course_id>/review/", review_views.review, name="review"),
]
