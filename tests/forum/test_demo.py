import pytest
from django.db.models import F
from PIL import Image

from activity.models import Activity
from forum.demo import seed_forum
from forum.models import (
    Board,
    Group,
    GroupMembership,
    PollBallot,
    Post,
    Project,
    ProjectImage,
    Reaction,
    Report,
    Subscription,
    Topic,
)
from tests.courses.conftest import make_catalogue, make_course, make_skill

from .conftest import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


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
    for slug in ("python-basics", "data-visualisation", "user-research"):
        make_skill(name=slug.replace("-", " ").title(), slug=slug)
    return members, courses


def counts():
    return tuple(
        model.objects.count()
        for model in (
            Board,
            Topic,
            Post,
            Reaction,
            Report,
            Activity,
            Group,
            GroupMembership,
            Project,
            ProjectImage,
            PollBallot,
            Subscription,
        )
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


def test_seed_forum_adds_groups_projects_a_poll_follows_and_mentions(world):
    members, courses = world
    result = seed_forum(members=members, courses=courses)
    public, private = (
        Group.objects.get(slug="data-study-circle"),
        Group.objects.get(slug="career-changers"),
    )
    assert {g.pk for g in result["groups"]} == {public.pk, private.pk}
    assert private.is_private and not public.is_private
    assert public.courses.filter(pk=courses[0].pk).exists()
    assert private.memberships.filter(status="pending").count() == 1
    assert Board.objects.filter(group=private).exists()
    assert Topic.objects.filter(board__group=private, kind="project").exists()
    # Projects with real images and thumbnails, skills where the catalogue has them.
    weather = Project.objects.get(topic__title__contains="weather dashboard")
    assert weather.feedback_wanted and weather.images.count() == 2
    assert set(weather.skills.values_list("slug", flat=True)) == {
        "python-basics",
        "data-visualisation",
    }
    for image in ProjectImage.objects.all():
        with Image.open(image.thumbnail.path) as thumb:
            assert thumb.size == (480, 360) and thumb.format == "WEBP"
        assert image.alt_text
    assert result["projects"] >= 4
    # A poll with votes, follows, and a mention linked to the member.
    poll_topic = Topic.objects.get(title__startswith="What should our next")
    assert poll_topic.poll.ballots.count() == 3
    assert Subscription.objects.filter(board__isnull=False).count() == 3
    mention = Activity.objects.filter(verb="mentioned").first()
    assert mention is not None
    post = Post.objects.get(pk=mention.object_id)
    mentioned = next(m for m in members if m.pk == mention.context["mentioned_id"])
    assert f"/community/u/{mentioned.username}/" in post.body_html
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"shared", "voted", "joined", "followed", "mentioned"} <= verbs


def test_seed_forum_is_idempotent(world):
    members, courses = world
    seed_forum(members=members, courses=courses)
    before = counts()
    seed_forum(members=members, courses=courses)
    assert counts() == before
