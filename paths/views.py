"""The member's path pages and the onboarding flow: thin views that parse
input, call a service or selector, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.content_cache import content_version
from courses.models import Skill
from members.models import LearningProfile

from . import services
from .forms import GoalForm, LearningProfileForm, SelfAssessmentForm
from .models import CuratedPathPage, PlacementAttempt
from .selectors import (
    learning_path_for,
    learning_profile_for,
    path_overview,
    placement_question_display,
    planning_catalogue,
    self_assessed_levels,
)

ONBOARDING_STEPS = ("goal", "about", "levels", "placement")
MAX_SELF_ASSESSED_SKILLS = 12


def _fail(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they concern."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _goal_kwargs(form: GoalForm) -> dict:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "course": data.get("course"),
        "skills": list(data.get("skills") or ()),
        "track": data.get("track"),
        "curated": data.get("curated"),
    }


# My path -----------------------------------------------------------------------


@login_required
def my_path(request):
    path = learning_path_for(request.user)
    now = timezone.now()
    if path is not None and (
        path.content_version != content_version()
        or path.planned_at is None
        or services.week_start(path.planned_at) != services.week_start(now)
    ):
        # New or changed content since the last plan, or a new week: re-plan.
        path = services.path_replan(member=request.user, now=now)
    overview = path_overview(member=request.user, path=path)
    return TemplateResponse(request, "paths/my_path.html", {"overview": overview})


@require_POST
@login_required
def step_action(request, step_id: int, action: str):
    try:
        if action == "skip":
            services.path_step_skip(member=request.user, step_id=step_id)
            messages.info(request, _("Step skipped. It stays out of your path."))
        elif action == "restore":
            services.path_step_restore(member=request.user, step_id=step_id)
            messages.success(request, _("Step back in your path."))
        elif action == "move":
            services.path_step_move(
                member=request.user,
                step_id=step_id,
                direction=request.POST.get("direction", ""),
            )
            messages.success(request, _("Step moved. Your order is kept."))
        elif action == "swap":
            try:
                page_id = int(request.POST.get("page", ""))
            except ValueError:
                raise ValidationError(
                    _("Choose one of the alternatives offered for this step."),
                    code="bad_swap",
                ) from None
            services.path_step_swap(
                member=request.user, step_id=step_id, page_id=page_id
            )
            messages.success(request, _("Step swapped."))
        else:
            raise Http404
    except ValidationError as error:
        _fail(request, error)
    return redirect(f"{reverse('paths:my_path')}#step-list")


@login_required
def goal(request):
    """Change the goal (the same question as the onboarding's first step)."""
    path = learning_path_for(request.user)
    form = GoalForm(request.POST or None, initial=GoalForm.initial_for(path))
    if request.method == "POST" and form.is_valid():
        try:
            services.path_set_goal(member=request.user, **_goal_kwargs(form))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your goal is set and your path re-planned."))
            return redirect("paths:my_path")
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "paths/goal.html", {"form": form, "path": path}, status=status
    )


@require_POST
@login_required
def adopt(request, page_id: int):
    page = get_object_or_404(CuratedPathPage.objects.live(), pk=page_id)
    try:
        services.path_set_goal(member=request.user, kind="curated", curated=page)
    except ValidationError as error:
        _fail(request, error)
        return redirect(page.url)
    messages.success(
        request,
        _("You follow “%(title)s” now, without what you already master.")
        % {"title": page.title},
    )
    return redirect("paths:my_path")


@login_required
def profile(request):
    """The learning profile, editable any time (the onboarding's answers)."""
    current = learning_profile_for(request.user)
    form = LearningProfileForm(
        request.POST or None, initial=LearningProfileForm.initial_for(current)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.learning_profile_save(member=request.user, **form.profile_fields())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your learning profile is saved."))
            return redirect("paths:profile")
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "paths/profile.html", {"form": form}, status=status
    )


# Onboarding --------------------------------------------------------------------


def _goal_skills_for_levels(member) -> list[Skill]:
    """The skills worth asking about: the goal's and what they need, nearest
    first, at most MAX_SELF_ASSESSED_SKILLS."""
    path = learning_path_for(member)
    if path is None:
        return []
    catalogue = planning_catalogue()
    mode = learning_profile_for(member).personalisation
    spec = services.goal_spec(path, catalogue, mode)
    from .engine.planner import prerequisite_closure

    chains = prerequisite_closure(spec.skills, catalogue.prerequisites)
    ordered = sorted(chains, key=lambda s: (-len(chains[s]), s))
    ids = ordered[:MAX_SELF_ASSESSED_SKILLS]
    skills = Skill.objects.in_bulk(ids)
    return [skills[s] for s in ids if s in skills]


