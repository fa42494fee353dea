"""The mastery model in the site: consumers of the activity log, seeds, forum
evidence, the `mastered` activity, reset, the nightly refit and "My skills"."""

import itertools

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_dispatch
from courses.models import LessonPage
from courses.services import enrollment_create, quiz_submit
from forum.services import answer_accept, post_delete, post_reply
from paths import mastery
from paths.mastery import (
    SELF_LEVEL_MASTERY,
    mastered_skill_ids,
    mastery_map,
    mastery_record_answer,
    mastery_refit,
    record_evidence,
    reset_inferred,
    seed_from_placement,
    seed_mastery,
)
from paths.models import (
    KnowledgeState,
    MasteryEvidence,
    MasteryModelFit,
    MasterySettings,
    SkillMastery,
)
from paths.tasks import refit_mastery_model
from tests.courses.conftest import make_course, make_skill, make_topic, make_user
from tests.forum.conftest import make_board
from tests.forum.conftest import make_topic as make_forum_topic
from tests.paths.planning_world import PathWorld

pytestmark = pytest.mark.django_db
_keys = itertools.count(1)


def answered(member, skills, success, *, question="q1", difficulty=2, when=None):
    """Record an `answered` activity like courses.services.quiz_submit does."""
    n = next(_keys)
    return Activity.objects.create(
        actor=member,
        verb="answered",
        object_type="question",
        object_id=question,
        idempotency_key=f"answered:test:{n}",
        result={"success": success},
        context={"skills": [s.pk for s in skills], "difficulty": difficulty},
        timestamp=when or timezone.now(),
    )


def answer(member, skills, success, **kwargs):
    activity = answered(member, skills, success, **kwargs)
    activity_dispatch(activity_id=activity.pk)
    return activity


def mastered_activities(member, skill=None):
    rows = Activity.objects.filter(actor=member, verb="mastered")
    if skill is not None:
        rows = rows.filter(object_id=str(skill.pk))
    return rows


@pytest.fixture
def topic():
    return make_topic(name="Algebra", slug="algebra")


@pytest.fixture
def skills(topic):
    return [make_skill(topic=topic, name=f"Skill {n}") for n in range(3)]


@pytest.fixture
def learner():
    return make_user(username="ada")


# ------------------------------------------------------------------ answers


def test_answers_move_the_estimate_and_replays_change_nothing(learner, skills):
    first = answer(learner, skills[:2], True)
    row = SkillMastery.objects.get(member=learner, skill=skills[0])
    assert (row.attempts, row.correct) == (1, 1)
    snapshot = list(
        SkillMastery.objects.filter(member=learner)
        .order_by("skill_id")
        .values("skill_id", "probability", "attempts", "correct", "recent_wins")
    )
    # A redelivered message, the sweep and a replay all find the receipt.
    assert "paths.mastery" not in activity_dispatch(activity_id=first.pk)
    activity_dispatch(activity_id=first.pk, only="paths.mastery")
    again = list(
        SkillMastery.objects.filter(member=learner)
        .order_by("skill_id")
        .values("skill_id", "probability", "attempts", "correct", "recent_wins")
    )
    assert again == snapshot
    assert KnowledgeState.objects.get(member=learner).attempts == 1

    answer(learner, skills[:1], False)
    row.refresh_from_db()
    assert (row.attempts, row.correct) == (2, 1)
    assert row.probability < snapshot[0]["probability"]


def test_quiz_answers_reach_the_model_through_the_real_quiz(
    django_capture_on_commit_callbacks,
):
    world = PathWorld()
    learner = make_user()
    enrollment_create(user=learner, course=world.analysis_course)
    with django_capture_on_commit_callbacks(execute=True):
        quiz_submit(
            user=learner,
            lesson=LessonPage.objects.get(pk=world.analysis_quiz.pk),
            quiz_block_id="q1",
            answers=world.RIGHT,
        )
    rows = {r.skill_id: r for r in SkillMastery.objects.filter(member=learner)}
    assert set(rows) == {world.analysis.pk, world.wrangling.pk}
    assert all((r.attempts, r.correct) == (1, 1) for r in rows.values())
    assert mastery_map(learner) == {s: r.probability for s, r in rows.items()}


def test_an_answer_costs_the_same_queries_for_one_skill_or_many(learner, topic):
    many = [make_skill(topic=topic, name=f"Many {n}") for n in range(8)]
    mastery_record_answer(member=learner, skill_ids=[many[0].pk], correct=True)
    mastery_record_answer(member=learner, skill_ids=[m.pk for m in many], correct=True)
    with CaptureQueriesContext(connection) as one:
        mastery_record_answer(member=learner, skill_ids=[many[0].pk], correct=False)
    with CaptureQueriesContext(connection) as eight:
        mastery_record_answer(
            member=learner, skill_ids=[m.pk for m in many], correct=False
        )
    assert len(eight) == len(one) <= 12


