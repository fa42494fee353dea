import pytest
from django.db.models import F

from activity.models import Activity
from forum.demo import seed_forum
from forum.models import Board, Post, Reaction, Report, Topic
from tests.courses.conftest import make_catalogue, make_course

from .conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    catalogue = make_catalogue()
    courses = [
        make_course(catalogue, title=title, slug=slug)
        for title, slug in (
            ("Python for Data Analysis", "python-data"),
            ("Web Basics", "web-basics"),
            ("Statistics 101", "stats"),
        )
    ]
    members = [make_user(first_name=name) for name in ("Ada", "Ben", "Cleo", "Dev")]
    return members, courses


def counts():
    return tuple(
        model.objects.count()
        for model in (Board, Topic, Post, Reaction, Report, Activity)
    )


def test_seed_forum_builds_boards_threads_answers_and_reactions(world):
    members, courses = world
    result = seed_forum(members=members, courses=courses)
    slugs = {board.slug for board in result["boards"]}
    assert {"general", "questions", "showcase"} <= slugs
    course_boards = Board.objects.filter(course__isnull=False)
    assert {b.course_id for b in course_boards} == {courses[0].pk, courses[1].pk}
    answered = Topic.objects.get(title__startswith="Why does my list comprehension")
    assert answered.accepted_post is not None
    assert "`print`" in answered.accepted_post.body_markdown
    assert '<div class="highlight">' in answered.posts.get(number=1).body_html
    assert Topic.objects.filter(kind=Topic.Kind.PROJECT).exists()
    assert Reaction.objects.exists()
    assert Report.objects.open().count() == 1
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"created", "replied", "accepted", "liked", "flagged"} <= verbs
    # No one reacts to their own post, even in the demo.
    assert not Reaction.objects.filter(post__author_id=F("member_id")).exists()


def test_seed_forum_is_idempotent(world):
    members, courses = world
    seed_forum(members=members, courses=courses)
    before = counts()
    seed_forum(members=members, courses=courses)
    assert counts() == before
