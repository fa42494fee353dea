"""Demo badges and challenges for `make run` (seed_demo calls it after
seed_gamification, whose streaks the streak badges read).

Fourteen badge classes with pictures drawn here (Pillow, distinct colours and
shapes, stored as Wagtail images), the issuer profile, a challenge running
now, one coming up and one finished. The members' existing activities are
replayed through the achievements consumer, so their badges and challenge
progress come from what they did; the finished challenge's window lies
before any demo activity, so two learners are recorded as its winners (as
seed_gamification writes streak history).

Deterministic and idempotent: badges are found by slug, images and challenges
by title, replays skip what the consumer handled, completions are unique."""

import io
from datetime import datetime, timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model

from activity.models import Activity
from activity.services import activity_dispatch

from .badge_images import badge_art_png
from .badge_models import BadgeAward, BadgeClass, IssuerSettings
from .challenge_models import Challenge, ChallengeCompletion
from .challenges import challenge_complete

CONSUMER = "gamification.achievements"
Kind = BadgeClass.Kind

# slug, name, shape, description, criteria, how to earn it (Markdown).
BADGES = (
    (
        "first-steps",
        "First Steps",
        "circle",
        "Completed a first lesson on Lyceum.",
        {"kind": Kind.COUNT, "verb": "completed", "object_type": "lesson"},
        "Complete **any lesson**. Everyone starts somewhere.",
    ),
    (
        "bookworm",
        "Bookworm",
        "rounded",
        "Completed five lessons.",
        {
            "kind": Kind.COUNT,
            "verb": "completed",
            "object_type": "lesson",
            "count": 5,
        },
        "Complete **5 lessons**, in any course.",
    ),
    (
        "lesson-marathon",
        "Lesson Marathon",
        "shield",
        "Completed every tenth lesson, again and again.",
        {
            "kind": Kind.COUNT,
            "verb": "completed",
            "object_type": "lesson",
            "count": 10,
            "repeatable": True,
        },
        "Earned for every **10 lessons** you complete.",
    ),
    (
        "quiz-ace",
        "Quiz Ace",
        "star",
        "Passed three quizzes.",
        {"kind": Kind.COUNT, "verb": "passed", "object_type": "quiz", "count": 3},
        "Pass **3 quizzes** (each quiz counts once).",
    ),
    (
        "sharp-mind",
        "Sharp Mind",
        "hexagon",
        "Answered ten questions correctly.",
        {
            "kind": Kind.COUNT,
            "verb": "answered",
            "object_type": "question",
            "count": 10,
            "success_only": True,
        },
        "Answer **10 quiz questions correctly**.",
    ),
    (
        "course-finisher",
        "Course Finisher",
        "shield",
        "Completed a whole course.",
        {"kind": Kind.COURSE, "repeatable": True},
        "Complete every required lesson and quiz of a course. Earned once per course.",
    ),
    (
        "week-streak",
        "Week Streak",
        "star",
        "Learned something real seven days in a row.",
        {"kind": Kind.STREAK, "count": 7},
        "Keep a **7-day learning streak**: a lesson, a graded answer, a passed "
        "quiz or a substantial forum reply each day.",
    ),
    (
        "fortnight-streak",
        "Fortnight Streak",
        "hexagon",
        "Learned something real fourteen days in a row.",
        {"kind": Kind.STREAK, "count": 14},
        "Keep a **14-day learning streak**. Streak freezes bridge a missed day.",
    ),
    (
        "helping-hand",
        "Helping Hand",
        "circle",
        "Wrote an answer that someone accepted.",
        {"kind": Kind.ACCEPTED, "count": 1},
        "Answer a question in the forum and have the asker **accept** it.",
    ),
    (
        "trusted-answerer",
        "Trusted Answerer",
        "shield",
        "Five accepted answers in the forum.",
        {"kind": Kind.ACCEPTED, "count": 5},
        "Have **5 answers accepted** in the forum.",
    ),
    (
        "conversation-starter",
        "Conversation Starter",
        "rounded",
        "Opened a topic in the community.",
        {"kind": Kind.COUNT, "verb": "created", "object_type": "topic"},
        "Start a discussion, ask a question or share a project in the forum.",
    ),
    (
        "good-neighbour",
        "Good Neighbour",
        "circle",
        "Replied in three forum conversations.",
        {"kind": Kind.COUNT, "verb": "replied", "object_type": "post", "count": 3},
        "Write **3 replies** in the community.",
    ),
    (
        "regular",
        "Regular",
        "rounded",
        "Checked in on seven days.",
        {
            "kind": Kind.COUNT,
            "verb": "checked-in",
            "object_type": "site",
            "count": 7,
            "distinct_objects": False,
        },
        "Check in on *My progress* on **7 days**.",
    ),
    (
        "challenger",
        "Challenger",
        "star",
        "Won a community challenge.",
        {"kind": Kind.CHALLENGE, "repeatable": True},
        "Reach the goal of a [challenge](/challenges/) before it ends. Earned "
        "once per challenge.",
    ),
    (
        "skill-master",
        "Skill Master",
        "hexagon",
        "Mastered a skill.",
        {"kind": Kind.SKILL, "repeatable": True},
        "Show **mastery** of a skill in its quizzes. Earned once per skill.",
    ),
)