def test_unknown_skills_in_an_answer_are_ignored(learner, skills):
    result = mastery_record_answer(
        member=learner, skill_ids=[skills[0].pk, 999999], correct=True
    )
    assert set(result) == {skills[0].pk}


# ------------------------------------------------------- threshold crossings


def test_crossing_the_threshold_records_mastered_once_per_crossing(learner, skills):
    skill = skills[0]
    for _ in range(4):
        answer(learner, [skill], True)
    assert skill.pk in mastered_skill_ids(learner)
    assert mastered_activities(learner, skill).count() == 1
    for _ in range(3):
        answer(learner, [skill], True)
    assert mastered_activities(learner, skill).count() == 1  # still mastered

    for _ in range(3):
        answer(learner, [skill], False)
    row = SkillMastery.objects.get(member=learner, skill=skill)
    assert row.probability < 0.95 and row.mastered_at is None  # demoted
    assert skill.pk not in mastered_skill_ids(learner)

    while skill.pk not in mastered_skill_ids(learner):
        answer(learner, [skill], True)
    keys = sorted(
        mastered_activities(learner, skill).values_list("idempotency_key", flat=True)
    )
    assert keys == [
        f"mastered:{learner.pk}:{skill.pk}:1",
        f"mastered:{learner.pk}:{skill.pk}:2",
    ]
    # The `mastered` activity reaches its consumers (the planner, badges).
    assert mastered_activities(learner, skill).first().result["score"]["scaled"] >= 0.95


def test_the_threshold_is_the_operators(learner, skills):
    settings = MasterySettings.load()
    settings.threshold = 0.6
    settings.save()
    answer(learner, [skills[0]], True)
    assert mastery.mastery_threshold() == 0.6
    assert skills[0].pk in mastered_skill_ids(learner)


# --------------------------------------------------------------------- seeds


def test_self_assessment_seeds_the_estimate(learner, skills):
    seed_mastery(member=learner, levels={skills[0].pk: 4, skills[1].pk: 0})
    assert mastery_map(learner) == pytest.approx(
        {skills[0].pk: SELF_LEVEL_MASTERY[4], skills[1].pk: SELF_LEVEL_MASTERY[0]}
    )
    row = SkillMastery.objects.get(member=learner, skill=skills[0])
    assert (row.seed_level, row.source, row.attempts) == (4, "self", 0)
    assert not mastered_activities(learner).exists()
    # Answers build on the seed: a wrong one lowers it, a right one raises it.
    answer(learner, [skills[0]], False)
    answer(learner, [skills[1]], True)
    after = mastery_map(learner)
    assert after[skills[0].pk] < SELF_LEVEL_MASTERY[4]
    assert after[skills[1].pk] > SELF_LEVEL_MASTERY[0]


@pytest.mark.parametrize(
    "levels", [{"x": 2}, {1: 5}, {1: -1}, {1: "3"}, {1: True}, {1: 2.5}]
)
def test_bad_self_assessment_changes_nothing(learner, skills, levels):
    levels = {
        (skills[0].pk if k == 1 else k): v for k, v in levels.items() if k != "x"
    } or {999999: 2}
    with pytest.raises(ValidationError):
        seed_mastery(member=learner, levels=levels)
    assert not SkillMastery.objects.exists()


def test_a_passed_placement_masters_the_skill(learner, skills):
    seed_mastery(member=learner, levels={skills[0].pk: 1})
    seed_from_placement(
        member=learner, results={skills[0].pk: (2, 2), skills[1].pk: (0, 2)}
    )
    estimates = mastery_map(learner)
    assert estimates[skills[0].pk] >= 0.95 > estimates[skills[1].pk]
    assert mastered_skill_ids(learner) == {skills[0].pk}
    row = SkillMastery.objects.get(member=learner, skill=skills[0])
    assert row.source == "placement"
    assert mastered_activities(learner).count() == 1


@pytest.mark.parametrize("result", [(3, 2), (0, 0), (-1, 2), ("a", 2), (1,)])
def test_bad_placement_results_change_nothing(learner, skills, result):
    with pytest.raises(ValidationError):
        seed_from_placement(
            member=learner, results={skills[0].pk: (1, 1), skills[1].pk: result}
        )
    assert not SkillMastery.objects.exists()


# ------------------------------------------------------------------ evidence


def forum_question_on(course_skills, topic):
    """A question asked in the forum board of a course teaching these skills."""
    course = make_course(title="Algebra course")
    course.skills = course_skills
    course.save()
    board = make_board(name="Algebra help", course=course)
    asker, helper = make_user(), make_user()
    question = make_forum_topic(board=board, author=asker, kind="question")
    return asker, helper, question


