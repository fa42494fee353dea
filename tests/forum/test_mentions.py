"""@mentions and quotes: handles found outside code and links, linked to the
member, one `mentioned` activity each, never across a private group's walls."""

import pytest
from django.urls import reverse

from activity.models import Activity
from forum import services
from forum.mentions import mention_handles, mentions_link
from forum.views import quote_markdown

from .conftest import join, make_board, make_group, make_topic, make_user

pytestmark = pytest.mark.django_db


def mentioned_ids() -> list[int]:
    return sorted(
        a.context["mentioned_id"]
        for a in Activity.objects.filter(verb="mentioned").order_by("pk")
    )


@pytest.mark.parametrize(
    ("html", "handles"),
    [
        ("<p>Thanks @ada and @Grace_H!</p>", ["ada", "Grace_H"]),
        ("<p>@ada, @ada and @ADA</p>", ["ada"]),
        ("<p>Ask @bob.</p>", ["bob"]),  # the full stop ends the sentence
        ("<p>mail ada@example.org</p>", []),
        ("<p>see /users/@ada</p>", []),
        ("<p><code>@decorator</code></p>", []),
        ('<div class="highlight"><pre><span>@property</span></pre></div>', []),
        ('<p><a href="https://x.org">@ada</a> @cleo</p>', ["cleo"]),
        ("<p>@@double and @</p>", []),
    ],
)
def test_handles_are_found_outside_code_and_links(html, handles):
    assert mention_handles(html) == handles


def test_links_are_escaped_and_only_for_known_members():
    member = make_user(username="ada")
    html = mentions_link("<p>Hi @ada and @nobody</p>", {"ada": member})
    assert '<a class="forum-mention" href="/community/u/ada/">@ada</a>' in html
    assert "@nobody</p>" in html


def test_a_reply_links_mentions_and_records_one_activity_each(member):
    ada = make_user(username="ada")
    grace = make_user(username="grace")
    topic = make_topic(author=member)
    post = services.post_reply(
        author=member,
        topic=topic,
        body="@ada and @Grace, see `@ada` in code, and @ghost. Also @ada again.",
    )
    assert 'href="/community/u/ada/">@ada</a>' in post.body_html
    assert 'href="/community/u/grace/">@grace</a>' in post.body_html
    assert "<code>@ada</code>" in post.body_html
    assert "@ghost" in post.body_html and "/u/ghost/" not in post.body_html
    assert mentioned_ids() == sorted([ada.pk, grace.pk])
    activity = Activity.objects.filter(verb="mentioned").first()
    assert (activity.actor, activity.object_type, activity.object_id) == (
        member,
        "post",
        str(post.pk),
    )
    assert activity.context["topic_id"] == topic.pk


def test_mentioning_yourself_records_nothing(member):
    topic = make_topic(author=member)
    post = services.post_reply(
        author=member, topic=topic, body=f"Note to @{member.username}"
    )
    assert f"/u/{member.username}/" in post.body_html
    assert mentioned_ids() == []


def test_an_edit_records_only_new_mentions(member):
    ada, ben = make_user(username="ada"), make_user(username="ben")
    topic = services.topic_create(
        author=member, board=make_board(), title="Study plan", body="cc @ada"
    )
    opening = topic.posts.get()
    assert mentioned_ids() == [ada.pk]
    services.post_edit(editor=member, post=opening, body="cc @ada and @ben")
    assert mentioned_ids() == sorted([ada.pk, ben.pk])


def test_no_mentions_across_a_private_group(member):
    insider = make_user(username="insider")
    outsider = make_user(username="outsider")
    pending = make_user(username="pending")
    group = make_group(owner=member, visibility="private")
    join(group, insider)
    join(group, pending, status="pending")
    board = make_board(name="Private", slug="private", group=group)
    topic = services.topic_create(
        author=member,
        board=board,
        title="Private plans",
        body="@insider @outsider @pending",
    )
    html = topic.posts.get().body_html
    assert "/u/insider/" in html
    assert "/u/outsider/" not in html and "/u/pending/" not in html
    assert mentioned_ids() == [insider.pk]
    assert outsider.pk and pending.pk


def test_a_public_groups_board_mentions_anyone(member):
    group = make_group(owner=member)
    board = make_board(name="Open", slug="open", group=group)
    anyone = make_user(username="anyone")
    services.topic_create(
        author=member, board=board, title="Open plans", body="@anyone"
    )
    assert mentioned_ids() == [anyone.pk]


def test_mention_links_lead_to_the_member_page(client, member):
    ada = make_user(username="ada", display_name="Ada L.")
    make_topic(author=ada, title="Ada's first topic")
    page = client.get(reverse("forum:member", args=["ada"]))
    assert page.status_code == 200
    assert "Ada L." in page.content.decode()
    assert "Ada&#x27;s first topic" in page.content.decode()
    assert client.get(reverse("forum:member", args=["nobody"])).status_code == 404


# Quotes --------------------------------------------------------------------------


def test_quote_markdown_attributes_and_links_the_post(member):
    ada = make_user(username="ada")
    topic = make_topic(author=member)
    post = services.post_reply(
        author=ada, topic=topic, body="Use `sep=';'`.\n\nIt works."
    )
    quoted = quote_markdown(post)
    assert quoted.startswith(f"> @ada [wrote](/community/p/{post.pk}/):\n>\n")
    assert "> Use `sep=';'`.\n>\n> It works.\n\n" in quoted


def test_the_quote_button_prefills_the_reply(client, member, other_member):
    topic = make_topic(author=other_member, body="Line one\nLine two")
    opening = topic.posts.get()
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    quote_url = f"?quote={opening.pk}#reply"
    assert quote_url in page
    page = client.get(f"{topic.get_absolute_url()}?quote={opening.pk}").content.decode()
    assert f"&gt; @{other_member.username} [wrote](/community/p/{opening.pk}/):" in page
    assert "&gt; Line one" in page
    assert f'name="parent" value="{opening.pk}"' in page
    # A post from another topic is not quoted.
    other = make_topic(body="Elsewhere").posts.get()
    page = client.get(f"{topic.get_absolute_url()}?quote={other.pk}").content.decode()
    assert "Elsewhere" not in page


def test_a_quoted_reply_renders_a_blockquote(member, other_member):
    topic = make_topic(author=other_member, body="Restart the kernel.")
    body = quote_markdown(topic.posts.get()) + "That fixed it, thanks!"
    post = services.post_reply(author=member, topic=topic, body=body)
    assert "<blockquote>" in post.body_html
    assert f"/u/{other_member.username}/" in post.body_html
