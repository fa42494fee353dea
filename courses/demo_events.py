"""Demo events, assignment work and course reviews, called by `seed_courses`.

Deterministic and idempotent like courses/demo.py: pages are looked up by slug
and created once; registrations, submissions and reviews go through the
services (so the activity log has them) and only where none exist yet."""

import datetime
import zoneinfo

from django.utils import timezone

from .assignment_services import assignment_grade, assignment_submit
from .event_services import event_register
from .models import (
    AssignmentSubmission,
    CoursePage,
    CourseReview,
    Enrollment,
    EventIndexPage,
    EventPage,
    LessonPage,
)
from .review_services import review_upsert

# slug, title, course slug (owner) or None, days from today, local start time,
# hours, time zone, online link or (venue, city), capacity, summary.
EVENTS = [
    ("live-qa-python-for-data-analysis", "Live Q&A: Python for data analysis",
     "python-for-data-analysis", 3, (17, 0), 1, "Europe/Berlin",
     "https://meet.example.org/lyceum-python-qa", 40,
     "Bring the notebook you are stuck on: we work through learners' questions "
     "on pandas, cleaning and grouping."),
    ("data-meetup-berlin", "Data practitioners' meetup, Berlin", None, 10, (18, 30),
     2.5, "Europe/Berlin", ("Haus der Statistik, Raum 2.14", "Berlin"), 25,
     "Two short talks on honest charts, then drinks and conversation. All levels "
     "welcome."),
    ("portfolio-review-clinic", "Portfolio review clinic", None, 5, (12, 0), 1.5,
     "America/New_York", "https://meet.example.org/lyceum-portfolio", 3,
     "Three seats for a 25-minute review of your portfolio by a practising "
     "designer; the waitlist moves up if someone cancels."),
    ("type-walk-lisbon", "Street typography walk, Lisbon", "typography-for-screens",
     14, (10, 0), 3, "Europe/Lisbon", ("Praça do Comércio (arch)", "Lisbon"), 15,
     "A guided walk through Baixa's shop signs and tiles, with a sketching stop."),
]  # fmt: skip

# (course slug, lesson position in the course, assignment)
ASSIGNMENT = (
    "statistics-essentials",
    -1,
    {
        "type": "assignment",
        "id": "statistics-essentials-assignment",
        "value": {
            "title": "Describe a data set of your own",
            "instructions": "<p>Pick a small data set you care about. Report its "
            "mean, median and spread, and say in two sentences which summary "
            "describes it best and why.</p>",
            "accepts_text": True,
            "accepts_files": True,
            "file_extensions": "pdf, png, jpg, md, txt",
            "max_file_mb": 5,
            "max_score": 10,
        },
    },
)

SUBMISSIONS = [
    "My data: 30 days of commute times (minutes). Mean 34.2, median 31, IQR 9. "
    "The median describes it best: three days with train cancellations pull the "
    "mean up.",
    "Weekly grocery spend over a year. Mean 61 €, median 58 €, standard "
    "deviation 14 €. Mean and median agree, so either works; I would report the "
    "median with the IQR.",
]
FEEDBACK = (
    "Well argued: you named the outliers and chose the median for the right "
    "reason. Next time add a histogram so readers can see the skew."
)

REVIEWS = [
    (5, "Clear explanations and the quizzes made me check I had really understood."),
    (4, "Good pace. I would have liked one more worked example per module."),
    (5, "The best introduction I have taken; the exercises use real data."),
    (3, "Solid content, but the second module felt rushed."),
    (4, "Practical and friendly. The explanations after each quiz question help."),
]


def seed_events_and_reviews(*, catalogue, courses, learners) -> dict:
    """Returns {"events": [...], "submissions": n, "reviews": n}."""
    events = _seed_events(catalogue, courses, learners)
    submissions = _seed_submissions(courses, learners)
    reviews = _seed_reviews(learners)
    return {"events": events, "submissions": submissions, "reviews": reviews}


