import re

import pytest
from django.urls import reverse

from forum import reading_services, services
from forum.models import Post, Reaction, Topic

from .conftest import make_board, make_post, make_topic, make_user

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_board_list_shows_boards_and_counts(client, board):
    make_topic(board=board)
    make_board(name="Old", slug="old", is_archived=True)
    response = client.get(reverse("forum:boards"))
    assert response.status_code == 200
    page = html(response)
    assert "General" in page and "1 topic" in page
    assert "Archived boards" in page


def test_board_page_lists_pinned_first_and_filters_by_kind(client, board):
    make_topic(board=board, title="A question here", kind=Topic.Kind.QUESTION)
    make_topic(board=board, title="Read me first", is_pinned=True)
    page = html(client.get(board.get_absolute_url()))
    assert page.index("Read me first") < page.index("A question here")
    filtered = html(client.get(board.get_absolute_url() + "?kind=question"))
    assert "A question here" in filtered and "Read me first" not in filtered


def test_board_page_queries_do_not_grow_with_topics(
    client, board, member, django_assert_max_num_queries
):
    client.force_login(member)
    for _ in range(3):
        make_topic(board=board)
    client.get("/")  # site settings rows are created on the first request
    with django_assert_max_num_queries(10) as small:
        client.get(board.get_absolute_url())
    for n in range(30):
        topic = make_topic(board=board)
        make_post(topic=topic)
        if n % 3 == 0:  # read states, unread counts and "new" marks
            reading_services.topic_mark_read(member=member, topic=topic, number=1)
    reading_services.follow_set(member=member, board=board, follow=True)
    with django_assert_max_num_queries(10) as large:
        response = client.get(board.get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)
    assert 'rel="next"' in html(response)  # 33 topics: two pages
    assert 'data-testid="topic-unread"' in html(response)
    assert_no_writes(large)


def test_topic_page_queries_do_not_grow_with_posts_or_reactions(
    client, member, django_assert_max_num_queries
):
    client.force_login(member)
    topic = make_topic(kind=Topic.Kind.QUESTION)
    answer = make_post(topic=topic)
    services.answer_accept(actor=topic.author, post=answer)
    client.get("/")  # site settings rows are created on the first request
    with django_assert_max_num_queries(12) as small:
        client.get(topic.get_absolute_url())
    for n in range(40):
        post = make_post(topic=topic, parent=answer if n % 2 else None)
        for _ in range(2):
            Reaction.objects.create(post=post, member=make_user(), kind="like")
    reading_services.topic_mark_read(member=member, topic=topic, number=5)
    with django_assert_max_num_queries(12) as large:
        response = client.get(topic.get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)
    assert response.content.decode().count('data-testid="post"') == 20 + 1
    assert 'data-testid="post-new"' in response.content.decode()
    # A plain read writes nothing (no view counters, no session touches, no
    # read position: the page sends that as a separate POST).
    assert_no_writes(large)


def assert_no_writes(queries) -> None:
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


@pytest.mark.usefixtures("media_root")
def test_project_topic_with_a_poll_keeps_a_constant_query_count(
    client, member, board, django_assert_max_num_queries
):
    from forum.poll_services import PollDraft, poll_attach, poll_vote
    from forum.project_services import ProjectDraft
    from tests.courses.conftest import make_skill

    from .conftest import upload

    client.force_login(member)
    skills = [make_skill(name=f"Skill {n}") for n in range(3)]
    topic = services.topic_create(
        author=make_user(),
        board=board,
        title="A showcase with a poll",
        body="Which colour scheme reads best?",
        kind=Topic.Kind.PROJECT,
        project=ProjectDraft(images=[upload()], skill_ids=[skills[0].pk]),
    )
    poll = poll_attach(
        topic=topic,
        draft=PollDraft(question="Which scheme?", options=["Light", "Dark"]),
        actor=topic.author,
    )
    client.get("/")  # site settings rows are created on the first request
    with django_assert_max_num_queries(14) as small:
        client.get(topic.get_absolute_url())
    project = topic.project
    for n in range(4):
        project.images.create(
            image=project.images.first().image.name,
            thumbnail=project.images.first().thumbnail.name,
            width=640,
            height=480,
            position=n + 1,
        )
    project.skills.add(*skills)
    dark = poll.options.get(label="Dark")
    for _ in range(5):
        voter = make_user()
        poll_vote(member=voter, poll=poll, option_ids=[dark.pk])
        services.post_reply(author=voter, topic=topic, body=f"@{member.username} +1")
    poll_vote(member=member, poll=poll, option_ids=[dark.pk])
    with django_assert_max_num_queries(14) as large:
        response = client.get(topic.get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)
    page = html(response)
    assert page.count("<img ") >= 5 and "100% · 6" in page
    assert_no_writes(large)


def test_the_accepted_answer_comes_first_with_a_marker(client, member, other_member):
    topic = make_topic(author=member, kind=Topic.Kind.QUESTION)
    make_post(topic=topic, body_markdown="First guess: restart it.")
    answer = make_post(
        topic=topic,
        author=other_member,
        body_markdown="Set `DEBUG = False` in production.",
    )
    services.answer_accept(actor=member, post=answer)
    page = html(client.get(topic.get_absolute_url()))
    accepted_at = page.index('data-testid="accepted-answer"')
    assert accepted_at < page.index("The opening post.")
    assert accepted_at < page.index("Set <code>DEBUG")
    assert "Accepted answer" in page


