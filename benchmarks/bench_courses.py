"""Course pages against the article-page baseline, measured in the same run:
a course page with 24 lessons and two upcoming events (one full, with a
waitlist) for an enrolled learner with progress, a lesson page with a quiz
(the same learner, with attempts, and an anonymous visitor), and the catalogue
holding 300 courses. Query counts are also measured on a small course and on
the 10-course demo catalogue, to show they do not grow with the data.

The large data is built once inside the benchmark database (idempotent)."""

import json
import statistics
import time

from harness import article_baseline, count_queries, get_ok, setup_django

RUNS = 200
LESSONS = 24
CATALOGUE_SIZE = 300
LEARNER = "bench-learner"

FLOORS = {
    "course_page": 1.5,
    "lesson_page": 1.3,
    "lesson_page_anonymous": 1.3,
    "catalogue_300": 2.0,
}


def build():
    """The bench course, the bench learner's progress and the big catalogue."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from wagtail.models import Site

    from courses.models import (
        CourseIndexPage,
        CourseInstructor,
        CoursePage,
        LessonPage,
        ModulePage,
        QuizAttempt,
    )
    from courses.services import enrollment_create, lesson_complete, quiz_submit

    User = get_user_model()
    learner, _ = User.objects.get_or_create(
        username=LEARNER, defaults={"email": "bench-learner@example.org"}
    )
    teacher = User.objects.filter(groups__name="Instructors").first()
    home = Site.objects.get(is_default_site=True).root_page

    with transaction.atomic():
        catalogue = CourseIndexPage.objects.filter(slug="bench-catalogue").first()
        if catalogue is None:
            catalogue = home.add_child(
                instance=CourseIndexPage(
                    title="Bench catalogue", slug="bench-catalogue"
                )
            )
        existing = CoursePage.objects.child_of(catalogue).count()
        for n in range(existing, CATALOGUE_SIZE):
            course = CoursePage(
                title=f"Bench course {n:03d}",
                slug=f"bench-course-{n:03d}",
                summary="A course that exists to make the catalogue long.",
                level=("beginner", "intermediate", "advanced")[n % 3],
            )
            if teacher:
                course.instructor_links = [CourseInstructor(user=teacher)]
            catalogue.add_child(instance=course)

        course = CoursePage.objects.child_of(catalogue).get(slug="bench-course-000")
        if not LessonPage.objects.descendant_of(course).exists():
            for m in range(4):
                module = course.add_child(
                    instance=ModulePage(title=f"Module {m + 1}", slug=f"module-{m + 1}")
                )
                for n in range(LESSONS // 4):
                    number = m * (LESSONS // 4) + n + 1
                    module.add_child(instance=_lesson(number))
        small = CoursePage.objects.child_of(catalogue).get(slug="bench-course-001")
        if not LessonPage.objects.descendant_of(small).exists():
            module = small.add_child(instance=ModulePage(title="Only", slug="only"))
            module.add_child(instance=_lesson(1))
        small_lessons = LessonPage.objects.descendant_of(small)
        if not any(lesson.has_quiz for lesson in small_lessons):
            # Compared with the big course's quiz lesson: the same kind of page.
            ModulePage.objects.child_of(small).first().add_child(instance=_lesson(3))

    others = list(User.objects.exclude(pk=learner.pk)[:6])
    _events(course, learners=others)
    _events(small, learners=others[:1], sessions=((1, 30),))
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    enrollment_create(user=learner, course=course)
    enrollment_create(user=learner, course=small)
    quiz_lessons = [lesson for lesson in lessons if lesson.has_quiz]
    if not QuizAttempt.objects.filter(user=learner).exists():
        for lesson in lessons[: LESSONS // 2]:
            if lesson.has_quiz:
                for answer in ("wrong", "right"):
                    quiz_submit(
                        user=learner,
                        lesson=lesson,
                        quiz_block_id="quiz",
                        answers={"q1": f"q1-{answer}"},
                    )
            else:
                lesson_complete(user=learner, lesson=lesson)
        quiz_submit(
            user=learner,
            lesson=quiz_lessons[-1],
            quiz_block_id="quiz",
            answers={"q1": "q1-wrong"},
        )
    return {
        "learner": learner,
        "course": course,
        "small_course": small,
        "quiz_lesson": quiz_lessons[-1],
        "small_lesson": next(
            lesson
            for lesson in LessonPage.objects.descendant_of(small).order_by("path")
            if lesson.has_quiz
        ),
        "catalogue": catalogue,
        "demo_catalogue": CourseIndexPage.objects.exclude(pk=catalogue.pk).first(),
    }


def _events(course, *, learners, sessions=((1, 2), (2, 30))) -> None:
    """Upcoming sessions of the course (number, capacity), by default a full
    one with a waitlist and one with seats left (created again once over)."""
    import datetime

    from django.utils import timezone

    from courses.event_services import event_register
    from courses.models import EventIndexPage, EventPage

    index = EventIndexPage.objects.first()
    if index is None or EventPage.objects.filter(course=course).upcoming().exists():
        return
    starts = timezone.now() + datetime.timedelta(days=30)
    stamp = starts.strftime("%Y%m%d")
    for number, capacity in sessions:
        event = EventPage(
            title=f"Bench live session {number}",
            slug=f"{course.slug}-session-{number}-{stamp}",
            course=course,
            starts_at=starts + datetime.timedelta(days=number),
            ends_at=starts + datetime.timedelta(days=number, hours=2),
            time_zone="Europe/Berlin",
            online_url="https://meet.example.org/bench",
            capacity=capacity,
        )
        index.add_child(instance=event)
        for member in learners[:4]:
            event_register(user=member, event=event, notify=False)


def _lesson(number: int):
    from courses.models import LessonPage

    body = [
        {
            "type": "paragraph",
            "value": f"<p>Lesson {number}: some reading. " + "Words. " * 80 + "</p>",
            "id": f"p{number}",
        }
    ]
    if number % 3 == 0:
        body.append(
            {
                "type": "quiz",
                "id": "quiz",
                "value": {
                    "title": "Check your understanding",
                    "pass_mark": 100,
                    "attempts_allowed": 0,
                    "shuffle": False,
                    "questions": [
                        {
                            "type": "single_choice",
                            "id": "q1",
                            "value": {
                                "prompt": "<p>Which one is right?</p>",
                                "skills": [],
                                "difficulty": "2",
                                "explanation": "<p>Because it is.</p>",
                                "choices": [
                                    {
                                        "type": "item",
                                        "id": "q1-right",
                                        "value": {"text": "Right", "correct": True},
                                    },
                                    {
                                        "type": "item",
                                        "id": "q1-wrong",
                                        "value": {"text": "Wrong", "correct": False},
                                    },
                                ],
                            },
                        }
                    ],
                },
            }
        )
    return LessonPage(title=f"Lesson {number}", slug=f"lesson-{number}", body=body)


def interleaved(fetches: dict, *, runs: int, warmup: int = 5) -> dict:
    """Time several pages round-robin, so a busy machine slows them alike and
    the ratios stay meaningful; then count each page's queries."""
    samples = {name: [] for name in fetches}
    for _ in range(warmup):
        for fetch in fetches.values():
            fetch()
    for _ in range(runs):
        for name, fetch in fetches.items():
            start = time.perf_counter()
            fetch()
            samples[name].append((time.perf_counter() - start) * 1000)
    results = {}
    for name, values in samples.items():
        values.sort()
        results[name] = {
            "runs": runs,
            "median_ms": round(statistics.median(values), 3),
            "p95_ms": round(values[int(0.95 * (len(values) - 1))], 3),
            "min_ms": round(values[0], 3),
            "queries": count_queries(fetches[name]),
        }
    return results