def test_an_accepted_answer_is_evidence_and_unaccepting_takes_it_back(
    learner, skills, topic, django_capture_on_commit_callbacks
):
    asker, _, question = forum_question_on(skills[:2], topic)
    answer(learner, [skills[0]], True)
    before = mastery_map(learner)
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_reply(author=learner, topic=question, body="Try factoring.")
    with django_capture_on_commit_callbacks(execute=True):
        answer_accept(actor=asker, post=reply)
    after = mastery_map(learner)
    assert after[skills[0].pk] > before[skills[0].pk]
    assert skills[1].pk in after  # a skill with no answers gets an estimate too
    assert SkillMastery.objects.get(member=learner, skill=skills[0]).evidence == 1.0
    assert MasteryEvidence.objects.filter(member=learner).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        post_delete(actor=learner, post=reply)  # voids the acceptance
    assert not MasteryEvidence.objects.exists()
    restored = mastery_map(learner)
    assert restored[skills[0].pk] == pytest.approx(before[skills[0].pk])
    assert SkillMastery.objects.get(member=learner, skill=skills[1]).evidence == 0


def test_evidence_weight_is_the_operators_and_checked(learner, skills):
    settings = MasterySettings.load()
    settings.evidence_weight = 3.0
    settings.save()
    record_evidence(member=learner, skill_ids=[skills[0].pk], source="accepted")
    assert SkillMastery.objects.get(member=learner, skill=skills[0]).evidence == 3.0
    with pytest.raises(ValidationError):
        record_evidence(
            member=learner, skill_ids=[skills[0].pk], source="accepted", weight=11
        )
    with pytest.raises(ValidationError):
        record_evidence(member=learner, skill_ids=[999999], source="accepted")
    assert SkillMastery.objects.get(member=learner, skill=skills[0]).evidence == 3.0


def test_accepting_ones_own_answer_is_no_evidence(learner, skills, topic):
    _, _, question = forum_question_on(skills[:1], topic)
    activity = Activity.objects.create(
        actor=learner,
        verb="accepted",
        object_type="answer",
        object_id="1",
        idempotency_key="accepted:own",
        context={"owner_id": learner.pk, "board_id": question.board_id},
    )
    activity_dispatch(activity_id=activity.pk)
    assert not SkillMastery.objects.exists()


# --------------------------------------------------------------------- reset


def test_reset_forgets_behaviour_and_keeps_what_the_member_stated(learner, skills):
    seed_mastery(member=learner, levels={skills[0].pk: 3})
    for _ in range(4):
        answer(learner, [skills[0]], True)
        answer(learner, [skills[1]], True)
    record_evidence(member=learner, skill_ids=[skills[2].pk], source="accepted")
    other = make_user()
    answer(other, [skills[0]], True)

    assert reset_inferred(learner) == 1
    assert mastery_map(learner) == pytest.approx({skills[0].pk: SELF_LEVEL_MASTERY[3]})
    assert KnowledgeState.objects.get(member=learner).attempts == 0
    assert not MasteryEvidence.objects.filter(member=learner).exists()
    assert SkillMastery.objects.get(member=other).attempts == 1


# --------------------------------------------------------------------- refit


def synthetic_answers(skills, *, members=40, per_member=30, seed=0):
    """Answers where difficulty matters a lot (the defaults know nothing of it)."""
    rng = np.random.default_rng(seed)
    rows = []
    start = timezone.now()
    for m in range(members):
        member = make_user(username=f"refit{seed}-{m}")
        for n in range(per_member):
            difficulty = int(rng.integers(1, 4))
            p = {1: 0.92, 2: 0.6, 3: 0.15}[difficulty]
            skill = skills[n % len(skills)]
            rows.append(
                Activity(
                    actor=member,
                    verb="answered",
                    object_type="question",
                    object_id=f"q{n}",
                    idempotency_key=f"answered:synthetic:{seed}:{m}:{n}",
                    result={"success": bool(rng.random() < p)},
                    context={"skills": [skill.pk], "difficulty": difficulty},
                    timestamp=start + timezone.timedelta(seconds=n),
                )
            )
    Activity.objects.bulk_create(rows)
    return len(rows)


def test_refit_waits_for_enough_answers(skills):
    synthetic_answers(skills, members=3, per_member=10)
    assert refit_mastery_model() is None
    assert not MasteryModelFit.objects.exists()


