"""Builders for course tests: small functions with sensible defaults."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from courses.models import (
    CourseIndexPage,
    CourseInstructor,
    CoursePage,
    LessonPage,
    ModulePage,
    Skill,
    Topic,
)

_ids = itertools.count(1)


def make_topic(**kwargs) -> Topic:
    kwargs.setdefault("name", f"Topic {next(_ids)}")
    kwargs.setdefault("slug", kwargs["name"].lower().replace(" ", "-"))
    return Topic.objects.create(**kwargs)


def make_skill(*, prerequisites=(), **kwargs) -> Skill:
    if "topic" not in kwargs:
        kwargs["topic"] = Topic.objects.first() or make_topic()
    kwargs.setdefault("name", f"Skill {next(_ids)}")
    kwargs.setdefault("slug", kwargs["name"].lower().replace(" ", "-"))
    skill = Skill(**kwargs)
    skill.save()
    if prerequisites:
        skill.prerequisites = list(prerequisites)
        skill.save()
    return skill


def make_user(**kwargs):
    User = get_user_model()
    kwargs.setdefault("username", f"member{next(_ids)}")
    kwargs.setdefault("email", f"{kwargs['username']}@example.org")
    return User.objects.create_user(**kwargs)


def _add(parent: Page, page: Page) -> Page:
    if not page.slug:
        page.slug = f"{page.__class__.__name__.lower()}-{next(_ids)}"
    parent.add_child(instance=page)
    return page


def make_catalogue(**kwargs) -> CourseIndexPage:
    """A catalogue under the default site's home page, so pages have URLs."""
    kwargs.setdefault("title", "Courses")
    kwargs.setdefault("slug", "courses")
    site = Site.objects.filter(is_default_site=True).first()
    parent = site.root_page if site else Page.get_first_root_node()
    return _add(parent, CourseIndexPage(**kwargs))


def make_course(catalogue=None, *, instructors=(), formats=(), **kwargs) -> CoursePage:
    catalogue = catalogue or CourseIndexPage.objects.first() or make_catalogue()
    kwargs.setdefault("title", f"Course {next(_ids)}")
    kwargs.setdefault("summary", "A course.")
    course = CoursePage(**kwargs)
    if formats:
        from courses.models import CourseFormat

        course.formats = list(CourseFormat.objects.filter(code__in=formats))
    course.instructor_links = [CourseInstructor(user=user) for user in instructors]
    return _add(catalogue, course)


def make_module(course=None, **kwargs) -> ModulePage:
    course = course or make_course()
    kwargs.setdefault("title", f"Module {next(_ids)}")
    return _add(course, ModulePage(**kwargs))


def make_lesson(module=None, *, body=(), skills=(), **kwargs) -> LessonPage:
    module = module or make_module()
    kwargs.setdefault("title", f"Lesson {next(_ids)}")
    lesson = LessonPage(body=list(body), **kwargs)
    if skills:
        lesson.skills = list(skills)
    return _add(module, lesson)


# Lesson body blocks in their stored (raw JSON) form, with readable fixed ids.


def paragraph(text="<p>Some text.</p>", id="para"):
    return {"type": "paragraph", "value": text, "id": id}


def choice(id, text, correct=False):
    return {"type": "item", "value": {"text": text, "correct": correct}, "id": id}


def _question(kind, id, prompt, *, skills=(), difficulty="2", explanation=None, **v):
    value = {
        "prompt": f"<p>{prompt}</p>",
        "skills": [
            {"type": "item", "value": s.pk, "id": f"{id}-s{s.pk}"} for s in skills
        ],
        "difficulty": difficulty,
        "explanation": explanation or f"<p>Because of {id}.</p>",
        **v,
    }
    return {"type": kind, "value": value, "id": id}


def single_choice(id="q-single", prompt="Pick one", choices=None, **kwargs):
    choices = choices or [
        choice(f"{id}-a", "Right", True),
        choice(f"{id}-b", "Wrong"),
        choice(f"{id}-c", "Also wrong"),
    ]
    return _question("single_choice", id, prompt, choices=choices, **kwargs)


