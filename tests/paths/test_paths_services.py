"""Goals, re-planning from the activity log, the learner's decisions and the
personalisation level, through the services."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Activity
from courses.models import LessonPage
from courses.services import enrollment_create, lesson_complete, quiz_submit
from members.services import learning_profile_update
from paths import services
from paths.models import LearningPath, PathStep, SkillMastery
from paths.selectors import path_overview

from .planning_world import PathWorld, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return PathWorld()


@pytest.fixture
def learner():
    return member(username="lena")


def todo(path):
    return list(
        path.steps.filter(status=PathStep.Status.TODO)
        .order_by("order")
        .values_list("page_id", flat=True)
    )


def set_skills_goal(learner, *skills):
    return services.path_set_goal(member=learner, kind="skills", skills=list(skills))


def master(learner, *skills, probability=0.99):
    for skill in skills:
        SkillMastery.objects.update_or_create(
            member=learner, skill=skill, defaults={"probability": probability}
        )


# Goals and plans --------------------------------------------------------------


def test_a_skills_goal_plans_prerequisites_first_with_reasons(world, learner):
    path = set_skills_goal(learner, world.analysis)
    steps = todo(path)
    assert steps.index(world.variables.pk) < steps.index(world.tables.pk)
    assert steps.index(world.tables.pk) < steps.index(world.analysis_intro.pk)
    assert steps.index(world.averages.pk) < steps.index(world.analysis_intro.pk)
    first = path.steps.get(page_id=world.variables.pk)
    assert first.reason["chain"] == [
        world.analysis.pk,
        world.wrangling.pk,
        world.python.pk,
    ]
    assert first.skill_id == world.python.pk
    assert path.eta is not None and path.eta_weeks >= 1
    overview = path_overview(member=learner)
    texts = [row.reason for week in overview.weeks for row in week.steps]
    assert (
        "You want Data analysis; it needs Data wrangling; it needs Python basics; "
        "your mastery of Python basics is 0.00." in texts
    )
    goal_set = Activity.objects.get(verb="registered", object_type="path")
    assert goal_set.context["goal"] == "skills"
    assert goal_set.context["skills"] == [world.analysis.pk]


def test_a_course_goal_prefers_the_course_own_lessons(world, learner):
    path = services.path_set_goal(member=learner, kind="course", course=world.refresher)
    assert todo(path) == [world.ten_minutes.pk]
    overview = path_overview(member=learner)
    assert (
        overview.weeks[0]
        .steps[0]
        .reason.startswith("You want Python refresher; it needs Python basics;")
    )


@pytest.mark.parametrize(
    ("kind", "field", "message"),
    [
        ("skills", "skills", "Choose at least one skill."),
        ("course", "course", "Choose a published course."),
        ("track", "track", "Choose one of the roles on offer."),
        ("curated", "curated", "Choose a published curated path."),
    ],
)
def test_an_incomplete_goal_is_refused_and_changes_nothing(
    world, learner, kind, field, message
):
    with pytest.raises(ValidationError) as error:
        services.path_set_goal(member=learner, kind=kind)
    assert error.value.message_dict[field] == [message]
    assert not LearningPath.objects.exists()
    assert not Activity.objects.filter(object_type="path").exists()


def test_re_planning_an_unchanged_state_changes_nothing(world, learner):
    path = set_skills_goal(learner, world.analysis)
    before = list(path.steps.values_list("pk", "page_id", "order", "week", "reason"))
    version = path.version
    again = services.path_replan(member=learner)
    assert again.version == version
    assert (
        list(again.steps.values_list("pk", "page_id", "order", "week", "reason"))
        == before
    )


def test_the_budget_spreads_steps_over_weeks(world, learner):
    learning_profile_update(user=learner, weekly_minutes=30)
    path = set_skills_goal(learner, world.analysis)
    weeks = {}
    for step in path.steps.all():
        weeks[step.week] = weeks.get(step.week, 0) + step.minutes
    assert all(minutes <= 30 for minutes in weeks.values())
    assert path.eta_weeks == max(weeks) + 1 > 3


# Re-planning on activity ------------------------------------------------------


def test_completing_a_lesson_marks_its_step_done(
    world, learner, django_capture_on_commit_callbacks
):
    set_skills_goal(learner, world.python)
    enrollment_create(user=learner, course=world.starter)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=learner, lesson=world.variables)
    step = PathStep.objects.get(page_id=world.variables.pk)
    assert step.status == PathStep.Status.DONE and step.done_at is not None
    assert LearningPath.objects.get(member=learner).version >= 2


def test_failing_a_quiz_inserts_remediation_before_it(
    world, learner, django_capture_on_commit_callbacks
):
    path = set_skills_goal(learner, world.analysis)
    assert world.ten_minutes.pk not in todo(path)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = world.fail_analysis_quiz(learner)
    assert not outcome.passed
    steps = todo(LearningPath.objects.get(member=learner))
    remediation = PathStep.objects.get(
        page_id=world.ten_minutes.pk, origin=PathStep.Origin.REMEDIATION
    )
    assert steps.index(remediation.page_id) < steps.index(world.analysis_quiz.pk)
    assert remediation.reason["failed_item"] == world.analysis_quiz.pk
    assert remediation.reason["weak"] == world.wrangling.pk
    overview = path_overview(member=learner)
    row = next(
        r for w in overview.weeks for r in w.steps if r.step.pk == remediation.pk
    )
    assert row.reason.startswith(
        "You did not pass “Analysis quiz” on Data wrangling; it needs Python basics;"
    )
    assert "An easier step first" in row.reason


def test_passing_the_quiz_later_removes_the_remediation(
    world, learner, django_capture_on_commit_callbacks
):
    set_skills_goal(learner, world.analysis)
    with django_capture_on_commit_callbacks(execute=True):
        world.fail_analysis_quiz(learner)
    assert PathStep.objects.filter(origin=PathStep.Origin.REMEDIATION).exists()
    with django_capture_on_commit_callbacks(execute=True):
        quiz_submit(
            user=learner,
            lesson=LessonPage.objects.get(pk=world.analysis_quiz.pk),
            quiz_block_id="q1",
            answers=world.RIGHT,
        )
    assert not PathStep.objects.filter(
        origin=PathStep.Origin.REMEDIATION, status=PathStep.Status.TODO
    ).exists()
    assert (
        PathStep.objects.get(page_id=world.analysis_quiz.pk).status
        == PathStep.Status.DONE
    )


def test_mastered_skills_leave_the_path(world, learner):
    set_skills_goal(learner, world.analysis)
    master(learner, world.python)
    path = services.path_replan(member=learner)
    assert not {world.variables.pk, world.loops_quiz.pk} & set(todo(path))
    assert path.summary["mastered"] == {str(world.python.pk): 0.99}


def test_new_content_is_picked_up(world, learner):
    path = set_skills_goal(learner, world.stats)
    assert todo(path) == [world.averages.pk]
    from tests.courses.conftest import make_lesson, paragraph

    newer = make_lesson(
        world.averages.get_parent(),
        title="Spread",
        skills=[world.stats],
        difficulty=1,
        body=[paragraph()],
    )
    path = services.path_replan(member=learner)
    assert newer.pk in todo(path)


def test_replan_queries_do_not_grow_with_the_path(world, learner):
    set_skills_goal(learner, world.python)
    services.path_replan(member=learner)
    with CaptureQueriesContext(connection) as small:
        services.path_replan(member=learner)
    set_skills_goal(learner, world.analysis)
    services.path_replan(member=learner)
    with CaptureQueriesContext(connection) as large:
        services.path_replan(member=learner)
    assert len(large) == len(small) <= 12


def test_events_join_for_live_learners_in_their_city(world, learner):
    import datetime

    from django.utils import timezone

    from tests.courses.conftest import make_event

    online = make_event(title="Statistics live Q&A", course=world.stats_course)
    far = make_event(
        title="Statistics meetup",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        course=world.stats_course,
        venue="Hall 1",
        city="Berlin",
        online_url="",
    )
    learning_profile_update(
        user=learner, preferred_formats=["live", "text"], city="Lisbon"
    )
    path = set_skills_goal(learner, world.stats)
    pages = todo(path)
    assert online.pk in pages and far.pk not in pages
    assert world.averages.pk in pages  # content first, the event is extra
    step = path.steps.get(page_id=online.pk)
    assert step.kind == "event" and step.week == 1
    # In Berlin the sooner meetup there is the one suggested.
    learning_profile_update(user=learner, city="berlin ")
    pages = todo(services.path_replan(member=learner))
    assert far.pk in pages and online.pk not in pages


# The learner's decisions ------------------------------------------------------


def test_a_skipped_step_stays_out_and_can_come_back(world, learner):
    path = set_skills_goal(learner, world.analysis)
    step = path.steps.get(page_id=world.averages.pk)
    services.path_step_skip(member=learner, step_id=step.pk)
    path = services.path_replan(member=learner)
    assert world.averages.pk not in todo(path)
    step.refresh_from_db()
    assert step.status == PathStep.Status.SKIPPED and step.pinned
    skipped = Activity.objects.get(verb="skipped")
    assert skipped.context["page"] == world.averages.pk
    services.path_step_restore(member=learner, step_id=step.pk)
    assert world.averages.pk in todo(LearningPath.objects.get(member=learner))


def test_a_move_is_kept_through_re_plans(
    world, learner, django_capture_on_commit_callbacks
):
    path = set_skills_goal(learner, world.analysis)
    steps = todo(path)
    second = path.steps.get(page_id=steps[1])
    services.path_step_move(member=learner, step_id=second.pk, direction="up")
    moved = todo(LearningPath.objects.get(member=learner))
    assert moved[:2] == [steps[1], steps[0]]
    with django_capture_on_commit_callbacks(execute=True):
        world.fail_analysis_quiz(learner)  # a re-plan with remediation
    after = todo(LearningPath.objects.get(member=learner))
    assert after.index(steps[1]) < after.index(steps[0])


def test_moving_the_first_step_up_is_refused(world, learner):
    path = set_skills_goal(learner, world.analysis)
    first = path.steps.get(page_id=todo(path)[0])
    with pytest.raises(ValidationError, match="already the first"):
        services.path_step_move(member=learner, step_id=first.pk, direction="up")


def test_a_swap_replaces_the_step_and_is_kept(world, learner):
    path = set_skills_goal(learner, world.python)
    step = path.steps.get(page_id=world.variables.pk)
    chosen = services.path_step_swap(
        member=learner, step_id=step.pk, page_id=world.ten_minutes.pk
    )
    path = services.path_replan(member=learner)
    steps = todo(path)
    assert world.ten_minutes.pk in steps and world.variables.pk not in steps
    chosen.refresh_from_db()
    assert chosen.origin == PathStep.Origin.LEARNER and chosen.pinned
    assert chosen.replaces_id == world.variables.pk
    overview = path_overview(member=learner)
    row = next(r for w in overview.weeks for r in w.steps if r.step.pk == chosen.pk)
    assert "You chose it instead of “Variables”." in row.reason


def test_a_swap_to_a_page_on_another_skill_is_refused(world, learner):
    path = set_skills_goal(learner, world.python)
    step = path.steps.get(page_id=world.variables.pk)
    with pytest.raises(ValidationError, match="alternatives offered"):
        services.path_step_swap(
            member=learner, step_id=step.pk, page_id=world.averages.pk
        )
    step.refresh_from_db()
    assert step.status == PathStep.Status.TODO


def test_only_the_owner_can_change_a_step(world, learner):
    path = set_skills_goal(learner, world.analysis)
    step = path.steps.first()
    intruder = member(username="mallory")
    for action in (
        lambda: services.path_step_skip(member=intruder, step_id=step.pk),
        lambda: services.path_step_move(
            member=intruder, step_id=step.pk, direction="down"
        ),
        lambda: services.path_step_swap(
            member=intruder, step_id=step.pk, page_id=world.ten_minutes.pk
        ),
    ):
        with pytest.raises(ValidationError, match="not in your path"):
            action()
    step.refresh_from_db()
    assert step.status == PathStep.Status.TODO
    assert not Activity.objects.filter(verb="skipped").exists()


def test_a_new_goal_keeps_skips_and_forgets_moves(world, learner):
    path = set_skills_goal(learner, world.analysis)
    skipped = path.steps.get(page_id=world.averages.pk)
    services.path_step_skip(member=learner, step_id=skipped.pk)
    second = path.steps.get(page_id=todo(path)[1])
    services.path_step_move(member=learner, step_id=second.pk, direction="up")
    path = services.path_set_goal(
        member=learner, kind="skills", skills=[world.stats, world.python]
    )
    assert path.moves == []
    assert world.averages.pk not in todo(path)
    assert PathStep.objects.get(pk=skipped.pk).status == PathStep.Status.SKIPPED


# Personalisation levels -------------------------------------------------------


def test_personalisation_off_uses_no_behaviour(
    world, learner, django_capture_on_commit_callbacks
):
    fresh = member(username="fresh")
    for who in (learner, fresh):
        learning_profile_update(user=who, personalisation="off")
        services.path_set_goal(member=who, kind="course", course=world.analysis_course)
    master(learner, world.analysis, world.wrangling, world.python)
    with django_capture_on_commit_callbacks(execute=True):
        world.fail_analysis_quiz(learner)
    learner_path = LearningPath.objects.get(member=learner)
    fresh_path = services.path_replan(member=fresh)
    # The course in its own order: nothing dropped for mastery, no remediation.
    assert (
        todo(learner_path)
        == todo(fresh_path)
        == [
            world.analysis_intro.pk,
            world.analysis_quiz.pk,
        ]
    )
    assert not PathStep.objects.filter(origin=PathStep.Origin.REMEDIATION).exists()
    assert all("mastery" not in s.reason for s in learner_path.steps.all())
    assert learner_path.summary["mastered"] == {}


def test_personalisation_off_refuses_a_skills_goal(world, learner):
    learning_profile_update(user=learner, personalisation="off")
    with pytest.raises(ValidationError, match="curated paths only"):
        set_skills_goal(learner, world.python)


def test_basic_personalisation_uses_stated_levels_not_answers(
    world, learner, django_capture_on_commit_callbacks
):
    learning_profile_update(user=learner, personalisation="basic")
    set_skills_goal(learner, world.analysis)
    master(learner, world.python)  # what the answers say: not used
    with django_capture_on_commit_callbacks(execute=True):
        world.fail_analysis_quiz(learner)
    path = LearningPath.objects.get(member=learner)
    assert world.variables.pk in todo(path)
    assert not path.steps.filter(origin=PathStep.Origin.REMEDIATION).exists()
    services.self_assessment_save(member=learner, levels={world.python.pk: 3})
    step = PathStep.objects.get(page_id=world.loops_quiz.pk)
    assert step.reason["mastery"] == 0.7  # "Good", as stated
    assert step.origin == PathStep.Origin.CONFIRM


def test_stated_mastery_counts_a_perfect_placement_as_mastered():
    mastery = services.stated_mastery({1: 4, 2: 1}, {2: (2, 2), 3: (1, 2)})
    assert mastery[1] == 0.85
    assert mastery[2] >= 0.95
    assert 0.4 < mastery[3] < 0.6


# Curated paths ----------------------------------------------------------------


def make_curated(world):
    from wagtail.models import Site

    from paths.models import CuratedPathIndexPage, CuratedPathPage

    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(
        instance=CuratedPathIndexPage(title="Learning paths", slug="learning-paths")
    )
    return index.add_child(
        instance=CuratedPathPage(
            title="Python to analysis",
            slug="python-to-analysis",
            summary="From loops to analysis.",
            steps=[
                {"type": "course", "value": {"page": world.starter.pk, "note": ""}},
                {
                    "type": "lesson",
                    "value": {"page": world.analysis_intro.pk, "note": "Key"},
                },
            ],
        )
    )


def test_an_adopted_curated_path_skips_what_the_member_masters(world, learner):
    page = make_curated(world)
    master(learner, world.python)
    path = services.path_set_goal(member=learner, kind="curated", curated=page)
    steps = todo(path)
    assert world.variables.pk not in steps and world.loops_quiz.pk not in steps
    assert steps[-1] == world.analysis_intro.pk
    # Wrangling and statistics (needed, not taught by the path) come first.
    assert {world.tables.pk, world.averages.pk} <= set(steps[:-1])
    dropped = path.summary["dropped"]
    assert [world.variables.pk, world.python.pk, 0.99] in dropped
    overview = path_overview(member=learner)
    assert ("Variables", "Python basics", 0.99) in overview.dropped


# Writing the plan -------------------------------------------------------------


def test_stable_orders_keep_keys_and_fill_gaps():
    assert services.stable_orders([1, 2, 3], {}) == {1: 1024, 2: 2048, 3: 3072}
    current = {1: 1024, 2: 2048, 3: 3072}
    assert services.stable_orders([2, 3], current) == {2: 2048, 3: 3072}
    assert services.stable_orders([1, 9, 2], current) == {1: 1024, 9: 1536, 2: 2048}
    moved = services.stable_orders([2, 1], current)
    assert moved[2] == 2048 and moved[1] > moved[2]
    # No gap left: everything is renumbered, with gaps again.
    assert services.stable_orders([1, 9, 2], {1: 1, 2: 2}) == {
        1: 1024,
        9: 2048,
        2: 3072,
    }


def test_completing_a_step_rewrites_only_that_step(
    world, learner, django_capture_on_commit_callbacks
):
    path = set_skills_goal(learner, world.analysis)
    before = dict(path.steps.values_list("pk", "order"))
    enrollment_create(user=learner, course=world.starter)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=learner, lesson=world.variables)
    after = dict(path.steps.values_list("pk", "order"))
    assert after == before
    updated = PathStep.objects.filter(path=path, status=PathStep.Status.DONE)
    assert list(updated.values_list("page_id", flat=True)) == [world.variables.pk]
