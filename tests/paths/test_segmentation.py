"""Segments with history, churn scores with factors, the platform churn fit,
and the operators' admin screens (permissions, constant queries)."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from paths import segmentation
from paths.models import ChurnModelFit, ChurnScore, SegmentAssignment
from tests.courses.conftest import make_user

pytestmark = pytest.mark.django_db
_keys = itertools.count(1)
NOW = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)


def did(member, verb="completed", *, days_ago=0.0, n=1, object_type="lesson"):
    Activity.objects.bulk_create(
        Activity(
            actor=member,
            verb=verb,
            object_type=object_type,
            object_id="1",
            idempotency_key=f"seg:{next(_keys)}",
            timestamp=NOW - datetime.timedelta(days=days_ago, minutes=i),
            dispatched_at=NOW,
        )
        for i in range(n)
    )


def member(**kwargs):
    user = make_user(**kwargs)
    user.date_joined = NOW - datetime.timedelta(days=150)
    user.save(update_fields=["date_joined"])
    return user


def spells(user, dimension="activity"):
    return list(
        SegmentAssignment.objects.filter(member=user, dimension=dimension)
        .order_by("valid_from")
        .values_list("segment", "valid_from", "valid_to")
    )


def test_a_silent_member_who_returns_moves_tier_and_keeps_history():
    quiet = member(username="quiet")
    busy = member(username="busy")
    did(quiet, days_ago=45, n=3)
    did(busy, days_ago=1, n=10)
    did(busy, "created", object_type="topic", days_ago=2, n=3)
    segmentation.segments_compute(now=NOW)
    assert spells(quiet) == [("silent", NOW.date(), None)]
    assert spells(busy)[0][0] == "highly_active"
    assert spells(busy, "contribution")[0][0] == "creator"
    row = SegmentAssignment.objects.get(member=quiet, dimension="activity")
    assert row.rule == "inactive_over_30d" and row.features["days_since_last"] == 45
    # The same day again changes nothing.
    segmentation.segments_compute(now=NOW)
    assert len(spells(quiet)) == 1
    # Next day the quiet member is back.
    later = NOW + datetime.timedelta(days=1)
    Activity.objects.create(
        actor=quiet,
        verb="completed",
        object_type="lesson",
        object_id="2",
        idempotency_key="seg:back",
        timestamp=later - datetime.timedelta(hours=1),
    )
    segmentation.segments_compute(now=later)
    assert spells(quiet) == [
        ("silent", NOW.date(), later.date()),
        ("occasional", later.date(), None),
    ]
    assert [s[0] for s in spells(busy)] == ["highly_active"]  # unchanged: one spell


def test_churn_scores_with_top_factors_from_the_shipped_model():
    gone = member(username="gone")
    here = member(username="here")
    did(gone, days_ago=80)
    did(here, days_ago=0, n=5)
    summary = segmentation.segments_compute(now=NOW)
    assert summary["model"] == "oulad"  # too little history for a platform fit
    scores = {s.member_id: s for s in ChurnScore.objects.filter(day=NOW.date())}
    assert set(scores) >= {gone.pk, here.pk}
    for score in scores.values():
        assert 0.0 <= score.risk <= 1.0
        for factor in score.factors:
            assert factor["feature"] in segmentation.FACTOR_LABELS
            assert factor["weight"] > 0
    # Recomputing the day replaces its scores.
    segmentation.segments_compute(now=NOW)
    assert ChurnScore.objects.filter(member=gone).count() == 1


def test_platform_fit_when_there_is_enough_history(monkeypatch):
    monkeypatch.setattr(segmentation, "CHURN_MIN_MEMBERS", 30)
    monkeypatch.setattr(segmentation, "CHURN_MIN_EACH", 5)
    for i in range(40):
        user = member(username=f"m{i}")
        if i % 2:  # stays: active before and after the cut-off
            did(user, days_ago=40, n=4)
            did(user, days_ago=5, n=2)
        else:  # left: active long ago only
            did(user, days_ago=70 + i, n=1)
    summary = segmentation.segments_compute(now=NOW)
    assert summary["model"] == "platform"
    fit = ChurnModelFit.objects.get()
    assert fit.n_members == 40 and fit.churn_rate == 0.5 and fit.auc > 0.9
    by_member = dict(ChurnScore.objects.values_list("member__username", "risk"))
    assert by_member["m0"] > by_member["m1"]


def test_members_with_personalisation_off_get_no_churn_score():
    from members.models import LearningProfile

    user = member(username="private")
    LearningProfile.objects.create(user=user, personalisation="off")
    did(user, days_ago=3)
    segmentation.segments_compute(now=NOW)
    assert not ChurnScore.objects.filter(member=user).exists()
    assert SegmentAssignment.objects.filter(member=user).exists()  # still counted


@pytest.fixture
def operator():
    user = make_user(username="operator", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_segmentassignment"),
    )
    return user


def test_admin_screens_permissions_and_constant_queries(
    client, operator, django_assert_max_num_queries
):
    for i in range(6):
        did(member(username=f"x{i}"), days_ago=i * 20, n=1 + i)
    segmentation.segments_compute(now=NOW)
    urls = [
        reverse("personalisation:index"),
        reverse("personalisation:segment", args=["activity", "silent"]),
        reverse("personalisation:at_risk"),
    ]
    learner = make_user(username="learner", is_staff=True)
    learner.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(learner)
    for url in urls:
        assert client.get(url).status_code in (302, 403)
    client.force_login(operator)
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(queries))
    body = client.get(urls[2]).content.decode()
    assert 'data-testid="at-risk"' in body and 'data-testid="factor"' in body
    assert "Silent" in client.get(urls[0]).content.decode()
    # More members: the same number of queries.
    for i in range(6, 20):
        did(member(username=f"x{i}"), days_ago=35 + i, n=2)
    segmentation.segments_compute(now=NOW)
    for url, before in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(before):
            client.get(url)
    assert (
        client.get(reverse("personalisation:segment", args=["nope", "x"])).status_code
        == 404
    )