def test_reply_form_posts_a_reply(client, member):
    topic = make_topic()
    client.force_login(member)
    response = client.post(
        reverse("forum:reply", args=[topic.pk]), {"body": "Try `pip check`."}
    )
    reply = topic.posts.get(number=2)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{reply.number}")
    assert "<code>pip check</code>" in reply.body_html


def test_a_bad_reply_shows_the_error_and_keeps_the_text(client, member):
    topic = make_topic()
    client.force_login(member)
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "  "})
    assert response.status_code == 400
    assert "Write a message first." in html(response)
    long_text = "word " * 4001
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": long_text})
    assert response.status_code == 400
    assert "Shorten the message" in html(response)
    assert long_text.strip() in html(response)
    assert topic.posts.count() == 1


def test_new_topic_errors_sit_by_their_fields_and_keep_the_text(client, member, board):
    client.force_login(member)
    url = reverse("forum:topic_create", args=[board.slug])
    response = client.post(url, {"title": "", "kind": "question", "body": "My text"})
    assert response.status_code == 400
    page = html(response)
    assert re.search(r'data-field="title".*?Give your topic a title', page, re.S)
    assert "My text" in page
    assert not Topic.objects.exists()
    response = client.post(
        url, {"title": "Why is my loop slow?", "kind": "question", "body": "Code…"}
    )
    topic = Topic.objects.get()
    assert response["Location"] == topic.get_absolute_url()
    assert topic.kind == "question"


def test_visitors_are_sent_to_log_in_before_writing(client):
    topic = make_topic()
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert topic.posts.count() == 1


def test_a_member_cannot_edit_someone_elses_post_by_posting(
    client, member, other_member
):
    topic = make_topic(author=other_member, body="Original")
    post = topic.posts.get()
    client.force_login(member)
    page = html(client.get(topic.get_absolute_url()))
    assert reverse("forum:post_edit", args=[post.pk]) not in page
    response = client.post(
        reverse("forum:post_edit", args=[post.pk]), {"body": "Hacked"}
    )
    assert response.status_code == 403
    response = client.post(reverse("forum:post_delete", args=[post.pk]))
    assert response.status_code == 403
    post.refresh_from_db()
    assert (post.body_markdown, post.is_deleted) == ("Original", False)


def test_the_author_edits_through_the_form(client, member):
    topic = make_topic(author=member, body="Teh typo")
    post = topic.posts.get()
    client.force_login(member)
    assert reverse("forum:post_edit", args=[post.pk]) in html(
        client.get(topic.get_absolute_url())
    )
    response = client.post(
        reverse("forum:post_edit", args=[post.pk]), {"body": "The fix"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body_markdown == "The fix" and post.revisions.count() == 1


def test_only_the_asker_gets_accept_buttons_and_others_are_refused(
    client, member, other_member
):
    topic = make_topic(author=member, kind=Topic.Kind.QUESTION)
    answer = make_post(topic=topic, author=other_member)
    accept_url = reverse("forum:answer_accept", args=[answer.pk])
    client.force_login(other_member)
    assert accept_url not in html(client.get(topic.get_absolute_url()))
    assert client.post(accept_url).status_code == 403
    client.force_login(member)
    assert accept_url in html(client.get(topic.get_absolute_url()))
    client.post(accept_url)
    topic.refresh_from_db()
    assert topic.accepted_post == answer


def test_reacting_through_the_button(client, member, other_member):
    post = make_topic(author=other_member).posts.get()
    client.force_login(member)
    client.post(reverse("forum:react", args=[post.pk]), {"kind": "helpful"})
    assert Reaction.objects.filter(post=post, member=member, kind="helpful").exists()
    page = html(client.get(post.topic.get_absolute_url()))
    assert 'aria-pressed="true"' in page


def test_no_reaction_buttons_on_your_own_post(client, member):
    post = make_topic(author=member).posts.get()
    client.force_login(member)
    assert reverse("forum:react", args=[post.pk]) not in html(
        client.get(post.topic.get_absolute_url())
    )
    response = client.post(reverse("forum:react", args=[post.pk]), {"kind": "like"})
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_hidden_topics_are_for_moderators_only(client, member, moderator):
    topic = make_topic(is_hidden=True)
    client.force_login(member)
    assert client.get(topic.get_absolute_url()).status_code == 404
    client.force_login(moderator)
    assert client.get(topic.get_absolute_url()).status_code == 200


def test_locked_topic_has_no_reply_form_and_refuses_replies(client, member):
    topic = make_topic(is_locked=True)
    client.force_login(member)
    page = html(client.get(topic.get_absolute_url()))
    assert 'data-testid="reply-form"' not in page and "locked" in page
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Hi"})
    assert response.status_code == 400
    assert "locked" in html(response)
    assert topic.posts.count() == 1


def test_deleted_posts_keep_their_place_without_their_text(client, member):
    topic = make_topic()
    reply = make_post(topic=topic, author=member, body_markdown="Regrettable")
    Post.objects.filter(pk=reply.pk).update(is_deleted=True)
    page = html(client.get(topic.get_absolute_url()))
    assert "This post was deleted." in page and "Regrettable" not in page


def test_edit_history_lists_the_earlier_text(client, member):
    topic = make_topic(author=member, body="First version")
    post = topic.posts.get()
    services.post_edit(editor=member, post=post, body="Second version")
    page = html(client.get(topic.get_absolute_url()))
    history_url = reverse("forum:post_history", args=[post.pk])
    assert history_url in page
    history = html(client.get(history_url))
    assert "First version" in history and "Second version" in history
