from datetime import date

import pytest
from django.urls import reverse

from activity.services import activity_dispatch
from gamification.models import (
    GamificationSettings,
    LearningDay,
    MemberGameProfile,
    PointsBalance,
)
from gamification.selectors import streak_at_risk, streak_status
from gamification.streak_services import checkin_record, streak_freeze_buy

from .conftest import at, make_member, record

pytestmark = pytest.mark.django_db


def learn(member, when: str, verb="completed", object_type="lesson", **kwargs):
    return record(member, verb, object_type, timestamp=at(when), **kwargs)


def profile(member) -> MemberGameProfile:
    return MemberGameProfile.objects.get(member=member)


def give_freezes(member, n: int) -> None:
    MemberGameProfile.objects.update_or_create(
        member=member, defaults={"freezes_held": n}
    )


def test_consecutive_days_extend_the_streak(member):
    for when in (
        "2026-11-20 10:00",
        "2026-11-21 10:00",
        "2026-11-21 18:00",
        "2026-11-22 09:00",
    ):
        learn(member, when)
    p = profile(member)
    assert (p.streak_current, p.streak_longest, p.streak_last_day) == (
        3,
        3,
        date(2026, 11, 22),
    )


def test_days_follow_the_members_time_zone_around_midnight():
    # 16:30 and 17:30 UTC straddle midnight in Bangkok (UTC+7): two days there.
    east = make_member(time_zone="Asia/Bangkok")
    learn(east, "2026-11-20 16:30")
    learn(east, "2026-11-20 17:30")
    assert profile(east).streak_current == 2
    # 07:30 and 08:30 UTC straddle midnight in Los Angeles (UTC-8): two days.
    west = make_member(time_zone="America/Los_Angeles")
    learn(west, "2026-11-21 07:30")
    learn(west, "2026-11-21 08:30")
    assert profile(west).streak_current == 2
    # The same two moments are one day for a member on UTC.
    utc = make_member()
    learn(utc, "2026-11-21 07:30")
    learn(utc, "2026-11-21 08:30")
    assert profile(utc).streak_current == 1


def test_the_streak_status_is_read_in_the_members_own_day():
    west = make_member(time_zone="America/Los_Angeles")
    learn(west, "2026-11-21 05:00")  # 21:00 on the 20th in Los Angeles
    # 07:30 UTC on the 22nd is 23:30 on the 21st there: still alive, at risk.
    status = streak_status(member=west, now=at("2026-11-22 07:30"))
    assert (status.current, status.at_risk) == (1, True)
    assert streak_at_risk(west, now=at("2026-11-22 07:30"))
    # An hour later it is the 22nd there and the 21st was missed: broken.
    status = streak_status(member=west, now=at("2026-11-22 08:30"))
    assert (status.current, status.at_risk) == (0, False)


def test_a_freeze_covers_one_missed_day(member):
    learn(member, "2026-11-20 10:00")
    give_freezes(member, 1)
    status = streak_status(member=member, now=at("2026-11-21 20:00"))
    assert status.will_use_freeze and not status.at_risk
    # The 21st is missed; the 22nd's lesson uses the freeze.
    learn(member, "2026-11-22 10:00")
    p = profile(member)
    assert (p.streak_current, p.freezes_held) == (2, 0)
    assert LearningDay.objects.get(member=member, day=date(2026, 11, 21)).frozen


def test_two_missed_days_with_one_freeze_break_the_streak_and_keep_the_freeze(member):
    learn(member, "2026-11-20 10:00")
    learn(member, "2026-11-21 10:00")
    give_freezes(member, 1)
    learn(member, "2026-11-24 10:00")
    p = profile(member)
    assert (p.streak_current, p.streak_longest, p.freezes_held) == (1, 2, 1)


def test_two_freezes_cover_two_missed_days(member):
    learn(member, "2026-11-20 10:00")
    give_freezes(member, 2)
    assert streak_status(member=member, now=at("2026-11-22 12:00")).current == 1
    learn(member, "2026-11-23 10:00")
    assert (profile(member).streak_current, profile(member).freezes_held) == (2, 0)


def test_a_late_activity_fills_its_day_and_returns_the_freeze(member):
    learn(member, "2026-11-20 10:00")
    give_freezes(member, 1)
    learn(member, "2026-11-22 10:00")  # the 21st frozen
    learn(member, "2026-11-21 23:00")  # … but learning from it arrives late
    p = profile(member)
    assert (p.streak_current, p.freezes_held) == (3, 1)


def test_a_replayed_activity_does_not_count_twice(member):
    activity = learn(member, "2026-11-20 10:00")
    activity_dispatch(activity_id=activity.pk)  # replayed: its receipt stops it
    learn(member, "2026-11-20 11:00")  # another lesson the same day
    assert profile(member).streak_current == 1
    assert LearningDay.objects.filter(member=member).count() == 1


def test_only_real_learning_counts(member):
    learn(member, "2026-11-20 10:00", "checked-in", "site")
    learn(member, "2026-11-20 10:00", "answered", "question")  # ungraded
    learn(member, "2026-11-20 10:00", "replied", "post", context={"length": 12})
    learn(member, "2026-11-20 10:00", "failed", "quiz")
    assert not LearningDay.objects.filter(member=member).exists()
    learn(member, "2026-11-20 11:00", "replied", "post", context={"length": 400})
    learn(member, "2026-11-21 11:00", "answered", "question", result={"success": False})
    assert profile(member).streak_current == 2


def test_check_in_pays_a_point_once_a_day_but_no_streak(member):
    first, new = checkin_record(member=member, now=at("2026-11-20 10:00"))
    again, new_again = checkin_record(member=member, now=at("2026-11-20 22:00"))
    assert (new, new_again, first.pk) == (True, False, again.pk)
    activity_dispatch(activity_id=first.pk)
    assert PointsBalance.objects.get(member=member).total == 1
    assert profile(member).streak_current == 0


def test_freezes_cost_points_and_at_most_two_are_held(member):
    for _ in range(11):
        record(member, "completed", "lesson")  # 110 points
    streak_freeze_buy(member=member)
    streak_freeze_buy(member=member)
    with pytest.raises(Exception, match="most you can"):
        streak_freeze_buy(member=member)
    assert profile(member).freezes_held == 2
    balance = PointsBalance.objects.get(member=member)
    assert (balance.total, balance.earned) == (10, 110)


def test_the_freeze_price_is_an_editable_setting(member):
    settings = GamificationSettings.load()
    settings.freeze_cost = 5
    settings.save()
    record(member, "completed", "lesson")
    streak_freeze_buy(member=member)
    assert PointsBalance.objects.get(member=member).total == 5


def test_buying_a_freeze_without_enough_points_says_what_to_do(client, member):
    client.force_login(member)
    response = client.post(reverse("gamification:buy_freeze"), follow=True)
    assert "You need 50 points for this and have 0" in response.content.decode()
    assert profile(member).freezes_held == 0


def test_progress_page_check_in_and_preferences(client, member):
    client.force_login(member)
    response = client.post(reverse("gamification:check_in"), follow=True)
    assert "Checked in for today" in response.content.decode()
    response = client.post(
        reverse("gamification:preferences"),
        {"time_zone": "Asia/Bangkok", "leaderboard_listed": ""},
        follow=True,
    )
    assert "Your preferences are saved" in response.content.decode()
    assert (profile(member).time_zone, profile(member).leaderboard_listed) == (
        "Asia/Bangkok",
        False,
    )
    response = client.post(
        reverse("gamification:preferences"), {"time_zone": "Mars/Base"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
