import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activity.models import Activity
from activity.services import activity_dispatch
from gamification.levels import level_progress
from gamification.models import Level, PointsBalance
from gamification.selectors import member_has_privilege

from .conftest import record

pytestmark = pytest.mark.django_db


def test_default_levels_start_at_zero_and_climb():
    thresholds = list(Level.objects.values_list("threshold", flat=True))
    assert thresholds[0] == 0
    assert thresholds == sorted(thresholds) and len(thresholds) == 7


def test_progress_to_the_next_level():
    progress = level_progress(100)
    assert (progress.level.name, progress.next_level.name) == (
        "Learner",
        "Practitioner",
    )
    assert progress.points_to_next == 50
    assert progress.percent == 50  # half way from 50 to 150
    top = level_progress(10_000)
    assert top.next_level is None and top.percent == 100


def test_reaching_a_level_is_logged_once(member):
    for _ in range(5):
        record(member, "completed", "lesson")  # 50 points: Learner
    earned = Activity.objects.filter(actor=member, verb="earned")
    assert list(earned.values_list("object_id", "idempotency_key")) == [
        ("2", f"earned:level:2:{member.pk}")
    ]
    # A reversal below the threshold and earning it again logs nothing new.
    last = Activity.objects.filter(actor=member, verb="completed").last()
    record(member, "voided", "activity", object_id=str(last.pk))
    record(member, "completed", "lesson")
    assert earned.count() == 1


def test_one_big_award_can_cross_two_levels(member):
    for _ in range(3):
        record(member, "completed", "course")  # 150 points: Learner, Practitioner
    assert sorted(
        Activity.objects.filter(actor=member, verb="earned").values_list(
            "object_id", flat=True
        )
    ) == ["2", "3"]


def test_levels_unlock_privileges(member):
    assert not member_has_privilege(member=member, privilege="can_create_polls")
    for _ in range(8):
        record(member, "completed", "course")  # 400 points: Contributor
    assert member_has_privilege(member=member, privilege="can_create_polls")
    assert not member_has_privilege(member=member, privilege="offered_moderation")


def test_a_level_needing_fewer_points_than_the_one_below_is_refused():
    level = Level(number=8, name="Odd", threshold=10)
    with pytest.raises(ValidationError) as error:
        level.full_clean()
    assert "threshold" in error.value.message_dict


def test_editing_a_level_takes_effect_at_once(member):
    Level.objects.filter(number=2).update(threshold=30)  # bypasses signals
    Level.objects.get(number=2).save()  # an admin save clears the cache
    for _ in range(3):
        record(member, "completed", "lesson")
    assert Activity.objects.filter(actor=member, verb="earned").count() == 1


def test_my_progress_shows_points_level_next_unlock_and_reasons(client, member):
    for _ in range(6):
        record(member, "completed", "lesson")
    record(member, "passed", "quiz", result={"success": True}, context={"attempt": 1})
    client.force_login(member)
    response = client.get(reverse("gamification:progress"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="points-total"><span class="game-stat__value">80<' in html
    assert "Learner" in html and "70 points to Practitioner" in html
    assert "Share projects in the showcase." in html
    assert html.count('data-testid="ledger-entry"') == 7
    assert "Quiz passed first try" in html


def test_my_progress_needs_an_account(client):
    response = client.get(reverse("gamification:progress"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_earned_level_pays_no_points_so_nothing_loops(member):
    for _ in range(5):
        record(member, "completed", "lesson")
    earned = Activity.objects.get(actor=member, verb="earned")
    assert "gamification.points" not in activity_dispatch(activity_id=earned.pk)
    assert PointsBalance.objects.get(member=member).total == 50
