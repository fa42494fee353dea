"""Onboarding: offered once after sign-up or the first log-in, skippable,
adaptive (a newcomer starts gently, an experienced member is offered the
placement quiz), and the placement quiz graded on the server."""

import pytest
from django.urls import reverse

from activity.models import Activity
from members.models import LearningProfile
from members.services import learning_profile_update
from paths import services
from paths.models import LearningPath, PathStep, PlacementAttempt, SkillSelfAssessment

from .planning_world import PathWorld, member

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-demo-passphrase-42"


@pytest.fixture
def world():
    return PathWorld()


@pytest.fixture
def learner():
    from allauth.account.models import EmailAddress

    user = member(username="lena", password=PASSWORD)
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def step_url(step):
    return reverse("paths:start_step", args=[step])


# Offered once -----------------------------------------------------------------


def test_the_first_log_in_leads_to_onboarding_once(client, learner):
    login = {"login": learner.email, "password": PASSWORD}
    response = client.post(reverse("account_login"), login)
    assert response.status_code == 302
    assert response["Location"] == "/paths/start/"
    client.logout()
    response = client.post(reverse("account_login"), login)
    assert response["Location"] == "/"
    assert LearningProfile.objects.get(user=learner).onboarding_offered_at


def test_an_explicit_next_page_wins_over_the_offer(client, learner):
    response = client.post(
        reverse("account_login") + "?next=/learn/me/",
        {"login": learner.email, "password": PASSWORD},
    )
    assert response["Location"] == "/learn/me/"


