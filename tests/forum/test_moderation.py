import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activity.models import Activity
from forum import moderation_services, services
from forum.models import ModerationAction, Post, Report, Topic

from .conftest import make_post, make_topic, make_user

pytestmark = pytest.mark.django_db

Action = ModerationAction.Action


def test_reporting_a_post_records_flagged_once(member, other_member):
    post = make_topic(author=other_member).posts.get()
    report = moderation_services.post_report(
        reporter=member, post=post, reason="spam", details="Links to a casino"
    )
    assert report.status == Report.Status.OPEN
    [flagged] = Activity.objects.filter(verb="flagged")
    assert (flagged.actor, flagged.object_type, flagged.object_id) == (
        member,
        "post",
        str(post.pk),
    )
    assert flagged.context["reason"] == "spam"
    assert flagged.idempotency_key == f"flagged:post:{post.pk}:{member.pk}"
    with pytest.raises(ValidationError, match="already reported"):
        moderation_services.post_report(reporter=member, post=post, reason="abuse")
    assert Report.objects.count() == 1
    assert Activity.objects.filter(verb="flagged").count() == 1


def test_no_reporting_your_own_post(member):
    post = make_topic(author=member).posts.get()
    with pytest.raises(ValidationError):
        moderation_services.post_report(reporter=member, post=post, reason="spam")
    assert not Report.objects.exists() and not Activity.objects.exists()


def test_hiding_a_post_resolves_its_reports_and_is_audited(moderator, member):
    topic = make_topic()
    post = make_post(topic=topic)
    Topic.objects.filter(pk=topic.pk).update(reply_count=1)
    moderation_services.post_report(reporter=member, post=post, reason="abuse")
    moderation_services.post_hide(moderator=moderator, post=post, note="Insults")
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.is_hidden and topic.reply_count == 0
    assert not Report.objects.open().exists()
    actions = list(
        ModerationAction.objects.order_by("pk").values_list("action", "moderator")
    )
    assert actions == [
        (Action.HIDE_POST, moderator.pk),
        (Action.RESOLVE_REPORT, moderator.pk),
    ]
    moderation_services.post_restore(moderator=moderator, post=post)
    post.refresh_from_db()
    topic.refresh_from_db()
    assert not post.is_hidden and topic.reply_count == 1
    assert ModerationAction.objects.filter(action=Action.RESTORE_POST).count() == 1
    # Hiding records no activity (the vocabulary has no verb for it).
    assert set(Activity.objects.values_list("verb", flat=True)) == {"flagged"}


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("lock", "is_locked", True),
        ("pin", "is_pinned", True),
        ("hide", "is_hidden", True),
    ],
)
def test_topic_actions_change_the_topic_and_are_audited(
    moderator, action, field, value
):
    topic = make_topic()
    moderation_services.topic_moderate(moderator=moderator, topic=topic, action=action)
    topic.refresh_from_db()
    assert getattr(topic, field) is value
    assert ModerationAction.objects.get().topic == topic


def test_members_cannot_use_moderator_services(member):
    topic = make_topic()
    post = topic.posts.get()
    with pytest.raises(PermissionDenied):
        moderation_services.post_hide(moderator=member, post=post)
    with pytest.raises(PermissionDenied):
        moderation_services.topic_moderate(moderator=member, topic=topic, action="lock")
    topic.refresh_from_db()
    assert not topic.is_locked and not Post.objects.filter(is_hidden=True).exists()
    assert not ModerationAction.objects.exists()


def test_moderators_acting_on_others_posts_are_audited(moderator, member, other_member):
    topic = make_topic(author=member, kind=Topic.Kind.QUESTION)
    answer = services.post_reply(author=other_member, topic=topic, body="An answer")
    services.post_edit(editor=moderator, post=answer, body="An answer (tidied)")
    services.answer_accept(actor=moderator, post=answer)
    services.post_delete(actor=moderator, post=answer)
    assert list(
        ModerationAction.objects.order_by("pk").values_list("action", flat=True)
    ) == [
        Action.EDIT_POST,
        Action.ACCEPT_ANSWER,
        Action.DELETE_POST,
    ]


def test_authors_acting_on_their_own_posts_are_not_moderation(member):
    topic = make_topic(author=member)
    services.post_edit(editor=member, post=topic.posts.get(), body="Better words")
    assert not ModerationAction.objects.exists()


def test_the_queue_is_for_moderators_and_staff_only(client, member, moderator):
    url = reverse("forum:moderation")
    assert client.get(url).status_code == 302  # visitors log in first
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    staff = make_user(is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_members_get_403_on_moderation_buttons(client, member):
    topic = make_topic()
    post = topic.posts.get()
    client.force_login(member)
    hide = reverse("forum:post_moderate", args=[post.pk, "hide"])
    lock = reverse("forum:topic_moderate", args=[topic.pk, "lock"])
    assert client.post(hide).status_code == 403
    assert client.post(lock).status_code == 403
    post.refresh_from_db()
    topic.refresh_from_db()
    assert not post.is_hidden and not topic.is_locked


def test_report_then_hide_from_the_queue(client, member, other_member, moderator):
    topic = make_topic(author=other_member, body="Buy cheap pills here")
    post = topic.posts.get()
    client.force_login(member)
    response = client.post(
        reverse("forum:post_report", args=[post.pk]), {"reason": "spam", "details": ""}
    )
    assert response.status_code == 302
    client.force_login(moderator)
    queue = client.get(reverse("forum:moderation")).content.decode()
    assert "Spam or advertising" in queue and "Buy cheap pills here" in queue
    client.post(
        reverse("forum:post_moderate", args=[post.pk, "hide"]),
        {"next": reverse("forum:moderation")},
    )
    post.refresh_from_db()
    assert post.is_hidden
    queue = client.get(reverse("forum:moderation")).content.decode()
    assert "No open reports" in queue and "Hid a post" in queue
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "hidden by a moderator" in page and "cheap pills" not in page


def test_report_form_needs_a_reason(client, member, other_member):
    post = make_topic(author=other_member).posts.get()
    client.force_login(member)
    response = client.post(
        reverse("forum:post_report", args=[post.pk]), {"details": "Not sure why"}
    )
    assert response.status_code == 400
    assert "Choose the reason" in response.content.decode()
    assert "Not sure why" in response.content.decode()
    assert not Report.objects.exists()


def test_queue_queries_do_not_grow_with_reports(
    client, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)
    client.get("/")

    def add_reports(n):
        for _ in range(n):
            post = make_post(topic=make_topic())
            moderation_services.post_report(
                reporter=make_user(), post=post, reason="spam"
            )
            moderation_services.post_hide(
                moderator=moderator, post=make_post(topic=post.topic)
            )

    add_reports(2)
    # 4 of the forum's own; the rest is every signed-in page's (session,
    # member, permissions, Wagtail's user bar, site settings, the bell).
    with django_assert_max_num_queries(13) as small:
        client.get(reverse("forum:moderation"))
    add_reports(15)
    with django_assert_max_num_queries(13) as large:
        client.get(reverse("forum:moderation"))
    assert len(large.captured_queries) == len(small.captured_queries)
