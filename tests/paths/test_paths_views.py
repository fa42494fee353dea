"""The path pages: what a member sees and can do, who may do it, and how many
queries it takes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paths import services
from paths.models import LearningPath, PathStep

from .planning_world import PathWorld, member
from .test_paths_services import make_curated

pytestmark = pytest.mark.django_db

MY_PATH = "/paths/"


@pytest.fixture
def world():
    return PathWorld()


@pytest.fixture
def learner():
    return member(username="lena")


def test_pages_need_a_login(client):
    for url in (MY_PATH, "/paths/start/", "/paths/profile/", "/paths/goal/"):
        response = client.get(url)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )


def test_without_a_goal_the_page_offers_to_set_one(client, learner):
    client.force_login(learner)
    html = client.get(MY_PATH).content.decode()
    assert "No goal yet" in html and reverse("paths:start") in html


def test_my_path_shows_steps_by_week_with_reasons(client, world, learner):
    services.path_set_goal(member=learner, kind="skills", skills=[world.analysis])
    client.force_login(learner)
    html = client.get(MY_PATH).content.decode()
    assert "Towards Data analysis" in html
    assert "This week" in html
    assert html.count('data-testid="path-step"') == 7
    assert (
        "You want Data analysis; it needs Data wrangling; it needs Python basics; "
        "your mastery of Python basics is 0.00." in html
    )
    assert 'data-testid="path-eta"' in html


def test_my_path_queries_do_not_grow_with_the_path(client, world, learner):
    client.force_login(learner)
    services.path_set_goal(member=learner, kind="skills", skills=[world.python])
    client.get(MY_PATH)
    with CaptureQueriesContext(connection) as small:
        client.get(MY_PATH)
    services.path_set_goal(member=learner, kind="skills", skills=[world.analysis])
    client.get(MY_PATH)
    with CaptureQueriesContext(connection) as large:
        html = client.get(MY_PATH).content.decode()
    assert html.count('data-testid="path-step"') == 7
    assert len(small) == len(large)
    # The page's own reads: path, learning profile, steps, goal skills (the
    # rest is the site's base template and session).
    own = [
        q["sql"]
        for q in large.captured_queries
        if '"paths_' in q["sql"] or '"members_learningprofile"' in q["sql"]
    ]
    assert len(own) == 4, own


def test_step_forms_skip_move_and_swap(client, world, learner):
    path = services.path_set_goal(member=learner, kind="skills", skills=[world.python])
    client.force_login(learner)
    variables = path.steps.get(page_id=world.variables.pk)
    url = reverse("paths:step_action", args=[variables.pk, "swap"])
    response = client.post(url, {"page": world.ten_minutes.pk})
    assert response.status_code == 302
    assert PathStep.objects.get(pk=variables.pk).status == "skipped"
    swapped = PathStep.objects.get(page_id=world.ten_minutes.pk)
    html = client.get(MY_PATH).content.decode()
    assert "You chose it instead of “Variables”." in html
    response = client.post(
        reverse("paths:step_action", args=[swapped.pk, "move"]), {"direction": "down"}
    )
    order = list(
        LearningPath.objects.get(member=learner)
        .steps.filter(status="todo")
        .order_by("order")
        .values_list("page_id", flat=True)
    )
    assert order == [world.loops_quiz.pk, world.ten_minutes.pk]
    client.post(reverse("paths:step_action", args=[swapped.pk, "skip"]))
    html = client.get(MY_PATH).content.decode()
    assert html.count('data-testid="skipped-step"') == 2


def test_bad_step_input_gets_a_clear_error(client, world, learner):
    path = services.path_set_goal(member=learner, kind="skills", skills=[world.python])
    client.force_login(learner)
    step = path.steps.get(page_id=world.variables.pk)
    response = client.post(
        reverse("paths:step_action", args=[step.pk, "swap"]),
        {"page": "not-a-number"},
        follow=True,
    )
    assert "Choose one of the alternatives offered" in response.content.decode()
    response = client.post(
        reverse("paths:step_action", args=[step.pk, "move"]),
        {"direction": "sideways"},
        follow=True,
    )
    assert "Move a step up or down." in response.content.decode()
    assert (
        client.get(reverse("paths:step_action", args=[step.pk, "skip"])).status_code
        == 405
    )
    assert PathStep.objects.get(pk=step.pk).status == "todo"


def test_another_member_cannot_touch_my_steps(client, world, learner):
    path = services.path_set_goal(member=learner, kind="skills", skills=[world.python])
    step = path.steps.first()
    client.force_login(member(username="mallory"))
    response = client.post(
        reverse("paths:step_action", args=[step.pk, "skip"]), follow=True
    )
    assert "That step is not in your path any more." in response.content.decode()
    assert PathStep.objects.get(pk=step.pk).status == "todo"
    assert "Variables" not in client.get(MY_PATH).content.decode()


def test_changing_the_goal(client, world, learner):
    services.path_set_goal(member=learner, kind="skills", skills=[world.python])
    client.force_login(learner)
    response = client.post(reverse("paths:goal"), {"kind": "track"})
    assert response.status_code == 400
    assert "Choose the role you want to grow into." in response.content.decode()
    response = client.post(
        reverse("paths:goal"), {"kind": "course", "course": world.stats_course.pk}
    )
    assert response.status_code == 302
    path = LearningPath.objects.get(member=learner)
    assert path.goal_kind == "course" and path.goal_course_id == world.stats_course.pk


def test_curated_path_page_lists_steps_and_can_be_adopted(client, world, learner):
    page = make_curated(world)
    html = client.get(page.url).content.decode()
    assert "Python starter" in html and "Log in to follow this path" in html
    client.force_login(learner)
    response = client.post(reverse("paths:adopt", args=[page.pk]))
    assert response["Location"] == MY_PATH
    path = LearningPath.objects.get(member=learner)
    assert path.goal_curated_id == page.pk
    assert "You follow this path" in client.get(page.url).content.decode()
    html = client.get(MY_PATH).content.decode()
    assert "Part of the curated path." in html


def test_my_learning_and_home_invite_to_set_a_goal(client, world, learner):
    client.force_login(learner)
    assert "Set my goal" in client.get("/learn/me/").content.decode()
    assert "Set my goal" in client.get("/").content.decode()
    services.path_set_goal(member=learner, kind="skills", skills=[world.python])
    assert "Set my goal" not in client.get("/learn/me/").content.decode()


def test_new_content_shows_up_on_the_next_visit(client, world, learner):
    services.path_set_goal(member=learner, kind="skills", skills=[world.stats])
    client.force_login(learner)
    from tests.courses.conftest import make_lesson, paragraph

    make_lesson(
        world.averages.get_parent(),
        title="Spread and variance",
        skills=[world.stats],
        body=[paragraph()],
    )
    assert "Spread and variance" in client.get(MY_PATH).content.decode()


def test_operators_edit_tracks_and_curated_paths_in_the_admin(client, world):
    from paths.models import CareerTrack, CuratedPathIndexPage

    from .planning_world import member

    admin = member(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = make_curated(world)
    index = CuratedPathIndexPage.objects.get()
    add = client.get(f"/admin/pages/add/paths/curatedpathpage/{index.pk}/")
    assert add.status_code == 200
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    CareerTrack.objects.create(name="Data analyst", slug="data-analyst")
    listing = client.get("/admin/snippets/paths/careertrack/")
    assert listing.status_code == 200 and "Data analyst" in listing.content.decode()
