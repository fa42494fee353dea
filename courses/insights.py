"""Reads for the instructor insight report: enrolments over time, the lesson
completion funnel, quiz item statistics and inactive learners. Every read is
an aggregate query (or two), never one query per learner or per answer."""

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.html import strip_tags

from .models import (
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    QuestionResponse,
)
from .selectors import course_progress

MAX_WEEKS = 26
MAX_INACTIVE_LISTED = 100


@dataclass
class WeekBar:
    week: datetime.date
    count: int
    x: float = 0
    y: float = 0
    height: float = 0


@dataclass
class FunnelStep:
    lesson: LessonPage
    started: int
    completed: int
    percent_of_enrolled: int


@dataclass
class QuestionStats:
    lesson: LessonPage
    question_id: str
    prompt: str
    kind: str
    answers: int
    correct: int
    top_wrong_choice: str | None = None
    top_wrong_count: int = 0

    @property
    def percent_correct(self) -> int:
        return round(100 * self.correct / self.answers) if self.answers else 0


@dataclass
class CourseInsight:
    course: CoursePage
    enrolled: int
    weeks: list[WeekBar]
    funnel: list[FunnelStep]
    questions: list[QuestionStats]
    inactive_days: int
    inactive: list[Enrollment]
    inactive_total: int
    chart: dict = field(default_factory=dict)


def enrolments_per_week(*, course: CoursePage, today=None) -> list[WeekBar]:
    """Enrolments per ISO week (Monday), gaps filled with zeros, the last
    MAX_WEEKS weeks up to this one. 1 query."""
    today = today or timezone.localdate()
    this_week = today - datetime.timedelta(days=today.weekday())
    first_week = this_week - datetime.timedelta(weeks=MAX_WEEKS - 1)
    counts = {
        _as_date(row["week"]): row["n"]
        for row in Enrollment.objects.filter(
            course=course,
            enrolled_at__date__gte=first_week,
        )
        .annotate(week=TruncWeek("enrolled_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("week")
    }
    if not counts:
        return []
    start = max(first_week, min(counts))
    weeks = []
    week = start
    while week <= this_week:
        weeks.append(WeekBar(week=week, count=counts.get(week, 0)))
        week += datetime.timedelta(weeks=1)
    return weeks


def chart_layout(weeks: list[WeekBar], *, width=600, height=160, gap=4) -> dict:
    """Bar positions for a server-side SVG chart (no JavaScript)."""
    if not weeks:
        return {}
    top = max(bar.count for bar in weeks) or 1
    bar_width = max((width - gap * (len(weeks) - 1)) / len(weeks), 1)
    for index, bar in enumerate(weeks):
        bar.height = round((height - 20) * bar.count / top, 1)
        bar.x = round(index * (bar_width + gap), 1)
        bar.y = round(height - bar.height, 1)
    return {"width": width, "height": height, "bar_width": round(bar_width, 1)}


def completion_funnel(*, course: CoursePage, enrolled: int) -> list[FunnelStep]:
    """How many learners started and completed each lesson, in syllabus order.
    3 queries (the syllabus and one aggregate)."""
    lessons = [row.lesson for row in course_progress(course=course).lessons]
    counts = {
        row["lesson_id"]: row
        for row in LessonProgress.objects.filter(course=course)
        .values("lesson_id")
        .annotate(
            started=Count("id"),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
        )
    }
    steps = []
    for lesson in lessons:
        row = counts.get(lesson.pk, {"started": 0, "completed": 0})
        steps.append(
            FunnelStep(
                lesson=lesson,
                started=row["started"],
                completed=row["completed"],
                percent_of_enrolled=(
                    round(100 * row["completed"] / enrolled) if enrolled else 0
                ),
            )
        )
    return steps


def quiz_item_statistics(*, course: CoursePage) -> list[QuestionStats]:
    """Percent correct per question and the most chosen wrong option of choice
    questions, from every graded response. 3 queries."""
    lessons = [
        lesson
        for lesson in LessonPage.objects.live().descendant_of(course).order_by("path")
        if lesson.has_quiz
    ]
    if not lessons:
        return []
    responses = QuestionResponse.objects.filter(attempt__lesson__in=lessons)
    totals = {
        (row["attempt__lesson_id"], row["question_id"]): row
        for row in responses.values("attempt__lesson_id", "question_id").annotate(
            answers=Count("id"), right=Count("id", filter=Q(correct=True))
        )
    }
    # Wrong answers grouped by their (JSON) response: one row per distinct
    # answer given, however many learners gave it.
    wrong: dict[tuple[int, str], Counter] = {}
    for row in (
        responses.filter(correct=False)
        .values("attempt__lesson_id", "question_id", "response")
        .annotate(n=Count("id"))
    ):
        response = row["response"]
        if isinstance(response, str) and response.startswith("["):
            response = json.loads(response)
        picked = response if isinstance(response, list) else [response]
        counter = wrong.setdefault(
            (row["attempt__lesson_id"], row["question_id"]), Counter()
        )
        for choice_id in picked:
            counter[str(choice_id)] += row["n"]

    stats = []
    for lesson in lessons:
        for quiz in lesson.quizzes().values():
            for question in quiz.get("questions") or []:
                key = (lesson.pk, question.id)
                total = totals.get(key, {"answers": 0, "right": 0})
                item = QuestionStats(
                    lesson=lesson,
                    question_id=question.id,
                    prompt=strip_tags(str(question.value.get("prompt") or "")).strip(),
                    kind=question.block_type,
                    answers=total["answers"],
                    correct=total["right"],
                )
                if "choices" in question.value and key in wrong:
                    texts = {
                        choice.id: choice.value["text"]
                        for choice in question.value["choices"].bound_blocks
                        if not choice.value["correct"]
                    }
                    ranked = [
                        (choice_id, n)
                        for choice_id, n in wrong[key].most_common()
                        if choice_id in texts
                    ]
                    if ranked:
                        item.top_wrong_choice = texts[ranked[0][0]]
                        item.top_wrong_count = ranked[0][1]
                stats.append(item)
    return stats


def inactive_learners(*, course: CoursePage, days: int, now=None):
    """Active learners with no activity (or none since enrolling) for `days`
    days, longest idle first: (the first MAX_INACTIVE_LISTED, how many). 2 queries."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    idle = Enrollment.objects.filter(
        course=course, status=Enrollment.Status.ACTIVE
    ).filter(
        Q(last_activity_at__lt=cutoff)
        | Q(last_activity_at__isnull=True, enrolled_at__lt=cutoff)
    )
    listed = list(
        idle.select_related("user").order_by("last_activity_at", "enrolled_at")[
            :MAX_INACTIVE_LISTED
        ]
    )
    return listed, idle.count()


def course_insight(*, course: CoursePage, inactive_days: int = 14) -> CourseInsight:
    enrolled = (
        Enrollment.objects.filter(course=course)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .count()
    )
    weeks = enrolments_per_week(course=course)
    inactive, inactive_total = inactive_learners(course=course, days=inactive_days)
    return CourseInsight(
        course=course,
        enrolled=enrolled,
        weeks=weeks,
        chart=chart_layout(weeks),
        funnel=completion_funnel(course=course, enrolled=enrolled),
        questions=quiz_item_statistics(course=course),
        inactive_days=inactive_days,
        inactive=inactive,
        inactive_total=inactive_total,
    )


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return value