def _next_step(step: str, member) -> str:
    if step == "goal":
        return reverse("paths:start_step", args=["about"])
    if step == "about":
        return reverse("paths:start_step", args=["levels"])
    profile = learning_profile_for(member)
    experienced = profile.experience == LearningProfile.Experience.EXPERIENCED
    if step == "levels" and experienced:
        return reverse("paths:start_step", args=["placement"])
    return reverse("paths:start_done")


@login_required
def onboarding(request, step: str = "goal"):
    if step not in ONBOARDING_STEPS:
        raise Http404
    member = request.user
    if request.method == "POST" and "skip" in request.POST:
        return redirect(_next_step(step, member))
    context = {"step": step, "steps": ONBOARDING_STEPS}
    form = None
    if step == "goal":
        path = learning_path_for(member)
        form = GoalForm(request.POST or None, initial=GoalForm.initial_for(path))
        if request.method == "POST" and form.is_valid():
            try:
                services.path_set_goal(member=member, **_goal_kwargs(form))
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return redirect(_next_step(step, member))
    elif step == "about":
        current = learning_profile_for(member)
        form = LearningProfileForm(
            request.POST or None, initial=LearningProfileForm.initial_for(current)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.learning_profile_save(member=member, **form.profile_fields())
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return redirect(_next_step(step, member))
    elif step == "levels":
        skills = _goal_skills_for_levels(member)
        profile = learning_profile_for(member)
        gentle = profile.experience == LearningProfile.Experience.NEWCOMER
        form = SelfAssessmentForm(
            request.POST or None,
            skills=skills,
            levels=self_assessed_levels(member, [s.pk for s in skills]),
            gentle=gentle,
        )
        context.update(gentle=gentle, has_goal=bool(skills))
        if request.method == "POST" and form.is_valid():
            try:
                services.self_assessment_save(member=member, levels=form.levels())
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return redirect(_next_step(step, member))
    else:  # placement: offered to experienced members
        path = learning_path_for(member)
        available = path is not None and bool(
            services.placement_skills(path, planning_catalogue())
        )
        context.update(placement_available=available)
    context["form"] = form
    status = 400 if form is not None and form.is_bound else 200
    return TemplateResponse(request, "paths/onboarding.html", context, status=status)


@login_required
def onboarding_done(request):
    services.onboarding_finish(member=request.user)
    if learning_path_for(request.user) is None:
        messages.info(
            request,
            _("You can set a goal any time from My path; your answers are saved."),
        )
    else:
        messages.success(request, _("Your path is ready. Here is where to start."))
    return redirect("paths:my_path")


# Placement quiz ---------------------------------------------------------------------


@login_required
def placement(request):
    member = request.user
    if request.method == "POST":
        try:
            attempt_id = int(request.POST.get("attempt", ""))
        except ValueError:
            attempt_id = 0
        answers = {}
        for key in request.POST:
            if key.startswith("a-"):
                values = request.POST.getlist(key)
                answers[key.removeprefix("a-")] = (
                    values[0] if len(values) == 1 else values
                )
        try:
            attempt = services.placement_submit(
                member=member, attempt_id=attempt_id, answers=answers
            )
        except ValidationError as error:
            _fail(request, error)
            attempt = PlacementAttempt.objects.filter(
                pk=attempt_id, member=member, submitted_at__isnull=True
            ).first()
            if attempt is None:
                return redirect("paths:my_path")
            return _render_placement(request, attempt, status=400)
        right = sum(r for r, _t in attempt.results.values())
        asked = sum(t for _r, t in attempt.results.values())
        messages.success(
            request,
            _(
                "Placement done: %(right)d of %(asked)d right. Your path skips "
                "what you showed you know."
            )
            % {"right": right, "asked": asked},
        )
        if request.GET.get("onboarding"):
            return redirect("paths:start_done")
        return redirect("paths:my_path")
    try:
        attempt = services.placement_start(member=member)
    except ValidationError as error:
        _fail(request, error)
        return redirect("paths:my_path")
    return _render_placement(request, attempt)


def _render_placement(request, attempt: PlacementAttempt, status: int = 200):
    return TemplateResponse(
        request,
        "paths/placement.html",
        {
            "attempt": attempt,
            "questions": placement_question_display(attempt),
            "onboarding": bool(request.GET.get("onboarding")),
        },
        status=status,
    )
