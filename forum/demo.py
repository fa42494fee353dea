"""Demo boards and conversations (seed_demo composes this with the others).

Deterministic and idempotent: boards are found by slug and topics by board and
title, so running it again creates nothing new. Everything is written through
the services, so the demo's activity log (and the points it pays) is real."""

import io
import math
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from . import (
    group_services,
    moderation_services,
    poll_services,
    reading_services,
    services,
)
from .models import (
    Board,
    Group,
    GroupMembership,
    PollBallot,
    Project,
    Report,
    Topic,
)
from .poll_services import PollDraft
from .project_services import ProjectDraft

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
class ImageSpec:
    """A picture drawn with Pillow at seed time (nothing is downloaded)."""

    heading: str
    caption: str
    top: tuple[int, int, int]
    bottom: tuple[int, int, int]
    motif: str  # "chart", "phone" or "waves"
    alt: str


@dataclass(frozen=True)
class ProjectSpec:
    images: tuple[ImageSpec, ...] = ()
    links: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()  # skill slugs; those not in the catalogue are skipped
    feedback_wanted: bool = False


@dataclass(frozen=True)
class PollSpec:
    question: str
    options: tuple[str, ...]
    votes: tuple[tuple[int, tuple[int, ...]], ...] = ()  # (member, option indexes)
    allows_multiple: bool = False


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
    project: ProjectSpec | None = None
    poll: PollSpec | None = None
    followers: tuple[int, ...] = ()  # members who follow the topic


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
            Reply(
                3,
                "Welcome both! @member1, you study in the evenings too: the "
                "**Data Science Study Circle** group meets on Tuesday nights.",
                ((1, "like"),),
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
        project=ProjectSpec(
            images=(
                ImageSpec(
                    "Allotment weather",
                    "Rain this week: 12 mm · water on Thursday",
                    (34, 94, 168),
                    (120, 190, 230),
                    "chart",
                    "A bar chart of the week's rain with a watering reminder",
                ),
                ImageSpec(
                    "On a phone",
                    "The legend moved below the chart",
                    (24, 64, 48),
                    (96, 170, 120),
                    "phone",
                    "The dashboard on a phone screen",
                ),
            ),
            links=("https://github.com/example/allotment-weather",),
            skills=("python-basics", "data-wrangling", "data-visualisation"),
            feedback_wanted=True,
        ),
        followers=(0,),
    ),
    TopicSpec(
        board="showcase",
        title="Bird-song recogniser for my balcony feeder",
        kind=Topic.Kind.PROJECT,
        author=1,
        body=(
            "A Raspberry Pi records the feeder, and a small model trained on "
            "spectrograms tells a blackbird from a robin (most of the time).\n\n"
            "Next step: fewer false alarms from the neighbour's wind chimes."
        ),
        replies=(
            Reply(
                3,
                "The spectrogram picture is beautiful. How many recordings did "
                "you label by hand?",
            ),
            Reply(1, "About 400, over two weekends. @member3 I can share the set."),
        ),
        opening_reactions=((0, "like"), (3, "like")),
        project=ProjectSpec(
            images=(
                ImageSpec(
                    "Blackbird at 6:12",
                    "Spectrogram · 2–8 kHz",
                    (40, 20, 70),
                    (200, 90, 120),
                    "waves",
                    "A spectrogram of a blackbird's song",
                ),
            ),
            links=("https://example.org/balcony-birds",),
            skills=("machine-learning-basics", "python-basics"),
        ),
    ),
    TopicSpec(
        board="general",
        title="What should our next community study night cover?",
        kind=Topic.Kind.DISCUSSION,
        author=0,
        body=(
            "We meet online once a month for two hours of working together. "
            "Vote for the next subject, or suggest another one below."
        ),
        replies=(
            Reply(2, "Anything with pandas, please: group-by still confuses me."),
        ),
        poll=PollSpec(
            question="Next study night's subject",
            options=("pandas group-by", "Git branching", "Accessibility audits"),
            votes=((1, (0,)), (2, (0,)), (3, (2,))),
        ),
        followers=(1, 3),
    ),
    TopicSpec(
        board="study-circle",
        title="Tuesday study night: week 12 plan",
        kind=Topic.Kind.DISCUSSION,
        author=0,
        body=(
            "This week: chapter 4 of the data analysis course, then we review "
            "each other's notebooks. Bring one question you got stuck on."
        ),
        replies=(Reply(1, "I'll bring my group-by question from the forum!"),),
    ),
    TopicSpec(
        board="study-circle",
        title="A study planner in a spreadsheet",
        kind=Topic.Kind.PROJECT,
        author=3,
        body=(
            "I keep my study weeks in a spreadsheet that colours the days I "
            "planned and the days I actually studied. Template linked below."
        ),
        project=ProjectSpec(
            images=(
                ImageSpec(
                    "Study weeks",
                    "Planned vs. done · 9 of 12 weeks on track",
                    (150, 80, 20),
                    (240, 190, 90),
                    "chart",
                    "A chart of planned and completed study weeks",
                ),
            ),
            links=("https://example.org/study-planner-template",),
            skills=("descriptive-statistics",),
            feedback_wanted=True,
        ),
    ),
    TopicSpec(
        board="career-lounge",
        title="From nursing to UX research: my portfolio draft",
        kind=Topic.Kind.PROJECT,
        author=2,
        body=(
            "Only for this group: the first draft of my portfolio. Be honest: "
            "does the case study show what I did, or what the team did?"
        ),
        replies=(
            Reply(0, "Strong start. Put your own decisions in the first paragraph."),
        ),
        project=ProjectSpec(
            images=(
                ImageSpec(
                    "Portfolio",
                    "Case study: a calmer discharge checklist",
                    (60, 60, 60),
                    (170, 170, 180),
                    "phone",
                    "The portfolio's home page on a phone",
                ),
            ),
            skills=("user-research", "typography"),
            feedback_wanted=True,
        ),
    ),
)


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    name: str
    description: str
    visibility: str
    owner: int
    members: tuple[int, ...]
    board: tuple[str, str, str]  # slug, name, description
    pending: tuple[tuple[int, str], ...] = ()  # (member, message)
    course: int | None = None  # index into the courses: its events are listed


