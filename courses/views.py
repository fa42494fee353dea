"""Thin POST endpoints of the learner flow: parse, call a service, respond."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import CoursePage, LessonPage
from .selectors import certificate_get, course_progress, learner_overview

ANSWER_PREFIX = "q-"


def _fail(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
@login_required
def enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.enrollment_create(user=request.user, course=course)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("You are enrolled. Enjoy the course!"))
    return redirect(course.url)


@require_POST
@login_required
def withdraw(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    services.enrollment_withdraw(user=request.user, course=course)
    messages.info(
        request, _("You have left the course. Your progress is kept if you return.")
    )
    return redirect(course.url)


@require_POST
@login_required
def complete_lesson(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        services.lesson_complete(user=request.user, lesson=lesson)
    except ValidationError as error:
        _fail(request, error)
        return redirect(lesson.url)
    messages.success(request, _("Lesson complete."))
    course = CoursePage.objects.ancestor_of(lesson).first()
    progress = course_progress(course=course, user=request.user)
    following = progress.neighbours(lesson)[1]
    return redirect(following.url if following else course.url)


@require_POST
@login_required
def submit_quiz(request, lesson_id: int, quiz_id: str):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    answers = {}
    for key in request.POST:
        if key.startswith(ANSWER_PREFIX):
            values = request.POST.getlist(key)
            answers[key.removeprefix(ANSWER_PREFIX)] = (
                values[0] if len(values) == 1 else values
            )
    try:
        attempt_number = int(request.POST.get("attempt", ""))
    except ValueError:
        attempt_number = None
    try:
        outcome = services.quiz_submit(
            user=request.user,
            lesson=lesson,
            quiz_block_id=quiz_id,
            answers=answers,
            attempt_number=attempt_number,
        )
    except ValidationError as error:
        _fail(request, error)
        return _render_lesson(request, lesson, status=400)
    if outcome.course_completed:
        messages.success(request, _("Congratulations: you completed the course!"))
    elif outcome.lesson_completed:
        messages.success(request, _("Quiz passed: lesson complete."))
    return _render_lesson(request, lesson, quiz_feedback=outcome)


def _render_lesson(request, lesson: LessonPage, status: int = 200, **extra):
    context = lesson.get_context(request)
    context.update(extra)
    return TemplateResponse(
        request, lesson.get_template(request), context, status=status
    )


@login_required
def my_learning(request):
    return TemplateResponse(
        request,
        "courses/my_learning.html",
        {"overview": learner_overview(user=request.user)},
    )


def certificate(request, certificate_id):
    # Public by design: whoever has the link can check the certificate.
    completion = certificate_get(certificate_id=certificate_id)
    if completion is None or not completion.course.live:
        raise Http404
    return TemplateResponse(
        request,
        "courses/certificate.html",
        {
            "completion": completion,
            "instructors": list(completion.course.instructor_links.all()),
            "share_url": request.build_absolute_uri(),
        },
    )