def test_refit_activates_a_better_fit_and_recomputes_estimates(learner, skills):
    settings = MasterySettings.load()
    settings.refit_min_answers = 1000
    settings.save()
    synthetic_answers(skills)  # 1200 answers
    answer(learner, [skills[0]], True)
    before = SkillMastery.objects.get(member=learner).probability

    fit_id = refit_mastery_model()
    fit = MasteryModelFit.objects.get(pk=fit_id)
    assert fit.is_active and fit.n_answers == 1201 and fit.n_members == 41
    assert fit.auc > fit.auc_active  # difficulty: the defaults cannot see it
    assert fit.params["difficulty"]["hard"] < 0 < fit.params["difficulty"]["easy"]
    assert set(fit.params["skills"]) == {str(s.pk) for s in skills}
    assert mastery.active_params() == fit.params
    row = SkillMastery.objects.get(member=learner)
    assert row.probability != before  # recomputed with the new parameters
    assert row.source == "answers"  # …without pretending the learner did anything


def test_refit_keeps_the_active_fit_when_the_new_one_scores_worse(skills, monkeypatch):
    settings = MasterySettings.load()
    settings.refit_min_answers = 1000
    settings.save()
    synthetic_answers(skills)
    first = mastery_refit()
    assert first.is_active
    scores = iter([0.61, 0.74])  # the new fit, then the active one
    monkeypatch.setattr(mastery, "_auc_of", lambda *args: next(scores))
    second = mastery_refit()
    assert not second.is_active and second.auc == 0.61 and second.auc_active == 0.74
    assert MasteryModelFit.objects.get(is_active=True) == first
    assert mastery.active_params() == first.params


# --------------------------------------------------------------------- page


def test_my_skills_page_lists_estimates_with_their_why_in_constant_queries(
    client, learner, topic
):
    client.force_login(learner)
    skills = [make_skill(topic=topic, name=f"Page skill {n}") for n in range(6)]
    for _ in range(4):
        answer(learner, skills[:1], True)
    answer(learner, skills[1:2], False)
    url = reverse("paths:my_skills")
    client.get(url)  # the first request fills the per-process caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="skill-row"') == 2
    assert page.count('data-testid="mastered-badge"') == 1
    assert "4 of 4 answers right." in page
    assert "0 of 1 answer right." in page

    seed_mastery(member=learner, levels={s.pk: 2 for s in skills[2:]})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('data-testid="skill-row"') == 6
    assert "You rated yourself 2 of 4." in response.content.decode()
    assert len(many) == len(few)


def test_my_skills_needs_a_login_and_reset_needs_a_confirmation(
    client, learner, skills
):
    url = reverse("paths:my_skills")
    assert client.get(url).status_code == 302
    client.force_login(learner)
    assert "No estimates yet" in client.get(url).content.decode()
    answer(learner, skills[:1], True)
    reset = reverse("paths:my_skills_reset")
    assert client.get(reset).status_code == 405
    client.post(reset)
    assert SkillMastery.objects.filter(member=learner).exists()
    client.post(reset, {"confirm": "yes"})
    assert not SkillMastery.objects.filter(member=learner).exists()


# --------------------------------------------------------------------- admin


def test_operators_read_fits_and_switch_the_active_one(
    client, learner, skills, django_capture_on_commit_callbacks
):
    strict = dict(mastery.default_params(), intercept=-3.0)
    old = MasteryModelFit.objects.create(
        params=strict, n_answers=5000, auc=0.71, is_active=False
    )
    new = MasteryModelFit.objects.create(
        params=mastery.default_params(), n_answers=6000, auc=0.73, is_active=True
    )
    answer(learner, [skills[0]], True)
    before = mastery_map(learner)[skills[0].pk]
    operator = make_user(is_staff=True, is_superuser=True)
    client.force_login(operator)
    listing = client.get(reverse("wagtailsnippets_paths_masterymodelfit:list"))
    assert listing.status_code == 200 and "0.73" in listing.content.decode()
    # Fits come from the refit: nobody writes or deletes one by hand.
    add = client.get(reverse("wagtailsnippets_paths_masterymodelfit:add"))
    assert add.status_code != 200
    delete_url = reverse("wagtailsnippets_paths_masterymodelfit:delete", args=[old.pk])
    client.post(delete_url)
    assert MasteryModelFit.objects.count() == 2

    edit = "wagtailsnippets_paths_masterymodelfit:edit"
    # Two active fits are refused with a message, and nothing changes.
    response = client.post(reverse(edit, args=[old.pk]), {"is_active": "on"})
    assert response.status_code == 200
    assert "Deactivate it first" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(edit, args=[new.pk]), {"note": "rolled back"})
        client.post(reverse(edit, args=[old.pk]), {"is_active": "on"})
    assert MasteryModelFit.objects.get(is_active=True) == old
    assert mastery.active_params() == strict
    # Every estimate was recomputed with the parameters now active.
    assert mastery_map(learner)[skills[0].pk] < before