def multiple_choice(id="q-multi", prompt="Pick all", choices=None, **kwargs):
    choices = choices or [
        choice(f"{id}-a", "Right 1", True),
        choice(f"{id}-b", "Right 2", True),
        choice(f"{id}-c", "Wrong"),
    ]
    return _question("multiple_choice", id, prompt, choices=choices, **kwargs)


def numeric(id="q-num", prompt="How much?", answer="3.14", tolerance="0.01", **kwargs):
    return _question(
        "numeric", id, prompt, answer=answer, tolerance=tolerance, unit="", **kwargs
    )


def short_text(id="q-text", prompt="Name it", accepted=("Ångström",), **kwargs):
    accepted_answers = [
        {"type": "item", "value": text, "id": f"{id}-{n}"}
        for n, text in enumerate(accepted)
    ]
    return _question(
        "short_text", id, prompt, accepted_answers=accepted_answers, **kwargs
    )


def quiz(*questions, id="quiz", pass_mark=70, attempts_allowed=0, shuffle=False):
    return {
        "type": "quiz",
        "id": id,
        "value": {
            "title": "Check your understanding",
            "pass_mark": pass_mark,
            "attempts_allowed": attempts_allowed,
            "shuffle": shuffle,
            "questions": list(questions) or [single_choice()],
        },
    }


@pytest.fixture
def topic():
    return make_topic(name="Data science", slug="data-science")


@pytest.fixture
def learner():
    return make_user(username="learner")


class CourseWorld:
    """A published course: module → reading (required), quiz lesson (required,
    2 attempts, pass mark 50 %), extra reading (optional); one enrolled learner."""

    def __init__(self, learner, skill):
        self.learner = learner
        self.skill = skill
        self.course = make_course(title="Statistics 101")
        self.module = make_module(self.course, title="Week 1")
        self.reading = make_lesson(self.module, title="Reading", body=[paragraph()])
        self.quiz_lesson = make_lesson(
            self.module,
            title="Practice",
            skills=[skill],
            body=[
                paragraph(),
                quiz(
                    single_choice(skills=[skill], difficulty="3"),
                    numeric(),
                    pass_mark=50,
                    attempts_allowed=2,
                ),
            ],
        )
        self.extra = make_lesson(
            self.module, title="Extra", required=False, body=[paragraph()]
        )

    # A right and a wrong answer sheet for the quiz lesson.
    RIGHT = {"q-single": "q-single-a", "q-num": "3.14"}
    WRONG = {"q-single": "q-single-b", "q-num": "2"}


@pytest.fixture
def world(learner, topic):
    from courses.services import enrollment_create

    skill = make_skill(topic=topic, name="Descriptive statistics")
    world = CourseWorld(learner, skill)
    enrollment_create(user=learner, course=world.course)
    return world


# Events, assignments and reviews ----------------------------------------------


def make_event_index(**kwargs):
    from courses.models import EventIndexPage

    existing = EventIndexPage.objects.first()
    if existing is not None:
        return existing
    kwargs.setdefault("title", "Events")
    kwargs.setdefault("slug", "events")
    site = Site.objects.filter(is_default_site=True).first()
    parent = site.root_page if site else Page.get_first_root_node()
    return _add(parent, EventIndexPage(**kwargs))


def make_event(index=None, **kwargs):
    """An online event a week from now, two hours long, 3 seats."""
    import datetime

    from django.utils import timezone

    from courses.models import EventPage

    index = index or make_event_index()
    starts = kwargs.setdefault("starts_at", timezone.now() + datetime.timedelta(days=7))
    kwargs.setdefault("ends_at", starts + datetime.timedelta(hours=2))
    kwargs.setdefault("title", f"Event {next(_ids)}")
    kwargs.setdefault("capacity", 3)
    if not kwargs.get("venue"):
        kwargs.setdefault("online_url", "https://meet.example.org/room")
    return _add(index, EventPage(**kwargs))


def assignment(
    id="assignment",
    *,
    text=True,
    files=True,
    extensions="pdf, png, txt",
    max_mb=1,
    max_score=10,
):
    return {
        "type": "assignment",
        "id": id,
        "value": {
            "title": "Hand in your analysis",
            "instructions": "<p>Analyse the data set.</p>",
            "accepts_text": text,
            "accepts_files": files,
            "file_extensions": extensions,
            "max_file_mb": max_mb,
            "max_score": max_score,
        },
    }  # fmt: skip