def _badge_image(name: str, slug: str, palette: int, shape: str):
    Image = get_image_model()
    title = f"Badge: {name}"
    image = Image.objects.filter(title=title).first()
    if image is None:
        data = badge_art_png(name, slug, palette=palette, shape=shape)
        image = Image(title=title, description=f"The {name} badge.")
        image.file = ImageFile(io.BytesIO(data), name=f"badge-{slug}.png")
        image.save()
    return image


def _seed_badges() -> list[BadgeClass]:
    badges = []
    for palette, (slug, name, shape, description, criteria, how) in enumerate(BADGES):
        badge = BadgeClass.objects.filter(slug=slug).first()
        if badge is None:
            badge = BadgeClass(
                slug=slug,
                name=name,
                description=description,
                criteria_narrative=how,
                image=_badge_image(name, slug, palette, shape),
                **criteria,
            )
            badge.full_clean()
            badge.save()
        badges.append(badge)
    return badges


def _seed_issuer() -> None:
    issuer = IssuerSettings.load()
    if issuer.name:
        return  # an operator (or an earlier run) set it
    issuer.name = "Lyceum Learning Community"
    issuer.email = "badges@lyceum.example.org"
    issuer.description = (
        "An open community where people learn together: courses, a forum and "
        "friendly challenges. Badges are awarded automatically for real learning."
    )
    issuer.save()


def _challenge(title: str, **fields) -> Challenge:
    challenge = Challenge.objects.filter(title=title).first()
    if challenge is None:
        challenge = Challenge(title=title, **fields)
        challenge.full_clean()
        challenge.save()
    return challenge


def _seed_challenges(now: datetime) -> dict[str, Challenge]:
    day = timedelta(days=1)
    return {
        "running": _challenge(
            "Five lessons in a fortnight",
            description="Complete five lessons, in any course, before the end.",
            starts_at=now - 7 * day,
            ends_at=now + 7 * day,
            verb="completed",
            object_type="lesson",
            goal=5,
            reward_points=50,
        ),
        "upcoming": _challenge(
            "Quiz week",
            description="Pass three quizzes in a week.",
            starts_at=now + 3 * day,
            ends_at=now + 10 * day,
            verb="passed",
            object_type="quiz",
            goal=3,
            reward_points=40,
        ),
        "finished": _challenge(
            "Forum helpers week",
            description="Reply to three posts in the community during the week.",
            starts_at=now - 16 * day,
            ends_at=now - 9 * day,
            verb="replied",
            object_type="post",
            goal=3,
            reward_points=30,
        ),
    }


def _replay() -> int:
    """Run the achievements consumer over every activity it has not handled,
    oldest first (so streaks, counts and windows see them in order), then over
    what that recorded (a completed challenge awards a badge)."""
    ran = 0
    for _round in range(3):
        pending = list(
            Activity.objects.exclude(verb__in=["earned", "voided"])
            .exclude(receipts__consumer=CONSUMER)
            .order_by("timestamp", "pk")
            .values_list("pk", flat=True)
        )
        if not pending:
            break
        for activity_id in pending:
            ran += len(activity_dispatch(activity_id=activity_id, only=CONSUMER))
    return ran


@transaction.atomic
def seed_badges(*, learners, now: datetime | None = None) -> dict:
    """Badges, the issuer and challenges; the members' badges from replaying
    their activities; the finished challenge's winners."""
    now = now or timezone.now()
    _seed_issuer()
    badges = _seed_badges()
    challenges = _seed_challenges(now)
    finished = challenges["finished"]
    if not ChallengeCompletion.objects.filter(challenge=finished).exists():
        for learner in learners[:4:2]:  # the first and third learners won it
            challenge_complete(
                challenge=finished,
                member_id=learner.pk,
                when=finished.ends_at - timedelta(hours=20),
            )
    runs = _replay()
    return {
        "badges": len(badges),
        "challenges": len(challenges),
        "consumer_runs": runs,
        "badges_awarded": BadgeAward.objects.count(),
    }
