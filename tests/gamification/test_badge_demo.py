"""The demo badges and challenges: pictures, awards from the members' own
activities, a running and a finished challenge; seeding twice changes
nothing."""

import io

import pytest
from django.utils import timezone
from PIL import Image as PILImage

from gamification.badge_demo import seed_badges
from gamification.badge_models import BadgeAward, BadgeClass, IssuerSettings
from gamification.challenge_models import Challenge, ChallengeCompletion
from gamification.challenges import challenges_overview
from gamification.demo import seed_gamification
from gamification.services import points_reconcile

from .conftest import make_activity, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def learners():
    people = [make_member(username=name) for name in ("linh", "jonas", "mei")]
    for n, person in enumerate(people):
        for _ in range(2 * n + 1):  # 1, 3 and 5 lessons
            make_activity(person, "completed", "lesson")
        make_activity(person, "created", "topic")
    return people


def snapshot():
    return (
        sorted(
            BadgeAward.objects.values_list("badge__slug", "member_id", "occurrence")
        ),
        sorted(ChallengeCompletion.objects.values_list("challenge_id", "member_id")),
        BadgeClass.objects.count(),
        Challenge.objects.count(),
    )


def test_demo_badges_have_distinct_pictures_and_members_hold_some(learners):
    seed_gamification(learners=learners)  # streak history first, as seed_demo
    counts = seed_badges(learners=learners)
    assert counts["badges"] == BadgeClass.objects.count() >= 12
    pictures = set()
    for badge in BadgeClass.objects.select_related("image"):
        assert badge.image is not None and badge.active
        badge.full_clean()  # Pillow-checked like an upload
        with badge.image.open_file() as handle, PILImage.open(handle) as picture:
            assert picture.format == "PNG" and picture.size == (512, 512)
            pictures.add(picture.tobytes())
    assert len(pictures) == BadgeClass.objects.count()

    held = {
        (slug, member)
        for slug, member in BadgeAward.objects.values_list(
            "badge__slug", "member__username"
        )
    }
    linh, jonas, mei = learners
    assert {("first-steps", "linh"), ("first-steps", "mei")} <= held
    assert ("bookworm", "mei") in held and ("bookworm", "jonas") not in held
    assert ("conversation-starter", "jonas") in held
    assert ("week-streak", "linh") in held  # 12 days of history + today
    assert ("fortnight-streak", "mei") in held  # 21 days
    assert counts["badges_awarded"] == BadgeAward.objects.count()

    # A challenge running now (Mei reached its goal of five lessons), one
    # coming up, one finished with two winners; the winners hold Challenger.
    overview = challenges_overview(member=jonas)
    assert [s.challenge.title for s in overview["running"]] == [
        "Five lessons in a fortnight"
    ]
    assert overview["running"][0].progress == 3
    assert len(overview["upcoming"]) == 1
    assert [s.challenge.title for s in overview["finished"]] == ["Forum helpers week"]
    winners = set(
        ChallengeCompletion.objects.values_list("challenge__title", "member__username")
    )
    assert winners == {
        ("Five lessons in a fortnight", "mei"),
        ("Forum helpers week", "linh"),
        ("Forum helpers week", "mei"),
    }
    assert ("challenger", "linh") in held and ("challenger", "mei") in held
    assert IssuerSettings.load().name == "Lyceum Learning Community"
    assert points_reconcile() == []
    assert all(c.ends_at > c.starts_at for c in Challenge.objects.all())
    assert Challenge.objects.get(title="Forum helpers week").ends_at < timezone.now()


def test_seeding_the_badges_again_changes_nothing(learners):
    seed_gamification(learners=learners)
    seed_badges(learners=learners)
    before = snapshot()
    counts = seed_badges(learners=learners)
    assert counts["consumer_runs"] == 0
    assert snapshot() == before


def test_the_pictures_are_real_pngs_at_the_image_url(client, learners):
    seed_badges(learners=learners)
    badge = BadgeClass.objects.get(slug="quiz-ace")
    response = client.get(f"/badges/class/{badge.pk}/image.png")
    with PILImage.open(io.BytesIO(response.content)) as picture:
        assert picture.format == "PNG" and picture.mode == "RGBA"
