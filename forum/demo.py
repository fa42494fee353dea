"""Demo boards and conversations (seed_demo composes this with the others).

Deterministic and idempotent: boards are found by slug and topics by board and
title, so running it again creates nothing new. Everything is written through
the services, so the demo's activity log (and the points it pays) is real."""

from dataclasses import dataclass, field

from django.db import transaction

from . import moderation_services, services
from .models import Board, Report, Topic

BOARDS = (
    (
        "general",
        "General",
        "Introduce yourself, share what you are learning, talk shop.",
        "- Be kind: everyone here was a beginner once.\n"
        "- Keep it about learning; no advertising.\n"
        "- Use **Q&A** for questions that have an answer.",
    ),
    (
        "questions",
        "Q&A",
        "Stuck on something? Ask here, and accept the answer that helped.",
        "- Search first: your question may be answered already.\n"
        "- Show what you tried, with the code in a code block.\n"
        "- Accept the answer that solved it, so the next person finds it.",
    ),
    (
        "showcase",
        "Project showcase",
        "Show what you built and ask for feedback.",
        "- Say what kind of feedback you want.\n- Critique the work, not the person.",
    ),
)


@dataclass(frozen=True)
class Reply:
    author: int  # index into the members list
    body: str
    reactions: tuple[tuple[int, str], ...] = ()  # (member index, kind)


@dataclass(frozen=True)
class TopicSpec:
    board: str
    title: str
    kind: str
    author: int
    body: str
    replies: tuple[Reply, ...] = ()
    accepted: int | None = None  # index into replies
    pinned: bool = False
    reported: int | None = None  # index into replies, reported by the asker
    opening_reactions: tuple[tuple[int, str], ...] = field(default=())


TOPICS = (
    TopicSpec(
        board="general",
        title="Welcome to the Lyceum community — start here",
        kind=Topic.Kind.DISCUSSION,
        author=0,
        pinned=True,
        body=(
            "Hello and welcome! This is the place to **learn together**.\n\n"
            "- Ask questions in **Q&A** and accept the answer that helped you.\n"
            "- Show your work in the **Project showcase**.\n"
            "- Each course has its own board for course-specific chat.\n\n"
            "Say hi below: what are you learning this month?"
        ),
        replies=(
            Reply(
                1,
                "Hi all! I'm working through the data analysis course, "
                "mostly in the evenings after work.",
                ((0, "like"),),
            ),
            Reply(
                2,
                "Hello from Nairobi 👋 Learning Python so I can automate the "
                "reports I build by hand every Monday.",
                ((1, "like"), (0, "like")),
            ),
        ),
    ),
    TopicSpec(
        board="questions",
        title="Why does my list comprehension return a list of None?",
        kind=Topic.Kind.QUESTION,
        author=1,
        body=(
            "I wanted to print the squares and keep them, so I wrote:\n\n"
            "```python\nsquares = [print(n * n) for n in range(4)]\n```\n\n"
            "The numbers are printed, but `squares` is `[None, None, None, None]`. "
            "What am I missing?"
        ),
        replies=(
            Reply(
                3,
                "Have you tried restarting the kernel? Sometimes the notebook "
                "keeps old values.",
            ),
            Reply(
                2,
                "`print` *shows* a value and then returns `None`, so the "
                "comprehension collects those `None`s. Build the list first, "
                "then print it:\n\n"
                "```python\nsquares = [n * n for n in range(4)]\nprint(squares)  "
                "# [0, 1, 4, 9]\n```\n\n"
                "Rule of thumb: a comprehension is for *making* values, a `for` "
                "loop is for *doing* things.",
                ((1, "helpful"), (3, "like"), (0, "helpful")),
            ),
            Reply(1, "That's it — thank you! The rule of thumb helps a lot."),
        ),
        accepted=1,
    ),
    TopicSpec(
        board="questions",
        title="How do I read a CSV file with a semicolon separator in pandas?",
        kind=Topic.Kind.QUESTION,
        author=3,
        body=(
            "My bank exports CSV files like `date;amount;description`, and "
            "`pd.read_csv` puts everything in one column. Is there an option?"
        ),
        replies=(
            Reply(
                0,
                "Yes, pass `sep`:\n\n```python\nimport pandas as pd\n\n"
                'df = pd.read_csv("statement.csv", sep=";", decimal=",")\n```\n\n'
                '`decimal=","` helps too if amounts look like `12,50`.',
                ((3, "helpful"),),
            ),
            Reply(2, "Buy cheap followers at example.com!!!"),
        ),
        reported=1,
    ),
    TopicSpec(
        board="showcase",
        title="My first project: a weather dashboard for my allotment",
        kind=Topic.Kind.PROJECT,
        author=2,
        body=(
            "I built a small dashboard that pulls the daily forecast and tells me "
            "whether to water the allotment.\n\n"
            "**Built with:** Python, pandas, matplotlib.\n\n"
            "**Feedback wanted:** is the chart readable on a phone?"
        ),
        replies=(
            Reply(
                0,
                "Lovely idea! On a phone the legend covers the last days; try "
                '`ax.legend(loc="upper left")` or move it below the chart.',
                ((2, "helpful"),),
            ),
        ),
        opening_reactions=((0, "like"), (1, "like"), (3, "like")),
    ),
)