GROUPS = (
    GroupSpec(
        slug="data-study-circle",
        name="Data Science Study Circle",
        description=(
            "Evening learners working through the data courses together: a "
            "study night every Tuesday, notebooks reviewed by peers."
        ),
        visibility=Group.Visibility.PUBLIC,
        owner=0,
        members=(1, 3),
        board=(
            "study-circle",
            "Study circle",
            "Plans for the Tuesday study nights, and what we learned.",
        ),
        course=0,
    ),
    GroupSpec(
        slug="career-changers",
        name="Career Changers",
        description=(
            "A private room for members moving into tech from another job: "
            "portfolios, interviews, doubts. What is said here stays here."
        ),
        visibility=Group.Visibility.PRIVATE,
        owner=2,
        members=(0,),
        board=(
            "career-lounge",
            "Career changers' lounge",
            "Portfolios, interviews and the doubts nobody posts in public.",
        ),
        pending=((1, "I'm a teacher learning web development; may I join?"),),
    ),
)

# Boards members follow: (member, board slug).
BOARD_FOLLOWS = ((1, "questions"), (2, "showcase"), (3, "study-circle"))


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


def _with_handles(members, text: str) -> str:
    """Demo texts name members as @member<index>; use their real handles."""
    for index in range(len(members) - 1, -1, -1):
        text = text.replace(f"@member{index}", f"@{members[index].username}")
    return text


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):  # Pillow without FreeType: the bitmap font
        return ImageFont.load_default()


def demo_image(spec: ImageSpec, *, name: str) -> ContentFile:
    """A 1200×800 PNG drawn with Pillow: a gradient, a motif, a heading."""
    width, height = 1200, 800
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / (height - 1)
        color = tuple(
            round(a + (b - a) * mix) for a, b in zip(spec.top, spec.bottom, strict=True)
        )
        draw.line([(0, y), (width, y)], fill=color)
    white, soft = (255, 255, 255), (255, 255, 255, 90)
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    if spec.motif == "chart":
        shapes.rounded_rectangle((120, 260, 1080, 700), radius=28, fill=soft)
        for index, value in enumerate((3, 7, 5, 9, 4, 6, 8)):
            left = 190 + index * 125
            shapes.rectangle((left, 660 - value * 40, left + 70, 660), fill=white)
    elif spec.motif == "phone":
        shapes.rounded_rectangle((440, 200, 760, 760), radius=40, fill=soft)
        shapes.rounded_rectangle((470, 250, 730, 710), radius=16, fill=white)
        for row in range(5):
            top = 280 + row * 80
            shapes.rounded_rectangle((495, top, 705, top + 50), radius=8, fill=soft)
    else:  # waves
        for band in range(6):
            points = [
                (x, 520 + band * 30 + 60 * math.sin(x / (60 + band * 15) + band))
                for x in range(0, width, 8)
            ]
            shapes.line(points, fill=(255, 255, 255, 60 + band * 30), width=6)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.text((80, 70), spec.heading, fill=white, font=_font(72))
    draw.text((84, 170), spec.caption, fill=white, font=_font(36))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=name)


