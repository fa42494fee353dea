"""Recommendations on the site: fit, store, serve (one query), incremental
refresh, dismissals, private groups, and the personalisation levels (off reads
no behaviour, basic reads only what the member declared)."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_record
from forum.models import GroupMembership
from members.models import LearningProfile
from paths import recommendations as recs
from paths.models import Recommendation, RecommendationDismissal, RecommenderFit
from tests.courses.conftest import make_event, make_user
from tests.forum.conftest import join, make_board, make_group
from tests.paths.planning_world import PathWorld

pytestmark = pytest.mark.django_db
_keys = itertools.count(1)
BEHAVIOUR_TABLES = (
    "activity_activity",
    "courses_enrollment",
    "courses_lessonprogress",
    "courses_eventregistration",
    "paths_skillmastery",
)


def did(member, verb, object_type, object_id, **context):
    return Activity.objects.create(
        actor=member,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        idempotency_key=f"test:{next(_keys)}",
        context=context,
        timestamp=timezone.now(),
        dispatched_at=timezone.now(),
    )


def profile(member, level="full", **fields):
    return LearningProfile.objects.update_or_create(
        user=member, defaults={"personalisation": level, **fields}
    )[0]


@pytest.fixture
def community(db):
    """PathWorld plus members whose histories pair Python starter with the
    refresher, and Wrangling with Statistics."""
    world = PathWorld()
    members = []
    for n in range(8):
        member = make_user(username=f"learner{n}")
        profile(member)
        if n % 2 == 0:
            did(member, "registered", "course", world.starter.pk)
            did(member, "registered", "course", world.refresher.pk)
            did(member, "completed", "lesson", world.variables.pk)
            did(member, "completed", "lesson", world.ten_minutes.pk)
        else:
            did(member, "registered", "course", world.wrangling_course.pk)
            did(member, "registered", "course", world.stats_course.pk)
            did(member, "completed", "lesson", world.tables.pk)
            did(member, "completed", "lesson", world.averages.pk)
        members.append(member)
    world.members = members
    return world


def stored(member):
    return [
        (r.kind, r.item_id, r.rank, r.reason)
        for r in Recommendation.objects.filter(member=member).order_by("kind", "rank")
    ]


def test_fit_store_and_serve_in_one_query(community, django_assert_num_queries):
    member = make_user(username="newbie")
    profile(member)
    did(member, "registered", "course", community.starter.pk)
    recs.recommender_fit()
    assert RecommenderFit.objects.count() == 1
    assert recs.recommendations_refresh(member=member) > 0
    with django_assert_num_queries(1):
        rows = recs.recommendations_for(member)
    courses = [r for r in rows if r.kind == "course"]
    assert courses[0].item_id == community.refresher.pk  # taken with the starter
    assert courses[0].reason["kind"] == "similar_to"
    assert recs.reason_text(courses[0].reason) == "Because you took “Python starter”"
    assert community.starter.pk not in [r.item_id for r in courses]  # had it
    assert all(recs.reason_text(r.reason) for r in rows)
    assert {r.model_version for r in Recommendation.objects.filter(member=member)} == {
        RecommenderFit.objects.get().pk
    }


def test_refresh_is_idempotent(community):
    member = community.members[0]
    recs.recommendations_refresh(member=member)
    first = stored(member)
    recs.recommendations_refresh(member=member)
    assert stored(member) == first and first


def test_dismissed_items_stay_away(community):
    member = community.members[1]
    recs.recommendations_refresh(member=member)
    top = Recommendation.objects.filter(member=member, kind="course").first()
    recs.recommendation_dismiss(member=member, kind="course", item_id=top.item_id)
    assert RecommendationDismissal.objects.filter(member=member).count() == 1
    recs.recommendations_refresh(member=member)
    assert not Recommendation.objects.filter(
        member=member, kind="course", item_id=top.item_id
    ).exists()
    with pytest.raises(recs.ValidationError):
        recs.recommendation_dismiss(member=member, kind="course", item_id=top.item_id)
    with pytest.raises(recs.ValidationError):
        recs.recommendation_dismiss(member=member, kind="nonsense", item_id=1)


def test_private_group_boards_only_for_members(community):
    outsider, insider = community.members[0], community.members[2]
    private = make_group(name="Secret circle", visibility="private")
    join(private, insider)
    secret = make_board(name="Secret board", slug="secret-board", group=private)
    public = make_board(name="Open board", slug="open-board")
    for member in community.members[4:]:  # not the insider: they have not been
        did(member, "followed", "board", secret.pk)
    recs.recommender_fit()
    for member in (outsider, insider):
        recs.recommendations_refresh(member=member)
    outsider_boards = {
        r.item_id for r in recs.recommendations_for(outsider) if r.kind == "board"
    }
    assert secret.pk not in outsider_boards and public.pk in outsider_boards
    assert not Recommendation.objects.filter(
        member=outsider, item_id=secret.pk, kind="board"
    ).exists()
    assert not Recommendation.objects.filter(
        member=outsider, kind="group", item_id=private.pk
    ).exists()
    insider_boards = {
        r.item_id for r in recs.recommendations_for(insider) if r.kind == "board"
    }
    assert secret.pk in insider_boards
    # Leaving the group hides the stored row at once, before any refresh.
    GroupMembership.objects.filter(member=insider, group=private).delete()
    assert secret.pk not in {
        r.item_id for r in recs.recommendations_for(insider) if r.kind == "board"
    }


def _tables(queries) -> set[str]:
    sql = " ".join(q["sql"].lower() for q in queries)
    return {t for t in BEHAVIOUR_TABLES if f'"{t}"' in sql or f" {t} " in sql}


def test_off_reads_no_behaviour_and_is_the_same_for_everyone(community):
    recs.recommender_fit()
    first, second = community.members[0], community.members[1]  # different pasts
    for member in (first, second):
        profile(member, "off", interest_topic_ids=[community.topic.pk], city="Hanoi")
    catalogue = recs.site_catalogue()
    with CaptureQueriesContext(connection) as queries:
        recs.recommendations_refresh(member=first, catalogue=catalogue)
    assert _tables(queries.captured_queries) == set()
    assert "paths_learningpath" not in " ".join(
        q["sql"] for q in queries.captured_queries
    )
    recs.recommendations_refresh(member=second, catalogue=catalogue)

    def items(m):
        return [
            (r.kind, r.item_id, r.rank, r.reason) for r in recs.recommendations_for(m)
        ]

    assert items(first) == items(second) and items(first)
    assert {r.reason["kind"] for r in recs.recommendations_for(first)} <= {
        "popular",
        "explore",
        "curated",
    }


def test_basic_uses_the_profile_only(community):
    member = community.members[0]  # a Python history
    other = make_user(username="statsfan")
    profile(member, "basic", city="Hanoi")
    profile(other, "basic", city="Hanoi")
    hanoi = make_event(title="Meetup in Hanoi", city="Hanoi", venue="Cafe")
    make_event(title="Meetup in Paris", city="Paris", venue="Bar")
    recs.recommender_fit()
    catalogue = recs.site_catalogue()
    with CaptureQueriesContext(connection) as queries:
        recs.recommendations_refresh(member=member, catalogue=catalogue)
    assert _tables(queries.captured_queries) == set()
    recs.recommendations_refresh(member=other, catalogue=catalogue)

    def ranked(m):  # the exploration slot is drawn per member
        return [
            (r.kind, r.item_id)
            for r in recs.recommendations_for(m)
            if r.reason["kind"] != "explore"
        ]

    # Same declarations, different pasts (other has none): the same ranking.
    assert ranked(member) == ranked(other) and ranked(member)
    events = [r for r in recs.recommendations_for(member) if r.kind == "event"]
    assert [e.item_id for e in events] == [hanoi.pk]  # not the Paris one
    assert recs.reason_text(events[0].reason) == "Near you in Hanoi"


def test_full_uses_the_member_history(community):
    recs.recommender_fit()
    python_fan, stats_fan = community.members[0], community.members[1]
    for member in (python_fan, stats_fan):
        recs.recommendations_refresh(member=member)

    def lessons(m):
        return [r.item_id for r in recs.recommendations_for(m) if r.kind == "lesson"]

    assert lessons(python_fan) != lessons(stats_fan)
    assert community.variables.pk not in lessons(python_fan)  # done already


def test_level_change_hides_the_old_list_until_refreshed(community):
    member = community.members[0]
    recs.recommendations_refresh(member=member)
    assert recs.recommendations_for(member)
    profile(member, "off")
    assert recs.recommendations_for(member) == []


def test_activity_refreshes_the_list_debounced(
    community, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    member = community.members[3]
    recs.recommender_fit()
    assert not Recommendation.objects.filter(member=member).exists()
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        activity_record(
            actor=member,
            verb="registered",
            object_type="course",
            object_id=community.analysis_course.pk,
            idempotency_key="test:refresh:1",
        )
        activity_record(
            actor=member,
            verb="registered",
            object_type="course",
            object_id=community.starter.pk,
            idempotency_key="test:refresh:2",
        )
    assert Recommendation.objects.filter(member=member).exists()
    refreshes = [c for c in callbacks if "apply_async" in repr(c.__code__.co_names)]
    assert len(refreshes) <= 1


def test_page_groups_by_kind_with_reasons(
    community, client, django_assert_max_num_queries
):
    member = community.members[0]
    recs.recommendations_refresh(member=member)
    client.force_login(member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("paths:recommendations"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Recommended for you" in body and 'data-testid="why"' in body
    assert 'data-testid="recs-course"' in body
    row = Recommendation.objects.filter(member=member, kind="lesson").first()
    response = client.post(
        reverse("paths:recommendation_dismiss", args=["lesson", row.item_id])
    )
    assert response.status_code == 302
    assert RecommendationDismissal.objects.filter(
        member=member, item_id=row.item_id
    ).exists()
    client.logout()
    assert client.get(reverse("paths:recommendations")).status_code == 302


def test_mentors_master_my_gaps_and_peers_share_my_goal(community, client):
    from paths import services
    from paths.models import SkillMastery

    learner = make_user(username="needs-help")
    profile(learner)
    services.path_set_goal(
        member=learner, kind="skills", skills=[community.stats, community.analysis]
    )
    SkillMastery.objects.create(member=learner, skill=community.stats, probability=0.42)
    mentor = make_user(username="stats-mentor")
    profile(mentor, mentoring_available=True)
    SkillMastery.objects.create(member=mentor, skill=community.stats, probability=0.99)
    shy = make_user(username="not-a-mentor")  # masters it but did not opt in
    profile(shy)
    SkillMastery.objects.create(member=shy, skill=community.stats, probability=0.99)
    peer = make_user(username="peer")
    profile(peer)
    services.path_set_goal(member=peer, kind="skills", skills=[community.analysis])
    hidden = make_user(username="hidden-peer")
    profile(hidden)
    services.path_set_goal(member=hidden, kind="skills", skills=[community.analysis])
    profile(hidden, "off")  # then turned personalisation off: not shown as a peer

    recs.recommendations_refresh(member=learner)
    rows = recs.recommendations_for(learner)
    mentors = [r for r in rows if r.kind == "mentor"]
    assert [m.item_id for m in mentors] == [mentor.pk]
    assert recs.reason_text(mentors[0].reason) == (
        "Masters Statistics, which you are learning (your mastery 0.42)"
    )
    peers = {r.item_id for r in rows if r.kind == "peer"}
    assert peer.pk in peers and hidden.pk not in peers and learner.pk not in peers
    client.force_login(learner)
    page = client.get(reverse("paths:recommendations")).content.decode()
    assert "Ask for mentoring" in page
    assert reverse("paths:mentoring_ask", args=[mentor.pk]) in page
    # At "off" nobody is suggested as a mentor or peer.
    profile(learner, "off")
    recs.recommendations_refresh(member=learner)
    assert not [
        r for r in recs.recommendations_for(learner) if r.kind in ("mentor", "peer")
    ]


def test_compact_include_for_dashboards(community, rf, django_assert_num_queries):
    from django.template import Context, Template

    member = community.members[0]
    recs.recommendations_refresh(member=member)
    request = rf.get("/")
    request.user = member
    template = Template("{% load recommendation_tags %}{% recommended_for_you %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request}))
    assert html.count('data-testid="recs-course"') == 1
    assert 0 < html.count('data-kind="course"') <= 2  # compact: two per kind
    assert "Not interested" not in html