def _course_topic(board: Board, course) -> TopicSpec:
    return TopicSpec(
        board=board.slug,
        title=f"{course.title}: introduce yourself and find a study buddy",
        kind=Topic.Kind.DISCUSSION,
        author=0,
        pinned=True,
        body=(
            f"Welcome to the discussion board for **{course.title}**.\n\n"
            "Tell us where you are in the course and when you usually study; "
            "others with the same rhythm can join you."
        ),
        replies=(
            Reply(
                1,
                "Module 1 done, studying on weekday mornings before work.",
                ((2, "like"),),
            ),
            Reply(3, "Just starting! Saturdays are my study days."),
        ),
    )


def _board(slug: str, name: str, description: str, rules: str, **extra) -> Board:
    board, _created = Board.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "description": description, "rules": rules, **extra},
    )
    return board


def _react(members, post, reactions) -> None:
    for index, kind in reactions:
        member = members[index % len(members)]
        if member.pk != post.author_id:
            services.reaction_toggle(member=member, post=post, kind=kind)


def _topic(members, boards: dict[str, Board], spec: TopicSpec) -> Topic:
    board = boards[spec.board]
    existing = Topic.objects.filter(board=board, title=spec.title).first()
    if existing is not None:
        return existing
    asker = members[spec.author % len(members)]
    topic = services.topic_create(
        author=asker, board=board, title=spec.title, body=spec.body, kind=spec.kind
    )
    _react(members, topic.posts.get(number=1), spec.opening_reactions)
    posts = []
    for reply in spec.replies:
        post = services.post_reply(
            author=members[reply.author % len(members)], topic=topic, body=reply.body
        )
        _react(members, post, reply.reactions)
        posts.append(post)
    if spec.accepted is not None:
        services.answer_accept(actor=asker, post=posts[spec.accepted])
    if spec.reported is not None:
        post = posts[spec.reported]
        if post.author_id != asker.pk:
            moderation_services.post_report(
                reporter=asker,
                post=post,
                reason=Report.Reason.SPAM,
                details="Advertising, nothing to do with the question.",
            )
    if spec.pinned:
        Topic.objects.filter(pk=topic.pk).update(is_pinned=True)
    topic.refresh_from_db()
    return topic


@transaction.atomic
def seed_forum(*, members, courses) -> dict:
    """Create the demo boards (General, Q&A, Project showcase, and one board for
    each of the first two courses) and their conversations, once.
    `members` needs at least two members; returns {"boards", "topics"}."""
    members = list(members)
    if len(members) < 2:
        raise ValueError("The forum demo needs at least two members.")
    boards = {}
    for position, (slug, name, description, rules) in enumerate(BOARDS, start=1):
        boards[slug] = _board(slug, name, description, rules, position=position)
    specs = list(TOPICS)
    for position, course in enumerate(list(courses)[:2], start=len(BOARDS) + 1):
        board = _board(
            f"course-{course.slug}"[:80],
            course.title[:80],
            f"Questions and chat for the course “{course.title}”.",
            "- Mark spoilers for graded exercises.\n- Be patient with beginners.",
            course=course,
            position=position,
        )
        boards[board.slug] = board
        specs.append(_course_topic(board, course))
    topics = [_topic(members, boards, spec) for spec in specs]
    return {"boards": list(boards.values()), "topics": topics}
