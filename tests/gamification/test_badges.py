"""Badge criteria, awarding once (or repeatedly where configured), and the
bounded cost of looking badges up for an activity."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from activity.models import Activity, ConsumerReceipt
from activity.services import activity_dispatch
from gamification.badge_models import BadgeAward, BadgeClass
from gamification.badges import (
    badge_award_revoke,
    badges_award_for_activity,
    criteria_sentence,
)
from gamification.openbadges import recipient_identity
from gamification.streak_services import streak_record_learning
from tests.courses.conftest import make_course, make_skill

from .badge_builders import make_badge
from .conftest import make_activity, make_member, record

pytestmark = pytest.mark.django_db
Kind = BadgeClass.Kind


def awards(member, badge=None):
    found = BadgeAward.objects.filter(member=member)
    if badge is not None:
        found = found.filter(badge=badge)
    return found


# Count of a verb ----------------------------------------------------------------


def test_a_count_badge_is_awarded_when_the_count_is_reached(member):
    badge = make_badge(name="Five lessons", count=5)
    for _ in range(4):
        record(member, "completed", "lesson")
    assert not awards(member).exists()
    fifth = record(member, "completed", "lesson")
    award = awards(member, badge).get()
    assert award.activity == fifth and award.occurrence == ""
    assert award.recipient_identity == recipient_identity(
        member.email, award.recipient_salt
    )
    assert award.recipient_identity.startswith("sha256$")
    earned = Activity.objects.get(verb="earned", object_type="badge")
    assert earned.actor == member and earned.object_id == str(badge.pk)
    assert earned.idempotency_key == f"earned:badge:{badge.pk}:{member.pk}:"
    assert earned.context["award"] == str(award.uuid)


def test_the_object_type_narrows_the_count(member):
    make_badge(verb="completed", object_type="course", count=1)
    record(member, "completed", "lesson")
    assert not awards(member).exists()
    record(member, "completed", "course")
    assert awards(member).count() == 1


def test_only_successful_results_count_when_asked(member):
    badge = make_badge(verb="answered", object_type="question", success_only=True)
    record(member, "answered", "question", result={"success": False})
    assert not awards(member).exists()
    record(member, "answered", "question", result={"success": True})
    assert awards(member, badge).count() == 1


def test_the_same_object_counts_once_unless_told_otherwise(member):
    distinct = make_badge(verb="answered", object_type="question", count=2)
    every_time = make_badge(
        verb="checked-in", object_type="site", count=2, distinct_objects=False
    )
    record(member, "answered", "question", object_id="q1")
    record(member, "answered", "question", object_id="q1")
    assert not awards(member, distinct).exists()
    record(member, "answered", "question", object_id="q2")
    assert awards(member, distinct).count() == 1
    record(member, "checked-in", "site", object_id="daily")
    record(member, "checked-in", "site", object_id="daily")
    assert awards(member, every_time).count() == 1


def test_voided_activities_do_not_count(member):
    make_badge(count=2)
    first = record(member, "completed", "lesson")
    make_activity(member, "voided", "activity", object_id=str(first.pk))
    record(member, "completed", "lesson")
    assert not awards(member).exists()
    record(member, "completed", "lesson")
    assert awards(member).count() == 1


def test_a_voided_activity_awards_nothing_when_replayed(member):
    make_badge(count=1)
    activity = make_activity(member, "completed", "lesson")
    make_activity(member, "voided", "activity", object_id=str(activity.pk))
    assert badges_award_for_activity(activity=activity) == []


# Once, under replay and repetition ------------------------------------------------


def test_a_badge_is_awarded_once_however_often_the_activity_is_replayed(member):
    badge = make_badge(count=1)
    activity = record(member, "completed", "lesson")
    for _ in range(3):
        ConsumerReceipt.objects.filter(consumer="gamification.achievements").delete()
        activity_dispatch(activity_id=activity.pk, only="gamification.achievements")
        assert badges_award_for_activity(activity=activity) == []
    record(member, "completed", "lesson")
    assert awards(member, badge).count() == 1
    assert Activity.objects.filter(verb="earned", object_type="badge").count() == 1


def test_a_repeatable_count_badge_is_earned_every_n_more(member):
    badge = make_badge(count=2, repeatable=True)
    for _ in range(5):
        record(member, "completed", "lesson")
    assert sorted(awards(member, badge).values_list("occurrence", flat=True)) == [
        "1",
        "2",
    ]
    record(member, "completed", "lesson")
    assert awards(member, badge).count() == 3


def test_a_repeatable_badge_created_late_catches_up(member):
    for _ in range(6):
        make_activity(member, "completed", "lesson")
    badge = make_badge(count=2, repeatable=True)
    record(member, "completed", "lesson")
    assert awards(member, badge).count() == 3


def test_a_revoked_badge_is_not_issued_again(member):
    badge = make_badge(count=1)
    record(member, "completed", "lesson")
    award = awards(member, badge).get()
    badge_award_revoke(award_id=award.pk, reason="Awarded by mistake")
    record(member, "completed", "lesson")
    assert awards(member, badge).count() == 1


def test_revoking_needs_a_reason_and_keeps_the_first_one(member):
    make_badge(count=1)
    record(member, "completed", "lesson")
    award = awards(member).get()
    with pytest.raises(ValidationError, match="Give a reason"):
        badge_award_revoke(award_id=award.pk, reason="  ")
    award.refresh_from_db()
    assert not award.revoked
    badge_award_revoke(award_id=award.pk, reason="Plagiarism")
    badge_award_revoke(award_id=award.pk, reason="Something else")
    award.refresh_from_db()
    assert award.revoked and award.revocation_reason == "Plagiarism"
    voided = Activity.objects.filter(verb="voided", object_type="activity")
    assert voided.count() == 1
    earned = Activity.objects.get(verb="earned", object_type="badge")
    assert voided.get().object_id == str(earned.pk)


def test_an_inactive_badge_is_not_awarded(member):
    make_badge(count=1, active=False)
    record(member, "completed", "lesson")
    assert not awards(member).exists()


# Streaks ------------------------------------------------------------------------


def learn_on_days_before_today(member, days: int) -> None:
    now = timezone.now()
    for back in range(days, 0, -1):
        streak_record_learning(member_id=member.pk, moment=now - timedelta(days=back))


def test_a_streak_badge_comes_with_the_seventh_day_in_a_row(member):
    badge = make_badge(kind=Kind.STREAK, count=7)
    learn_on_days_before_today(member, 5)
    record(member, "completed", "lesson")  # day 6
    assert not awards(member, badge).exists()
    member_tomorrow = timezone.now() + timedelta(days=1)
    record(member, "completed", "lesson", timestamp=member_tomorrow)
    assert awards(member, badge).count() == 1


def test_a_repeatable_streak_badge_comes_with_every_multiple(member):
    badge = make_badge(kind=Kind.STREAK, count=3, repeatable=True)
    learn_on_days_before_today(member, 5)
    record(member, "completed", "lesson")  # the sixth day: 6 is a multiple of 3
    assert awards(member, badge).count() == 1
    record(member, "passed", "quiz")  # the same day again: nothing new
    assert awards(member, badge).count() == 1
    assert awards(member, badge).get().occurrence == timezone.localdate().isoformat()


# Courses, skills, accepted answers, challenges -----------------------------------


def test_course_badges_for_one_course_or_any(member):
    course = make_course()
    other = make_course()
    this_one = make_badge(kind=Kind.COURSE, course=course, count=1)
    any_course = make_badge(kind=Kind.COURSE, count=1, repeatable=True)
    record(member, "completed", "course", object_id=str(other.pk))
    assert not awards(member, this_one).exists()
    assert awards(member, any_course).count() == 1
    record(member, "completed", "course", object_id=str(course.pk))
    assert awards(member, this_one).count() == 1
    assert set(awards(member, any_course).values_list("occurrence", flat=True)) == {
        str(other.pk),
        str(course.pk),
    }
    record(member, "completed", "lesson", object_id=str(course.pk))
    assert awards(member).count() == 3


def test_skill_badges_hear_mastered(member):
    skill = make_skill()
    badge = make_badge(kind=Kind.SKILL, skill=skill)
    record(member, "mastered", "skill", object_id=str(skill.pk + 1000))
    assert not awards(member, badge).exists()
    record(member, "mastered", "skill", object_id=str(skill.pk))
    assert awards(member, badge).count() == 1


def test_accepted_answers_go_to_the_author_of_the_answer(member):
    asker = make_member()
    badge = make_badge(kind=Kind.ACCEPTED, count=2)
    record(asker, "accepted", "answer", context={"owner_id": member.pk})
    # Accepting your own answer never counts.
    record(member, "accepted", "answer", context={"owner_id": member.pk})
    assert not BadgeAward.objects.exists()
    replaced = record(asker, "accepted", "answer", context={"owner_id": member.pk})
    assert awards(member, badge).count() == 1 and not awards(asker).exists()
    assert awards(member, badge).get().activity == replaced


def test_an_accepted_answer_that_was_replaced_does_not_count(member):
    asker = make_member()
    badge = make_badge(kind=Kind.ACCEPTED, count=2)
    first = record(asker, "accepted", "answer", context={"owner_id": member.pk})
    make_activity(asker, "voided", "activity", object_id=str(first.pk))
    record(asker, "accepted", "answer", context={"owner_id": member.pk})
    assert not awards(member, badge).exists()


def test_challenge_badges_hear_completed_challenges(member):
    from .badge_builders import make_challenge

    challenge = make_challenge()
    badge = make_badge(kind=Kind.CHALLENGE, challenge=challenge)
    anyone = make_badge(kind=Kind.CHALLENGE, repeatable=True)
    record(member, "completed", "challenge", object_id=str(challenge.pk + 1000))
    assert not awards(member, badge).exists() and awards(member, anyone).count() == 1
    record(member, "completed", "challenge", object_id=str(challenge.pk))
    assert awards(member, badge).count() == 1 and awards(member, anyone).count() == 2


# Cost -------------------------------------------------------------------------


def test_an_activity_no_badge_listens_to_costs_no_query(member):
    make_badge(verb="completed", object_type="lesson")
    activity = make_activity(member, "liked", "post")
    badges_award_for_activity(activity=activity)  # warms the process cache
    with CaptureQueriesContext(connection) as queries:
        assert badges_award_for_activity(activity=activity) == []
    assert len(queries) == 0


def test_badges_sharing_a_criterion_share_one_count(member):
    for count in (1, 3, 5, 10, 20, 50):
        make_badge(count=count)
    for _ in range(2):
        make_activity(member, "completed", "lesson")
    activity = make_activity(member, "completed", "lesson")
    badges_award_for_activity(activity=make_activity(member, "experienced", "lesson"))
    with CaptureQueriesContext(connection) as queries:
        awarded = badges_award_for_activity(activity=activity)
    assert len(awarded) == 2  # 1 and 3
    sql = [q["sql"] for q in queries]
    assert sum("COUNT(" in s for s in sql) == 1
    # voided?, awards held, the count, the member's e-mail, then per award:
    # award and earned activity, each in its savepoint (11 statements).
    assert len(sql) == 4 + 2 * 11
    with CaptureQueriesContext(connection) as queries:
        assert badges_award_for_activity(activity=activity) == []
    assert len(queries) == 3


def test_saving_a_badge_refreshes_the_lookup_at_once(member):
    badge = make_badge(count=1, active=False)
    record(member, "completed", "lesson")  # cached: no active badge
    badge.active = True
    badge.save()
    record(member, "completed", "lesson")
    assert awards(member, badge).count() == 1


def test_deleting_the_course_of_a_badge_retires_it():
    course = make_course()
    badge = make_badge(kind=Kind.COURSE, course=course)
    course.delete()
    badge.refresh_from_db()
    assert badge.course is None and not badge.active


# Admin validation -----------------------------------------------------------


def upload(data: bytes, name: str):
    image = get_image_model()(title=name)
    image.file = ImageFile(io.BytesIO(data), name=name)
    image.save()
    return image


def png_bytes(size=(256, 256), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 40, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_badge_images_are_checked_with_pillow(media_root):
    good = make_badge(image=upload(png_bytes(), "good.png"))
    assert good.image is not None
    for image, message in (
        (upload(png_bytes((64, 64)), "tiny.png"), "at least 128"),
        (upload(png_bytes((256, 256), "GIF"), "anim.gif"), "PNG, JPEG or WebP"),
        (upload(png_bytes((4100, 200)), "long.png"), "at most 4096"),
    ):
        with pytest.raises(ValidationError, match=message):
            make_badge(image=image)
    fake = upload(png_bytes(), "fake.png")
    with open(fake.file.path, "wb") as handle:  # an SVG renamed .png
        handle.write(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(ValidationError, match="not a picture we can read"):
        make_badge(image=fake)


def test_criteria_must_fit_their_kind():
    with pytest.raises(ValidationError, match="Choose the verb"):
        make_badge(kind=Kind.COUNT, verb="", object_type="")
    with pytest.raises(ValidationError, match="takes only these object types"):
        make_badge(verb="completed", object_type="post")
    with pytest.raises(ValidationError, match="leave it empty"):
        make_badge(kind=Kind.STREAK, course=make_course())


def test_criteria_read_as_sentences():
    assert criteria_sentence(BadgeClass(kind=Kind.STREAK, count=7)) == (
        "Learn on 7 days in a row."
    )
    assert "Reach 10 × “completed” (lesson)." == criteria_sentence(
        BadgeClass(kind=Kind.COUNT, verb="completed", object_type="lesson", count=10)
    )
    assert criteria_sentence(BadgeClass(kind=Kind.COURSE, repeatable=True)) == (
        "Complete any course. It can be earned again."
    )


def test_a_batch_awards_as_one_activity_at_a_time_would(member):
    from activity.services import activity_dispatch_batch

    from .badge_builders import make_challenge

    other = make_member()
    make_badge(count=1)
    every_two = make_badge(count=2, repeatable=True)
    challenge = make_challenge(goal=3, reward_points=5)
    work = [make_activity(m, "completed", "lesson") for m in (member, other) * 3]
    ran = activity_dispatch_batch(activity_ids=[a.pk for a in work])
    assert all("gamification.achievements" in names for names in ran.values())
    assert BadgeAward.objects.filter(member=member).count() == 2
    assert BadgeAward.objects.filter(member=other, badge=every_two).count() == 1
    assert challenge.completions.count() == 2
    assert activity_dispatch_batch(activity_ids=[a.pk for a in work]) == {
        a.pk: [] for a in work
    }