def test_sign_up_leads_to_onboarding(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "username": "newbie",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/paths/start/"


# The flow ---------------------------------------------------------------------


def test_goal_step_sets_the_goal_and_moves_on(client, world, learner):
    client.force_login(learner)
    response = client.get(reverse("paths:start"))
    assert response.status_code == 200
    response = client.post(
        reverse("paths:start"), {"kind": "skills", "skills": [world.analysis.pk]}
    )
    assert response.status_code == 302 and response["Location"] == step_url("about")
    path = LearningPath.objects.get(member=learner)
    assert path.steps.exists()


def test_goal_step_errors_show_next_to_the_field(client, world, learner):
    client.force_login(learner)
    response = client.post(reverse("paths:start"), {"kind": "course"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the course you want to take." in html
    assert 'id="id_course_error"' not in html or "field--error" in html
    assert not LearningPath.objects.exists()


def about(**overrides):
    data = {
        "experience": "some",
        "weekly_minutes": 120,
        "preferred_formats": ["text"],
        "preferred_language": "en",
        "city": "Lisbon",
        "personalisation": "full",
    }
    data.update(overrides)
    return data


def test_about_step_saves_the_profile(client, world, learner):
    client.force_login(learner)
    data = about(interests=[world.topic.pk], mentoring_available="on")
    response = client.post(step_url("about"), data)
    assert response["Location"] == step_url("levels")
    profile = LearningProfile.objects.get(user=learner)
    assert profile.interest_topic_ids == [world.topic.pk]
    assert profile.preferred_formats == ["text"]
    assert profile.city == "Lisbon" and profile.mentoring_available


def test_about_step_refuses_a_tiny_budget_and_saves_nothing(client, learner):
    client.force_login(learner)
    response = client.post(step_url("about"), about(weekly_minutes=5))
    assert response.status_code == 400
    assert "greater than or equal to 15" in response.content.decode()
    assert not LearningProfile.objects.filter(weekly_minutes=5).exists()


def test_every_step_can_be_skipped(client, learner):
    client.force_login(learner)
    response = client.post(step_url("about"), {"skip": "1"})
    assert response["Location"] == step_url("levels")
    assert not LearningProfile.objects.filter(user=learner, city__gt="").exists()
    response = client.post(step_url("levels"), {"skip": "1"})
    assert response["Location"] == reverse("paths:start_done")


def test_a_newcomer_starts_gently_without_a_placement_quiz(client, world, learner):
    client.force_login(learner)
    learning_profile_update(user=learner, experience="newcomer", weekly_minutes=60)
    services.path_set_goal(member=learner, kind="skills", skills=[world.analysis])
    page = client.get(step_url("levels")).content.decode()
    assert "your path starts with beginner content" in page
    # Levels default to "Not at all" for a newcomer.
    assert f'name="skill_{world.python.pk}" value="0"' in page
    assert "checked" in page.split(f'name="skill_{world.python.pk}" value="0"')[1][:40]
    levels = {f"skill_{s.pk}": "0" for s in (world.analysis, world.wrangling)}
    levels |= {f"skill_{s.pk}": "0" for s in (world.python, world.stats)}
    response = client.post(step_url("levels"), levels)
    assert response["Location"] == reverse("paths:start_done")
    path = LearningPath.objects.get(member=learner)
    weeks = {}
    for step in path.steps.all():
        weeks.setdefault(step.week, []).append(step)
    assert all(len(week) <= 3 for week in weeks.values())
    assert path.steps.filter(week=0).count() <= 2  # a lighter first week


def test_an_experienced_member_is_offered_the_placement_quiz(client, world, learner):
    client.force_login(learner)
    learning_profile_update(user=learner, experience="experienced")
    services.path_set_goal(member=learner, kind="skills", skills=[world.analysis])
    levels = {
        f"skill_{s.pk}": "2"
        for s in (world.analysis, world.wrangling, world.python, world.stats)
    }
    response = client.post(step_url("levels"), levels)
    assert response["Location"] == step_url("placement")
    page = client.get(step_url("placement")).content.decode()
    assert "Take the placement quiz" in page
    assert SkillSelfAssessment.objects.filter(member=learner, level=2).count() == 4


def test_finishing_records_onboarding_once(client, world, learner):
    client.force_login(learner)
    services.path_set_goal(member=learner, kind="skills", skills=[world.python])
    assert client.get(reverse("paths:start_done"))["Location"] == reverse(
        "paths:my_path"
    )
    client.get(reverse("paths:start_done"))
    assert LearningProfile.objects.get(user=learner).onboarded_at is not None
    responded = Activity.objects.filter(verb="responded", object_id="onboarding")
    assert responded.count() == 1
    assert responded.get().context["goal"] == "skills"


def test_answers_are_editable_later(client, world, learner):
    client.force_login(learner)
    learning_profile_update(user=learner, city="Porto")
    page = client.get(reverse("paths:profile")).content.decode()
    assert 'value="Porto"' in page
    response = client.post(reverse("paths:profile"), about(city="Lisbon"))
    assert response.status_code == 302
    assert LearningProfile.objects.get(user=learner).city == "Lisbon"


# Placement quiz ---------------------------------------------------------------


@pytest.fixture
def placed(world, learner):
    """A member aiming at data analysis with a placement quiz drawn."""
    services.path_set_goal(member=learner, kind="skills", skills=[world.analysis])
    return services.placement_start(member=learner)


def test_placement_asks_about_the_goal_prerequisites(world, placed):
    skills = {q["skill"] for q in placed.questions}
    # Data analysis itself is the goal; the quiz is on what it builds on.
    assert skills <= {world.wrangling.pk, world.python.pk}
    assert world.python.pk in skills
    assert all(
        q["question"] in ("loops-q", "tables-q", "an-q2") for q in placed.questions
    )


def test_placement_start_again_gives_the_same_quiz(learner, placed):
    assert services.placement_start(member=learner).pk == placed.pk


def right_answers(attempt):
    answers = {}
    for n, entry in enumerate(attempt.questions):
        answers[str(n)] = f"{entry['question']}-a"
    return answers


def test_placement_is_graded_on_the_server_and_skips_steps(
    client, world, learner, placed
):
    client.force_login(learner)
    page = client.get(reverse("paths:placement")).content.decode()
    assert "Right" in page and 'name="a-0"' in page
    assert "correct" not in page  # the answers are not sent to the browser
    data = {"attempt": placed.pk} | {
        f"a-{n}": value for n, value in right_answers(placed).items()
    }
    response = client.post(reverse("paths:placement"), data)
    assert response.status_code == 302
    placed.refresh_from_db()
    assert placed.submitted_at is not None
    for right, asked in placed.results.values():
        assert right == asked > 0
    path = LearningPath.objects.get(member=learner)
    assert path.version >= 2


@pytest.mark.parametrize(
    "tamper",
    [
        {"a-99": "loops-q-a"},  # a question that was not asked
        {"a-0": "an-q1-a"},  # a choice of another question
        {"a-0": ["x", "y"]},  # not a single choice
    ],
)
def test_tampered_placement_answers_are_refused(client, learner, placed, tamper):
    client.force_login(learner)
    data = {"attempt": placed.pk} | tamper
    response = client.post(reverse("paths:placement"), data)
    assert response.status_code == 400
    placed.refresh_from_db()
    assert placed.submitted_at is None and placed.results == {}
    from paths.models import SkillMastery

    assert not SkillMastery.objects.filter(member=learner, source="placement").exists()


def test_a_placement_cannot_be_sent_twice_or_by_someone_else(client, learner, placed):
    services.placement_submit(member=learner, attempt_id=placed.pk, answers={})
    with pytest.raises(Exception, match="already sent"):
        services.placement_submit(member=learner, attempt_id=placed.pk, answers={})
    other = member(username="mallory")
    fresh = PlacementAttempt.objects.create(member=learner, questions=placed.questions)
    with pytest.raises(Exception, match="not yours"):
        services.placement_submit(member=other, attempt_id=fresh.pk, answers={})
    fresh.refresh_from_db()
    assert fresh.submitted_at is None


def test_a_perfect_placement_masters_with_basic_personalisation(world, learner):
    learning_profile_update(user=learner, personalisation="basic")
    services.path_set_goal(member=learner, kind="skills", skills=[world.wrangling])
    attempt = PlacementAttempt.objects.create(
        member=learner,
        questions=[
            {"lesson": world.loops_quiz.pk, "quiz": "q1", "question": "loops-q",
             "skill": world.python.pk},
            {"lesson": world.analysis_quiz.pk, "quiz": "q1", "question": "an-q2",
             "skill": world.python.pk},
        ],
    )  # fmt: skip
    services.placement_submit(
        member=learner,
        attempt_id=attempt.pk,
        answers={"0": "loops-q-a", "1": "an-q2-a"},
    )
    path = LearningPath.objects.get(member=learner)
    todo = set(path.steps.filter(status="todo").values_list("page_id", flat=True))
    assert world.variables.pk not in todo and world.loops_quiz.pk not in todo
    assert str(world.python.pk) in path.summary["mastered"]
    assert PathStep.objects.filter(page_id=world.tables.pk).exists()