def _event_index(catalogue) -> EventIndexPage:
    existing = EventIndexPage.objects.first()
    if existing:
        return existing
    parent = catalogue.get_parent()
    index = EventIndexPage(
        title="Events",
        slug="events",
        intro="<p>Live sessions with instructors and community meetups, online "
        "and in person.</p>",
    )
    parent.add_child(instance=index)
    index.save_revision().publish()
    return index


def _seed_events(catalogue, courses, learners) -> list[EventPage]:
    index = _event_index(catalogue)
    today = timezone.localdate()
    events = []
    for slug, title, course, days, (
        hour,
        minute,
    ), hours, zone, where, seats, text in EVENTS:
        event = EventPage.objects.child_of(index).filter(slug=slug).first()
        if event is None:
            day = today + datetime.timedelta(days=days)
            starts = datetime.datetime(
                day.year, day.month, day.day, hour, minute,
                tzinfo=zoneinfo.ZoneInfo(zone),
            )  # fmt: skip
            online = isinstance(where, str)
            event = EventPage(
                title=title,
                slug=slug,
                summary=text,
                course=courses.get(course) if course else None,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=hours),
                time_zone=zone,
                online_url=where if online else "",
                venue="" if online else where[0],
                city="" if online else where[1],
                capacity=seats,
                description=[
                    {"type": "paragraph", "value": f"<p>{text}</p>", "id": f"{slug}-p"}
                ],
            )
            index.add_child(instance=event)
            event.save_revision().publish()
            event = EventPage.objects.get(pk=event.pk)
            # Everyone registers for the small clinic (a full room and a
            # waitlist); a couple of members for the others.
            attendees = learners if seats <= 3 else learners[:2]
            for learner in attendees:
                event_register(user=learner, event=event, notify=False)
        events.append(event)
    return events


def _assignment_lesson(courses) -> LessonPage | None:
    course_slug, position, block = ASSIGNMENT
    course = courses.get(course_slug)
    if course is None:
        return None
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    if not lessons:
        return None
    lesson = lessons[position]
    if not any(child["id"] == block["id"] for child in lesson.body.raw_data):
        lesson.body = [*lesson.body.raw_data, block]
        lesson.save_revision().publish()
        lesson = LessonPage.objects.get(pk=lesson.pk)
    return lesson


def _seed_submissions(courses, learners) -> int:
    lesson = _assignment_lesson(courses)
    if lesson is None:
        return 0
    block_id = ASSIGNMENT[2]["id"]
    course = CoursePage.objects.ancestor_of(lesson).first()
    enrolled = [
        learner
        for learner in learners
        if Enrollment.objects.filter(user=learner, course=course).exists()
    ]
    grader = next(
        (link.user for link in course.instructor_links.select_related("user")), None
    )
    for n, (learner, text) in enumerate(zip(enrolled, SUBMISSIONS, strict=False)):
        if AssignmentSubmission.objects.filter(
            user=learner, lesson=lesson, block_id=block_id
        ).exists():
            continue
        submission = assignment_submit(
            user=learner, lesson=lesson, block_id=block_id, text=text
        )
        if n == 0 and grader is not None:
            assignment_grade(
                by=grader, submission=submission, score=9, feedback=FEEDBACK
            )
    return AssignmentSubmission.objects.filter(lesson=lesson).count()


def _seed_reviews(learners) -> int:
    for n, learner in enumerate(learners):
        if CourseReview.objects.filter(user=learner).exists():
            continue
        enrollments = Enrollment.objects.filter(user=learner).exclude(
            status=Enrollment.Status.WITHDRAWN
        )
        enrollments = enrollments.select_related("course").order_by("pk")[:2]
        for m, enrollment in enumerate(enrollments):
            rating, text = REVIEWS[(n + m) % len(REVIEWS)]
            review_upsert(
                user=learner,
                course=enrollment.course,
                rating=rating,
                text=text,
            )
    return CourseReview.objects.filter(user__in=learners).count()