def main() -> None:
    setup_django()
    from django.test import Client

    data = build()
    anonymous = Client()
    learner = Client()
    learner.force_login(data["learner"])
    from website.models import ArticlePage

    # The harness's baseline as every benchmark reports it, and below the same
    # article timed round-robin with the course pages (the ratios use those).
    harness_baseline = article_baseline(anonymous, runs=RUNS)
    article_url = ArticlePage.objects.live().order_by("path").first().url
    urls = {
        "baseline_article": (anonymous, article_url),
        # The course and lesson pages are measured for a signed-in learner,
        # whose requests also load the session and user: compare like with like.
        "baseline_article_signed_in": (learner, article_url),
        "course_page": (learner, data["course"].url),
        "lesson_page": (learner, data["quiz_lesson"].url),
        # A visitor sees the lesson's summary and a call to enrol.
        "lesson_page_anonymous": (anonymous, data["quiz_lesson"].url),
        "catalogue_300": (anonymous, data["catalogue"].url),
    }
    results = interleaved(
        {name: get_ok(client, url) for name, (client, url) in urls.items()}, runs=RUNS
    )
    for name, (_client, url) in urls.items():
        results[name]["url"] = url
    baseline = results.pop("baseline_article")
    baseline_member = results.pop("baseline_article_signed_in")
    pages = results
    for url in (data["small_course"].url, data["demo_catalogue"].url):
        anonymous.get(url)  # warm the cached syllabus and listing, as above
        learner.get(url)
    learner.get(data["small_lesson"].url)
    growth = {
        "course_page": [
            count_queries(get_ok(learner, data["small_course"].url)),
            pages["course_page"]["queries"],
        ],
        "lesson_page": [
            count_queries(get_ok(learner, data["small_lesson"].url)),
            pages["lesson_page"]["queries"],
        ],
        "lesson_page_anonymous": [
            count_queries(get_ok(anonymous, data["small_lesson"].url)),
            pages["lesson_page_anonymous"]["queries"],
        ],
        "catalogue": [
            count_queries(get_ok(anonymous, data["demo_catalogue"].url)),
            pages["catalogue_300"]["queries"],
        ],
    }
    same_client = {
        "course_page": baseline_member,
        "lesson_page": baseline_member,
        "lesson_page_anonymous": baseline,
        "catalogue_300": baseline,
    }
    ratios = {
        name: round(result["median_ms"] / same_client[name]["median_ms"], 3)
        for name, result in pages.items()
    }
    ratios_to_harness_baseline = {
        name: round(result["median_ms"] / harness_baseline["median_ms"], 3)
        for name, result in pages.items()
    }
    ratios_to_anonymous_article = {
        name: round(result["median_ms"] / baseline["median_ms"], 3)
        for name, result in pages.items()
    }
    print(
        json.dumps(
            {
                "benchmark": "courses",
                "baseline_article_harness": harness_baseline,
                "baseline_article": baseline,
                "baseline_article_signed_in": baseline_member,
                **pages,
                "ratio_to_article": ratios,
                "ratio_to_anonymous_article": ratios_to_anonymous_article,
                "ratio_to_harness_baseline": ratios_to_harness_baseline,
                "floors": FLOORS,
                "within_floors": {
                    name: ratios[name] <= floor for name, floor in FLOORS.items()
                },
                # The stricter reading: signed-in pages against the anonymous
                # article too (their session and user loading included).
                "within_floors_vs_anonymous_article": {
                    name: ratios_to_anonymous_article[name] <= floor
                    for name, floor in FLOORS.items()
                },
                "queries_small_vs_large": growth,
            }
        )
    )


if __name__ == "__main__":
    main()
