import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from activity.models import ConsumerReceipt
from activity.services import activity_dispatch
from gamification.models import PointsBalance, PointsEntry, PointsRule
from gamification.services import points_reconcile, points_spend

from .conftest import at, make_activity, make_member, record

pytestmark = pytest.mark.django_db


def balance(member) -> int:
    row = PointsBalance.objects.filter(member=member).first()
    return row.total if row else 0


def ledger_sum(member) -> int:
    return sum(
        PointsEntry.objects.filter(member=member).values_list("amount", flat=True)
    )


def test_completing_a_lesson_pays_the_default_rule(member):
    activity = record(member, "completed", "lesson")
    entry = PointsEntry.objects.get(member=member)
    assert (entry.amount, entry.reason, entry.activity) == (
        10,
        "Lesson completed",
        activity,
    )
    assert balance(member) == 10 == ledger_sum(member)


def test_replaying_an_activity_never_pays_twice(member):
    activity = record(member, "completed", "course")
    activity_dispatch(activity_id=activity.pk)
    # Even with the receipt gone (a consumer's effects outliving its receipt),
    # the ledger's constraint refuses a second payment without failing.
    ConsumerReceipt.objects.filter(activity=activity).delete()
    activity_dispatch(activity_id=activity.pk)
    assert balance(member) == 50 == ledger_sum(member)
    assert PointsEntry.objects.filter(activity=activity).count() == 1
    assert ConsumerReceipt.objects.filter(
        activity=activity, consumer="gamification.points"
    ).exists()


def test_quiz_pays_only_when_passed_on_the_first_attempt(member):
    passed = {"success": True, "score": {"scaled": 0.9}}
    record(member, "passed", "quiz", result=passed, context={"attempt": 2})
    assert balance(member) == 0
    record(member, "passed", "quiz", result=passed, context={"attempt": 1})
    assert balance(member) == 20


def test_only_correct_answers_pay_and_the_daily_cap_holds(member):
    record(member, "answered", "question", result={"success": False})
    assert balance(member) == 0
    moment = at("2026-11-23 12:00")
    for _ in range(25):
        record(
            member, "answered", "question", result={"success": True}, timestamp=moment
        )
    assert balance(member) == 40  # cap 40 a day at 2 points an answer
    record(
        member,
        "answered",
        "question",
        result={"success": True},
        timestamp=at("2026-11-24 12:00"),
    )
    assert balance(member) == 42


def test_the_daily_cap_follows_the_members_own_day():
    # 07:30 UTC is still the previous evening in Los Angeles (UTC-8) and
    # already the afternoon in Bangkok (UTC+7).
    west = make_member(time_zone="America/Los_Angeles")
    east = make_member(time_zone="Asia/Bangkok")
    for member in (west, east):
        record(member, "checked-in", "site", timestamp=at("2026-11-23 07:30"))
        record(member, "checked-in", "site", timestamp=at("2026-11-23 08:30"))
    # West: 23:30 on the 22nd and 00:30 on the 23rd, two days, two points.
    assert balance(west) == 2
    # East: 14:30 and 15:30 on the 23rd, one day, capped at one point.
    assert balance(east) == 1
    assert list(
        PointsEntry.objects.filter(member=west)
        .order_by("day")
        .values_list("day", flat=True)
    ) == [at("2026-11-22 00:00").date(), at("2026-11-23 00:00").date()]


def test_a_reaction_pays_the_owner_never_the_reactor_nor_a_self_reaction(member):
    author = make_member()
    record(member, "liked", "post", context={"owner_id": author.pk})
    assert balance(author) == 1
    assert balance(member) == 0
    record(author, "liked", "post", context={"owner_id": author.pk})
    assert balance(author) == 1


def test_accepting_your_own_answer_pays_nothing(member):
    record(member, "accepted", "answer", context={"owner_id": member.pk})
    assert balance(member) == 0
    other = make_member()
    record(member, "accepted", "answer", context={"owner_id": other.pk})
    assert balance(other) == 25


def test_a_voided_activity_is_reversed_once(member):
    author = make_member()
    liked = record(member, "liked", "post", context={"owner_id": author.pk})
    assert balance(author) == 1
    for n in range(2):  # voided twice (say, hidden by two moderators)
        record(
            member,
            "voided",
            "activity",
            object_id=str(liked.pk),
            idempotency_key=f"voided:{liked.pk}:{n}",
        )
    assert balance(author) == 0 == ledger_sum(author)
    reversal = PointsEntry.objects.get(kind="reversal")
    assert reversal.amount == -1
    assert reversal.reverses.activity == liked


def test_an_activity_voided_before_it_was_paid_never_pays(member):
    activity = make_activity(member, "completed", "lesson")
    record(member, "voided", "activity", object_id=str(activity.pk))
    activity_dispatch(activity_id=activity.pk)
    assert balance(member) == 0


def test_editing_a_review_pays_only_the_first_time(member):
    for _ in range(3):
        record(member, "rated", "course", object_id="7", result={"score": {"raw": 4}})
    record(member, "rated", "course", object_id="8")
    assert balance(member) == 10


def test_rules_are_edited_in_the_admin_and_take_effect(member):
    rule = PointsRule.objects.get(name="Lesson completed")
    rule.points = 12
    rule.save()
    record(member, "completed", "lesson")
    rule.active = False
    rule.save()
    record(member, "completed", "lesson")
    assert balance(member) == 12


def test_a_rule_rejects_an_object_type_its_verb_does_not_take():
    rule = PointsRule(name="Odd", verb="liked", object_type="course", points=1)
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "object_type" in error.value.message_dict


def test_spending_never_takes_the_balance_below_zero(member):
    record(member, "completed", "lesson")
    with pytest.raises(ValidationError):
        points_spend(member=member, amount=11, reason="Too much")
    points_spend(member=member, amount=10, reason="Streak freeze")
    row = PointsBalance.objects.get(member=member)
    assert (row.total, row.earned) == (0, 10)
    assert points_reconcile() == []


def test_reconcile_reports_and_repairs_a_drifted_balance(member, capsys):
    record(member, "completed", "lesson")
    call_command("points_reconcile")
    assert "All balances match" in capsys.readouterr().out
    PointsBalance.objects.filter(member=member).update(total=999)
    with pytest.raises(CommandError, match="1 balance"):
        call_command("points_reconcile")
    assert f"member {member.pk}: cached total 999, ledger 10" in capsys.readouterr().out
    call_command("points_reconcile", "--fix")
    assert balance(member) == 10
    call_command("points_reconcile")


def test_reconcile_notices_a_ledger_without_a_balance(member):
    record(member, "completed", "lesson")
    PointsBalance.objects.filter(member=member).delete()
    [mismatch] = points_reconcile()
    assert (mismatch.cached_total, mismatch.ledger_total) == (None, 10)
