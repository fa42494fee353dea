"""Groups: joining, asking to join, approving, leaving; and private groups'
boards, topics, posts and members hidden from everyone outside them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activity.models import Activity
from forum import group_services, moderation_services, selectors, services
from forum.models import Board, GroupMembership, Post, Report, Topic

from .conftest import join, make_board, make_group, make_post, make_topic, make_user

pytestmark = pytest.mark.django_db

Status = GroupMembership.Status


def verbs(verb):
    return list(Activity.objects.filter(verb=verb).order_by("pk"))


# Services ----------------------------------------------------------------------


def test_joining_a_public_group_records_joined_and_leaving_records_left(
    member, other_member
):
    group = make_group(owner=member, name="Pandas fans")
    membership = group_services.group_join(member=other_member, group=group)
    assert membership.status == Status.ACTIVE and membership.joined_at
    [joined] = verbs("joined")
    assert (joined.actor, joined.object_type, joined.object_id) == (
        other_member,
        "group",
        str(group.pk),
    )
    assert joined.idempotency_key == f"joined:group:{membership.pk}"
    # Joining again changes nothing.
    assert group_services.group_join(member=other_member, group=group) == membership
    assert len(verbs("joined")) == 1
    group_services.group_leave(member=other_member, group=group)
    assert not GroupMembership.objects.filter(member=other_member).exists()
    [left] = verbs("left")
    assert left.actor == other_member and left.object_id == str(group.pk)


def test_asking_to_join_a_private_group_waits_for_approval(member, other_member):
    group = make_group(owner=member, visibility="private")
    membership = group_services.group_join(
        member=other_member, group=group, message="I study at night too"
    )
    assert membership.status == Status.PENDING
    assert membership.message == "I study at night too"
    assert not verbs("joined")
    with pytest.raises(ValidationError, match="already asked"):
        group_services.group_join(member=other_member, group=group)
    group_services.membership_decide(actor=member, membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE and membership.decided_by == member
    [joined] = verbs("joined")
    assert joined.actor == other_member
    assert joined.context["approved_by"] == member.pk


def test_declining_removes_the_request_and_records_nothing(member, other_member):
    group = make_group(owner=member, visibility="private")
    membership = group_services.group_join(member=other_member, group=group)
    assert (
        group_services.membership_decide(
            actor=member, membership=membership, approve=False
        )
        is None
    )
    assert not GroupMembership.objects.filter(member=other_member).exists()
    assert not verbs("joined")
    # They may ask again.
    again = group_services.group_join(member=other_member, group=group)
    assert again.status == Status.PENDING


def test_only_group_managers_and_site_moderators_decide(
    member, other_member, moderator
):
    group = make_group(owner=member, visibility="private")
    plain = make_user()
    join(group, plain)
    group_moderator = make_user()
    join(group, group_moderator, role="moderator")
    requests = [
        group_services.group_join(member=make_user(), group=group) for _ in range(3)
    ]
    with pytest.raises(PermissionDenied):
        group_services.membership_decide(
            actor=plain, membership=requests[0], approve=True
        )
    with pytest.raises(PermissionDenied):
        group_services.membership_decide(
            actor=other_member, membership=requests[0], approve=True
        )
    assert GroupMembership.objects.get(pk=requests[0].pk).status == Status.PENDING
    group_services.membership_decide(
        actor=group_moderator, membership=requests[0], approve=True
    )
    group_services.membership_decide(
        actor=moderator, membership=requests[1], approve=True
    )
    group_services.membership_decide(actor=member, membership=requests[2], approve=True)
    assert (
        GroupMembership.objects.filter(group=group, status=Status.ACTIVE).count() == 6
    )
    with pytest.raises(ValidationError, match="already been answered"):
        group_services.membership_decide(
            actor=member, membership=requests[0], approve=False
        )


def test_the_last_owner_cannot_leave(member, other_member):
    group = make_group(owner=member)
    with pytest.raises(ValidationError, match="only owner"):
        group_services.group_leave(member=member, group=group)
    join(group, other_member, role="owner")
    group_services.group_leave(member=member, group=group)
    assert not GroupMembership.objects.filter(member=member).exists()


def test_only_site_moderators_start_groups(member, moderator):
    with pytest.raises(PermissionDenied):
        group_services.group_create(creator=member, name="Rustaceans")
    group = group_services.group_create(
        creator=moderator, name="Rustaceans", visibility="private"
    )
    assert group.slug == "rustaceans" and group.is_private
    owner = GroupMembership.objects.get(group=group)
    assert (owner.member, owner.role, owner.status) == (moderator, "owner", "active")
    with pytest.raises(ValidationError) as error:
        group_services.group_create(creator=moderator, name="Rustaceans")
    assert "name" in error.value.message_dict


def test_group_boards_take_posts_from_members_only(member, other_member, moderator):
    group = make_group(owner=member, name="Open group")
    board = make_board(name="Open board", slug="open-board", group=group)
    topic = services.topic_create(
        author=member, board=board, title="Hello members", body="Hi"
    )
    with pytest.raises(PermissionDenied, match="join the group"):
        services.post_reply(author=other_member, topic=topic, body="Me too")
    with pytest.raises(PermissionDenied, match="join the group"):
        services.topic_create(
            author=other_member, board=board, title="Can I post?", body="x"
        )
    services.post_reply(author=moderator, topic=topic, body="Moderators may.")
    group_services.group_join(member=other_member, group=group)
    services.post_reply(author=other_member, topic=topic, body="Now I can.")
    assert topic.posts.count() == 3


def test_a_board_belongs_to_a_course_or_a_group_not_both(private_group):
    from tests.courses.conftest import make_catalogue, make_course

    course = make_course(make_catalogue())
    board = Board(name="Both", slug="both", course=course, group=private_group)
    with pytest.raises(ValidationError) as error:
        board.full_clean()
    assert "group" in error.value.message_dict


# Visibility: selectors ------------------------------------------------------------


def test_selectors_hide_private_groups_from_outsiders(
    member, other_member, moderator, private_group
):
    public = make_group(owner=other_member, name="Open")
    public_board = make_board(name="Open", slug="open", group=public)
    make_topic(board=public_board, title="Public group topic")
    general = make_topic(title="General topic")
    private_topic = Topic.objects.get(board__group=private_group)
    pending = make_user()
    join(private_group, pending, status="pending")

    def seen(viewer):
        return (
            set(selectors.visible_boards(viewer).values_list("slug", flat=True)),
            set(selectors.topics_visible_to(viewer).values_list("pk", flat=True)),
            set(selectors.posts_visible_to(viewer).values_list("topic_id", flat=True)),
        )

    for outsider in (AnonymousUser(), other_member, pending):
        boards, topics, post_topics = seen(outsider)
        assert "owls" not in boards and "open" in boards
        assert private_topic.pk not in topics and general.pk in topics
        assert private_topic.pk not in post_topics
    for insider in (member, moderator):
        boards, topics, post_topics = seen(insider)
        assert "owls" in boards and private_topic.pk in topics
        assert private_topic.pk in post_topics


def test_posts_visible_to_leaves_out_removed_posts_and_hidden_topics(member):
    topic = make_topic()
    kept = make_post(topic=topic)
    make_post(topic=topic, is_deleted=True)
    make_post(topic=topic, is_hidden=True)
    hidden_topic = make_topic(is_hidden=True)
    posts = set(selectors.posts_visible_to(member).values_list("pk", flat=True))
    assert kept.pk in posts
    assert topic.posts.get(number=1).pk in posts
    assert len(posts) == 2
    assert not hidden_topic.posts.filter(pk__in=posts).exists()


# Visibility: every page --------------------------------------------------------


def _private_urls(private_group):
    board = Board.objects.get(group=private_group)
    topic = Topic.objects.get(board=board)
    post = topic.posts.get()
    return {
        "board": board.get_absolute_url(),
        "new topic": reverse("forum:topic_create", args=[board.slug]),
        "board gallery": reverse("forum:board_gallery", args=[board.slug]),
        "group gallery": reverse("forum:group_gallery", args=[private_group.slug]),
        "topic": topic.get_absolute_url(),
        "permalink": reverse("forum:post", args=[post.pk]),
        "history": reverse("forum:post_history", args=[post.pk]),
        "edit": reverse("forum:post_edit", args=[post.pk]),
        "report": reverse("forum:post_report", args=[post.pk]),
    }


def test_private_pages_answer_404_to_outsiders(client, other_member, private_group):
    urls = _private_urls(private_group)
    client.force_login(other_member)
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name
    client.logout()
    for name, url in urls.items():
        if name not in ("new topic", "edit", "report"):  # those need a login first
            assert client.get(url).status_code == 404, name


def test_private_pages_open_to_members(client, member, private_group):
    client.force_login(member)
    for name, url in _private_urls(private_group).items():
        expected = 302 if name == "permalink" else 200  # to its place in the topic
        assert client.get(url).status_code == expected, name


def test_outsiders_cannot_write_into_a_private_group(
    client, other_member, private_group
):
    topic = Topic.objects.get(board__group=private_group)
    post = topic.posts.get()
    client.force_login(other_member)
    for url, data in (
        (reverse("forum:reply", args=[topic.pk]), {"body": "Let me in"}),
        (reverse("forum:react", args=[post.pk]), {"kind": "like"}),
        (reverse("forum:topic_follow", args=[topic.pk]), {}),
        (reverse("forum:topic_read", args=[topic.pk]), {"number": "1"}),
        (reverse("forum:post_report", args=[post.pk]), {"reason": "spam"}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert topic.posts.count() == 1
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(member=other_member, post=post, kind="like")
    with pytest.raises(PermissionDenied):
        moderation_services.post_report(reporter=other_member, post=post, reason="spam")
    assert not Report.objects.exists()


def test_board_list_and_member_pages_leave_private_boards_out(
    client, member, other_member, private_group
):
    client.force_login(other_member)
    page = client.get(reverse("forum:boards")).content.decode()
    assert "Owls board" not in page
    profile = client.get(reverse("forum:member", args=[member.username]))
    assert "Secret plans" not in profile.content.decode()
    assert "Night Owls" not in profile.content.decode()
    client.force_login(member)
    assert "Owls board" in client.get(reverse("forum:boards")).content.decode()
    profile = client.get(reverse("forum:member", args=[member.username]))
    assert "Secret plans" in profile.content.decode()


def test_private_group_page_shows_no_members_or_boards_to_outsiders(
    client, member, other_member, private_group
):
    url = private_group.get_absolute_url()
    client.force_login(other_member)
    page = client.get(url).content.decode()
    assert "Night Owls" in page  # the group itself can be found, to ask to join
    assert 'data-testid="private-notice"' in page
    assert member.name not in page and "Owls board" not in page
    assert 'data-testid="join-request-form"' in page
    client.force_login(member)
    page = client.get(url).content.decode()
    assert member.name in page and "Owls board" in page


def test_the_moderation_queue_lists_private_reports_for_site_moderators(
    member, moderator, client, private_group
):
    topic = Topic.objects.get(board__group=private_group)
    insider = make_user()
    join(private_group, insider)
    post = make_post(topic=topic, author=insider, body_markdown="Private spam")
    moderation_services.post_report(reporter=member, post=post, reason="spam")
    client.force_login(moderator)
    assert "Private spam" in client.get(reverse("forum:moderation")).content.decode()


def test_join_request_and_approval_through_the_pages(
    client, member, other_member, private_group
):
    client.force_login(other_member)
    response = client.post(
        reverse("forum:group_join", args=[private_group.slug]),
        {"message": "Owl since 2019"},
    )
    assert response.status_code == 302
    membership = GroupMembership.objects.get(member=other_member)
    assert membership.status == Status.PENDING
    page = client.get(private_group.get_absolute_url()).content.decode()
    assert 'data-testid="request-pending"' in page
    decide = reverse(
        "forum:membership_decide",
        args=[private_group.slug, membership.pk, "approve"],
    )
    assert client.post(decide).status_code == 403  # not theirs to approve
    client.force_login(member)
    page = client.get(private_group.get_absolute_url()).content.decode()
    assert "Owl since 2019" in page and decide in page
    client.post(decide)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    client.force_login(other_member)
    board = Board.objects.get(group=private_group)
    assert client.get(board.get_absolute_url()).status_code == 200


def test_group_index_lists_groups_with_member_counts(client, member, private_group):
    make_group(owner=member, name="Open Readers")
    page = client.get(reverse("forum:groups")).content.decode()
    assert "Night Owls" in page and "Open Readers" in page
    assert "1 member" in page


def test_group_page_lists_upcoming_events_of_its_courses(client, member):
    from datetime import timedelta

    from django.utils import timezone

    from tests.courses.conftest import make_course, make_event

    course = make_course()
    group = make_group(owner=member, name="Study crew")
    group.courses.add(course)
    now = timezone.now()
    make_event(
        title="Past meetup",
        course=course,
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3, hours=-1),
    )
    make_event(title="Live Q&A session", course=course)
    make_event(title="Another course's event", course=make_course())
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Live Q&amp;A session" in page
    assert "Past meetup" not in page and "Another course" not in page


def test_leaving_a_private_group_closes_its_boards_again(client, other_member, member):
    group = make_group(owner=member, visibility="private")
    board = make_board(name="Closed", slug="closed", group=group)
    join(group, other_member)
    client.force_login(other_member)
    assert client.get(board.get_absolute_url()).status_code == 200
    group_services.group_leave(member=other_member, group=group)
    assert client.get(board.get_absolute_url()).status_code == 404
    assert not Post.objects.filter(topic__board=board).exists()
