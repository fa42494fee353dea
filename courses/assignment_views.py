"""Handing in assignments (learners) and grading them (instructors)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import assignment_services
from .models import AssignmentSubmission, LessonPage


class GradeForm(forms.Form):
    score = forms.IntegerField(label=gettext_lazy("Score"), min_value=0)
    feedback = forms.CharField(
        label=gettext_lazy("Feedback"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


@require_POST
@login_required
def submit(request, lesson_id: int, block_id: str):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        assignment_services.assignment_submit(
            user=request.user,
            lesson=lesson,
            block_id=block_id,
            text=request.POST.get("text", ""),
            file=request.FILES.get("file"),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Handed in. Your instructor will review it."))
    return redirect(f"{lesson.url}#assignment-{block_id}")


def _submission_for(user, submission_id: int, *, grader: bool) -> AssignmentSubmission:
    submission = get_object_or_404(
        AssignmentSubmission.objects.select_related("user", "lesson", "course"),
        pk=submission_id,
    )
    can_grade = assignment_services.assignment_can_grade(
        user=user, course=submission.course
    )
    if not can_grade and (grader or submission.user_id != user.pk):
        raise PermissionDenied
    return submission


@login_required
def submission_file(request, submission_id: int):
    """The handed-in file, for its learner and the course's graders only."""
    submission = _submission_for(request.user, submission_id, grader=False)
    if not submission.file:
        raise Http404
    return FileResponse(
        submission.file.open("rb"),
        as_attachment=True,
        filename=submission.file_name or submission.file.name.rsplit("/", 1)[-1],
    )


@login_required
def grading_queue(request):
    if not assignment_services.assignment_is_grader(user=request.user):
        raise PermissionDenied
    show = request.GET.get("show", "submitted")
    status = None if show == "all" else AssignmentSubmission.Status.SUBMITTED
    submissions = assignment_services.assignments_to_grade(
        user=request.user, status=status
    )
    return TemplateResponse(
        request,
        "courses/assignments/grading_queue.html",
        {"submissions": submissions[:200], "show": show},
    )


@login_required
def grade(request, submission_id: int):
    submission = _submission_for(request.user, submission_id, grader=True)
    form = GradeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_services.assignment_grade(
                by=request.user,
                submission=submission,
                score=form.cleaned_data["score"],
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Grade saved; the learner can see it now."))
            return redirect("courses:grading_queue")
    spec = assignment_services.assignment_spec(submission.lesson, submission.block_id)
    return TemplateResponse(
        request,
        "courses/assignments/grade.html",
        {"submission": submission, "form": form, "spec": spec},
        status=400 if form.errors else 200,
    )