def _project_draft(spec: ProjectSpec, *, slug: str) -> ProjectDraft:
    from courses.models import Skill

    return ProjectDraft(
        images=[
            demo_image(image, name=f"{slug}-{n}.png")
            for n, image in enumerate(spec.images, start=1)
        ],
        alt_texts=[image.alt for image in spec.images],
        links=list(spec.links),
        skill_ids=list(
            Skill.objects.filter(slug__in=spec.skills).values_list("pk", flat=True)
        ),
        feedback_wanted=spec.feedback_wanted,
    )


def _poll(members, topic: Topic, spec: PollSpec) -> None:
    poll = getattr(topic, "poll", None)
    if poll is None:
        # Opened as a moderator would (the demo's authors may not have the
        # level that lets members create polls yet).
        poll = poll_services.poll_attach(
            topic=topic,
            draft=PollDraft(
                question=spec.question,
                options=list(spec.options),
                allows_multiple=spec.allows_multiple,
            ),
            actor=topic.author,
        )
    options = list(poll.options.order_by("position", "pk"))
    for index, chosen in spec.votes:
        voter = members[index % len(members)]
        if not PollBallot.objects.filter(poll=poll, member=voter).exists():
            poll_services.poll_vote(
                member=voter,
                poll=poll,
                option_ids=[options[n].pk for n in chosen],
            )


def _topic(members, boards: dict[str, Board], spec: TopicSpec) -> Topic:
    board = boards[spec.board]
    existing = Topic.objects.filter(board=board, title=spec.title).first()
    if existing is not None:
        return existing
    asker = members[spec.author % len(members)]
    project = None
    if spec.project is not None:
        project = _project_draft(spec.project, slug=f"{board.slug}-{asker.pk}")
    topic = services.topic_create(
        author=asker,
        board=board,
        title=spec.title,
        body=_with_handles(members, spec.body),
        kind=spec.kind,
        project=project,
    )
    _react(members, topic.posts.get(number=1), spec.opening_reactions)
    posts = []
    for reply in spec.replies:
        post = services.post_reply(
            author=members[reply.author % len(members)],
            topic=topic,
            body=_with_handles(members, reply.body),
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
    if spec.poll is not None:
        _poll(members, topic, spec.poll)
    for index in spec.followers:
        reading_services.follow_set(
            member=members[index % len(members)], topic=topic, follow=True
        )
    topic.refresh_from_db()
    return topic


def _group(members, courses, spec: GroupSpec) -> tuple[Group, Board]:
    owner = members[spec.owner % len(members)]
    group = Group.objects.filter(slug=spec.slug).first()
    if group is None:
        group = Group.objects.create(
            slug=spec.slug,
            name=spec.name,
            description=spec.description,
            visibility=spec.visibility,
            created_by=owner,
        )
        GroupMembership.objects.create(
            group=group,
            member=owner,
            role=GroupMembership.Role.OWNER,
            joined_at=group.created_at,
        )
        if spec.course is not None and len(courses) > spec.course:
            group.courses.add(courses[spec.course])
    for index in spec.members:
        member = members[index % len(members)]
        membership = GroupMembership.objects.filter(group=group, member=member).first()
        if membership is None:
            membership = group_services.group_join(member=member, group=group)
        if membership.status == GroupMembership.Status.PENDING:
            group_services.membership_decide(
                actor=owner, membership=membership, approve=True
            )
    for index, message in spec.pending:
        member = members[index % len(members)]
        if not GroupMembership.objects.filter(group=group, member=member).exists():
            group_services.group_join(member=member, group=group, message=message)
    slug, name, description = spec.board
    board = _board(slug, name, description, "", group=group, position=50)
    return group, board


@transaction.atomic
def seed_forum(*, members, courses) -> dict:
    """Create the demo boards (General, Q&A, Project showcase, one board for
    each of the first two courses), two groups (one private, with a request
    waiting) and their conversations, project showcases with images drawn by
    Pillow, a poll with votes, follows and mentions, once. `members` needs at
    least two members; returns {"boards", "topics", "groups", "projects"}."""
    members = list(members)
    if len(members) < 2:
        raise ValueError("The forum demo needs at least two members.")
    boards = {}
    for position, (slug, name, description, rules) in enumerate(BOARDS, start=1):
        boards[slug] = _board(slug, name, description, rules, position=position)
    courses = list(courses)
    groups = []
    for spec in GROUPS:
        group, board = _group(members, courses, spec)
        groups.append(group)
        boards[board.slug] = board
    specs = list(TOPICS)
    for position, course in enumerate(courses[:2], start=len(BOARDS) + 1):
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
    for index, slug in BOARD_FOLLOWS:
        reading_services.follow_set(
            member=members[index % len(members)], board=boards[slug], follow=True
        )
    return {
        "boards": list(boards.values()),
        "topics": topics,
        "groups": groups,
        "projects": Project.objects.filter(topic__in=topics).count(),
    }
