"""The help box and "ask before you post": what is found, and what never is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.services import enrollment_create
from forum import services as forum_services
from tests.courses.conftest import make_course, make_lesson, make_module, paragraph
from tests.forum.conftest import make_board, make_post, make_topic, make_user
from website.help import help_index, help_search

from .conftest import make_article

pytestmark = pytest.mark.django_db

CSV_ANSWER = "Pass sep=';' to pandas read_csv and the semicolon columns split."


def answered_question(*, title, body, answer=CSV_ANSWER, board=None, author=None):
    topic = make_topic(
        title=title,
        body=body,
        kind="question",
        board=board or make_board(),
        author=author or make_user(),
    )
    reply = make_post(topic=topic, body_markdown=answer)
    forum_services.answer_accept(actor=topic.author, post=reply)
    topic.refresh_from_db()
    return topic


def titles(results):
    return [result.title for result in results]


@pytest.fixture
def csv_question():
    return answered_question(
        title="How do I read a CSV file with semicolons in pandas?",
        body="My bank exports date;amount and everything lands in one column.",
    )


@pytest.fixture
def course_lessons():
    """A public course: its first lesson is the free preview, the second is
    for enrolled learners only."""
    course = make_course(title="Statistics Essentials", summary="Averages and spread.")
    module = make_module(course)
    preview = make_lesson(
        module,
        title="Mean and median",
        summary="Two kinds of average.",
        body=[paragraph("<p>The median ignores one huge outlier value.</p>")],
    )
    members_only = make_lesson(
        module,
        title="How spread out is it?",
        summary="Measuring variation.",
        body=[
            paragraph(
                "<p>The interquartile range zebracorn describes the middle half.</p>",
                id="secret",
            )
        ],
    )
    return course, preview, members_only


def test_an_answered_question_is_found_with_its_answer(csv_question):
    member = make_user()
    results = help_search(query="pandas csv semicolon separator", member=member)
    assert results[0].title == csv_question.title
    assert results[0].kind == "question"
    assert results[0].url == csv_question.get_absolute_url()
    assert "sep=" in results[0].snippet


def test_unanswered_and_hidden_questions_are_not_found(csv_question):
    make_topic(
        title="Unanswered: pandas csv semicolon trouble",
        body="Nobody has answered this pandas csv question.",
        kind="question",
    )
    member = make_user()
    help_index()  # built while the answered question is visible
    csv_question.is_hidden = True
    csv_question.save(update_fields=["is_hidden"])
    # The index is minutes old at most; each query re-checks what it shows.
    assert help_search(query="pandas csv semicolon", member=member) == []


def test_a_withdrawn_accepted_answer_takes_the_question_out(csv_question):
    member = make_user()
    assert help_search(query="pandas csv semicolon", member=member)
    # Even before the `voided` acceptance reaches the index, the query's
    # re-check leaves the question out.
    forum_services.post_delete(
        actor=csv_question.accepted_post.author, post=csv_question.accepted_post
    )
    assert help_search(query="pandas csv semicolon", member=member) == []


def test_accepting_an_answer_makes_the_question_findable_at_once(
    django_capture_on_commit_callbacks,
):
    member = make_user()
    topic = make_topic(
        title="Why is my list comprehension full of None?",
        body="squares = [print(n) for n in range(3)]",
        kind="question",
    )
    assert help_search(query="list comprehension None", member=member) == []
    reply = make_post(topic=topic, body_markdown="print returns None; drop it.")
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.answer_accept(actor=topic.author, post=reply)
    # The `accepted` activity's consumer bumped the index version.
    assert titles(help_search(query="list comprehension None", member=member)) == [
        topic.title
    ]


def test_lesson_bodies_only_for_those_who_may_read_them(course_lessons):
    course, _preview, members_only = course_lessons
    outsider = make_user()
    learner = make_user()
    enrollment_create(user=learner, course=course)
    # Words only in the members-only body: the outsider finds nothing.
    assert help_search(query="zebracorn interquartile", member=outsider) == []
    found = help_search(query="zebracorn interquartile", member=learner)
    assert titles(found) == [members_only.title]
    assert "zebracorn" in found[0].snippet or found[0].snippet == "Measuring variation."
    assert not found[0].locked
    # The title and summary are public (the lesson page shows them): matched
    # and shown to the outsider, marked locked, never with body text.
    card = help_search(query="how spread out measuring variation", member=outsider)
    assert titles(card) == [members_only.title]
    assert card[0].locked
    assert "zebracorn" not in card[0].snippet
    assert card[0].url == members_only.url


def test_the_free_preview_lesson_body_is_found_by_everyone(course_lessons):
    _course, preview, _members_only = course_lessons
    found = help_search(query="median outlier", member=None)
    assert titles(found) == [preview.title]
    assert not found[0].locked


def test_lessons_of_a_private_course_are_never_shown(course_lessons):
    course, _preview, members_only = course_lessons
    learner = make_user()
    enrollment_create(user=learner, course=course)
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    for member in (make_user(), learner, None):
        assert help_search(query="median outlier spread", member=member) == []


def test_articles_are_found_until_unpublished(article_index):
    article = make_article(
        article_index,
        title="Spaced repetition: remember more by reviewing less",
        slug="spaced-repetition",
        intro="Review just before you would forget.",
    )
    found = help_search(query="how do I remember what I learn", member=None)
    assert titles(found) == [article.title]
    article.unpublish()
    assert help_search(query="how do I remember what I learn", member=None) == []


def test_kinds_filter(csv_question, article_index):
    make_article(article_index, title="Reading CSV files with pandas")
    kinds = {
        r.kind
        for r in help_search(query="pandas csv", member=None, kinds=("question",))
    }
    assert kinds == {"question"}


def test_help_page_lists_matches_with_links(client, csv_question):
    response = client.get(reverse("help:search"), {"q": "csv file semicolons"})
    html = response.content.decode()
    assert response.status_code == 200
    assert csv_question.title in html
    assert f'href="{csv_question.get_absolute_url()}"' in html


def test_help_page_escapes_the_query(client):
    response = client.get(reverse("help:search"), {"q": "<script>alert(1)</script>"})
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_similar_fragment_and_its_query_count(client, csv_question):
    member = make_user()
    client.force_login(member)
    url = reverse("help:similar")
    client.get(url, {"q": "warm the index"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "read csv with semicolons in pandas"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment
    assert csv_question.title in html
    # session + user, enrolments, instructor courses, visible boards, the
    # re-check of the questions; nothing per result.
    assert len(queries) <= 8, [q["sql"] for q in queries.captured_queries]


def test_similar_without_javascript_posts_the_draft(client, csv_question):
    client.force_login(make_user())
    response = client.post(
        reverse("help:similar"),
        {"title": "csv semicolons", "body": "pandas puts it all in one column"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert csv_question.title in html


def test_the_new_topic_form_carries_the_suggestions_box(client):
    board = make_board()
    client.force_login(make_user())
    html = client.get(reverse("forum:topic_create", args=[board.slug])).content.decode()
    assert "data-help-similar" in html
    assert reverse("help:similar") in html
    assert "help-similar.js" in html


def test_a_private_groups_answered_question_never_reaches_a_non_member():
    from forum.models import Group, GroupMembership

    group = Group.objects.create(
        name="Night owls", slug="night-owls", visibility=Group.Visibility.PRIVATE
    )
    insider = make_user()
    GroupMembership.objects.create(group=group, member=insider)
    board = make_board(name="Owls only", group=group)
    secret = answered_question(
        title="How do I read a CSV file with semicolons in pandas?",
        body="Asked inside the private group.",
        board=board,
        author=insider,
    )
    outsider = make_user()
    for member in (None, outsider):
        assert help_search(query="pandas csv semicolons", member=member) == []
    assert titles(help_search(query="pandas csv semicolons", member=insider)) == [
        secret.title
    ]


def test_the_similar_fragment_keeps_private_questions_private(client):
    from forum.models import Group, GroupMembership

    group = Group.objects.create(
        name="Night owls", slug="night-owls", visibility=Group.Visibility.PRIVATE
    )
    insider = make_user()
    GroupMembership.objects.create(group=group, member=insider)
    secret = answered_question(
        title="Private: pandas csv semicolons",
        body="Asked inside the private group.",
        board=make_board(name="Owls only", group=group),
        author=insider,
    )
    client.force_login(make_user())
    html = client.get(
        reverse("help:similar"), {"q": "pandas csv semicolons"}
    ).content.decode()
    assert secret.title not in html
    assert secret.get_absolute_url() not in html


def test_with_a_worker_a_stale_index_answers_while_the_next_is_built(
    settings, monkeypatch, csv_question
):
    from website import help as help_module
    from website import tasks

    first = help_index()
    queued = []
    monkeypatch.setattr(tasks.rebuild_help_index, "delay", queued.append)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    help_module.help_index_invalidate()
    assert help_index() is first  # no member waits for a fit
    assert help_index() is first
    assert queued == [help_module._current_version()]  # one task, not one per query
    # The worker builds it; then the new one answers.
    tasks.rebuild_help_index(queued[0])
    assert help_index() is not first
    assert help_index().version == queued[0]
