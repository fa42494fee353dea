"""Demo courses for `make run` (wired into `seed_demo`): topics, skills with
prerequisites, ten courses across three topics and every level, and some
learners part-way through them.

Deterministic and idempotent: everything is looked up by slug and only created
when missing; learner progress is added through the services (so the activity
log has it too) and only where the learner has none yet."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, Site

from .demo_content import COURSES, SKILLS, TOPICS
from .demo_events import seed_events_and_reviews
from .models import (
    CourseFormat,
    CourseIndexPage,
    CourseInstructor,
    CoursePage,
    CoursePrerequisite,
    Enrollment,
    LessonPage,
    ModulePage,
    QuizAttempt,
    Skill,
    Topic,
)
from .services import enrollment_create, lesson_complete, quiz_submit

QUESTION_TYPES = {
    "single": "single_choice",
    "multiple": "multiple_choice",
    "numeric": "numeric",
    "text": "short_text",
}


@transaction.atomic
def seed_courses(*, instructors, learners) -> dict:
    """Create the demo catalogue (once) and give the learners some progress.
    Returns {"catalogue", "topics", "skills", "courses", "enrollments", "events",
    "submissions", "reviews"} (the last three from courses/demo_events.py)."""
    topics = {
        slug: Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )[0]
        for slug, name, description in TOPICS
    }
    skills = _seed_skills(topics)
    catalogue = _catalogue()
    courses = {}
    for n, spec in enumerate(COURSES):
        teachers = [instructors[n % len(instructors)]] if instructors else []
        courses[spec["slug"]] = _course(catalogue, spec, topics, skills, teachers)
    for spec in COURSES:
        _link_prerequisite_courses(courses[spec["slug"]], spec, courses)
    enrollments = _seed_progress(list(learners), courses)
    community = seed_events_and_reviews(
        catalogue=catalogue, courses=courses, learners=list(learners)
    )
    return {
        "catalogue": catalogue,
        "topics": list(topics.values()),
        "skills": list(skills.values()),
        "courses": [courses[spec["slug"]] for spec in COURSES],
        "enrollments": enrollments,
        **community,
    }


def _seed_skills(topics) -> dict[str, Skill]:
    skills = {}
    created = set()
    for slug, topic, name, description, _prerequisites in SKILLS:
        skills[slug], was_created = Skill.objects.get_or_create(
            slug=slug,
            defaults={"topic": topics[topic], "name": name, "description": description},
        )
        if was_created:
            created.add(slug)
    for slug, _topic, _name, _description, prerequisites in SKILLS:
        if slug in created and prerequisites:
            skill = skills[slug]
            skill.prerequisites = [skills[p] for p in prerequisites]
            skill.save()
    return skills


def _catalogue() -> CourseIndexPage:
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    site = Site.objects.filter(is_default_site=True).select_related("root_page")
    parent = site[0].root_page if site else Page.get_first_root_node()
    catalogue = CourseIndexPage(
        title="Courses",
        slug="courses",
        intro="<p>Learn at your own pace or with a cohort. Filter by topic, level, "
        "format, language or length.</p>",
    )
    parent.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    return catalogue


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


def _course(catalogue, spec, topics, skills, teachers) -> CoursePage:
    existing = CoursePage.objects.child_of(catalogue).filter(slug=spec["slug"]).first()
    if existing:
        return existing
    cohort = spec.get("cohort")
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        learning_outcomes=[("outcome", text) for text in spec["outcomes"]],
        topic=topics[spec["topic"]],
        level=spec["level"],
        estimated_hours=Decimal(spec["hours"]),
        language=spec.get("language", "en"),
        target_roles=spec["roles"],
        career_stage=spec["stage"],
        enrolment_open=spec.get("enrolment_open", True),
        self_paced=cohort is None,
        starts_on=date.fromisoformat(cohort[0]) if cohort else None,
        ends_on=date.fromisoformat(cohort[1]) if cohort else None,
    )
    course.formats = list(CourseFormat.objects.filter(code__in=spec["formats"]))
    course.skills = [skills[s] for s in spec["skills"]]
    course.prerequisite_skills = [skills[s] for s in spec["prerequisite_skills"]]
    course.instructor_links = [
        CourseInstructor(user=user, role="Lead instructor") for user in teachers
    ]
    course = _publish(catalogue, course)
    for module_title, lessons in spec["modules"]:
        module = _publish(course, ModulePage(title=module_title))
        for slug, title, minutes, paragraphs, quiz in lessons:
            body = [
                {
                    "type": "paragraph",
                    "value": f"<p>{escape(t)}</p>",
                    "id": f"{slug}-p{i}",
                }
                for i, t in enumerate(paragraphs)
            ]
            if quiz:
                body.append(_quiz_block(slug, quiz, skills))
            lesson = LessonPage(
                title=title,
                slug=slug,
                summary=paragraphs[0][:200],
                body=body,
                estimated_minutes=minutes,
                difficulty={"beginner": 1, "intermediate": 2, "advanced": 3}[
                    spec["level"]
                ],
            )
            lesson.skills = [skills[s] for s in spec["skills"]]
            _publish(module, lesson)
    return course


def _quiz_block(lesson_slug: str, quiz: dict, skills) -> dict:
    questions = []
    for n, q in enumerate(quiz["questions"], start=1):
        qid = f"{lesson_slug}-q{n}"
        value = {
            "prompt": f"<p>{q['prompt']}</p>",
            "skills": [
                {"type": "item", "value": skills[s].pk, "id": f"{qid}-{s}"}
                for s in q["skills"]
            ],
            "difficulty": str(q["difficulty"]),
            "explanation": f"<p>{q['explain']}</p>",
        }
        if q["kind"] in ("single", "multiple"):
            value["choices"] = [
                {"type": "item", "value": {"text": text, "correct": correct},
                 "id": f"{qid}-{chr(97 + i)}"}
                for i, (text, correct) in enumerate(q["choices"])
            ]  # fmt: skip
        elif q["kind"] == "numeric":
            value.update(answer=q["answer"], tolerance=q["tolerance"], unit=q["unit"])
        else:
            value["accepted_answers"] = [
                {"type": "item", "value": text, "id": f"{qid}-t{i}"}
                for i, text in enumerate(q["accepted"])
            ]
        questions.append({"type": QUESTION_TYPES[q["kind"]], "value": value, "id": qid})
    return {
        "type": "quiz",
        "id": f"{lesson_slug}-quiz",
        "value": {
            "title": "Check your understanding",
            "pass_mark": quiz["pass_mark"],
            "attempts_allowed": quiz["attempts"],
            "shuffle": quiz["shuffle"],
            "questions": questions,
        },
    }


def _link_prerequisite_courses(course: CoursePage, spec: dict, courses) -> None:
    wanted = spec.get("prerequisite_courses", [])
    if not wanted or course.prerequisite_links.exists():
        return
    for slug in wanted:
        CoursePrerequisite.objects.create(course=course, required_course=courses[slug])


def _right_answers(lesson: LessonPage, quiz_id: str) -> dict:
    answers = {}
    for question in lesson.quizzes()[quiz_id].as_quiz(quiz_id).questions:
        if question.kind == "single_choice":
            answers[question.id] = next(iter(question.correct_choice_ids))
        elif question.kind == "multiple_choice":
            answers[question.id] = sorted(question.correct_choice_ids)
        elif question.kind == "numeric":
            answers[question.id] = str(question.answer)
        else:
            answers[question.id] = question.accepted_answers[0]
    return answers


def _work_through(learner, course: CoursePage, *, lessons: int, fail_first: bool):
    """Complete the first `lessons` lessons of a course, passing quizzes (after
    one wrong attempt if `fail_first`)."""
    for lesson in (
        LessonPage.objects.live().descendant_of(course).order_by("path")[:lessons]
    ):
        quizzes = lesson.quizzes()
        if not quizzes:
            lesson_complete(user=learner, lesson=lesson)
            continue
        for quiz_id in quizzes:
            if QuizAttempt.objects.filter(
                user=learner, lesson=lesson, quiz_block_id=quiz_id
            ).exists():
                continue
            if fail_first:
                quiz_submit(
                    user=learner, lesson=lesson, quiz_block_id=quiz_id, answers={}
                )
            quiz_submit(
                user=learner,
                lesson=lesson,
                quiz_block_id=quiz_id,
                answers=_right_answers(lesson, quiz_id),
            )


# (course slug, lessons to complete, fail the quiz once first) per learner.
LEARNER_PLANS = [
    [("python-for-data-analysis", 3, True), ("statistics-essentials", 1, False),
     ("typography-for-screens", 0, False)],
    [("html-and-css-from-scratch", 3, False), ("how-the-web-works", 2, False)],
    [("statistics-essentials", 3, True), ("machine-learning-foundations", 1, False)],
    [("typography-for-screens", 2, False), ("grundlagen-der-farbenlehre", 0, False)],
    [("data-visualisation-that-works", 1, False)],
]  # fmt: skip


def _seed_progress(learners, courses) -> list[Enrollment]:
    enrollments = []
    for learner, plan in zip(learners, LEARNER_PLANS, strict=False):
        if Enrollment.objects.filter(user=learner).exists():
            enrollments.extend(Enrollment.objects.filter(user=learner))
            continue  # this learner has their own history now; leave it alone
        for slug, lessons, fail_first in plan:
            course = courses[slug]
            enrollments.append(enrollment_create(user=learner, course=course))
            _work_through(learner, course, lessons=lessons, fail_first=fail_first)
    return enrollments
