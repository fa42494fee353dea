"""A small published catalogue for path tests, built with the course builders.

Skills: Python basics → Data wrangling → Data analysis ← Statistics.
Courses (one module each):
- Python starter (beginner): "Variables" (lesson), "Loops quiz" (quiz)
- Python refresher (beginner): "Python in ten minutes" (lesson, the easiest)
- Wrangling (intermediate): "Tables" (lesson), "Tables quiz" (quiz)
- Statistics (beginner, video): "Averages" (lesson)
- Analysis (intermediate): "Analysis intro" (lesson), "Analysis quiz" (a hard
  quiz asking about analysis and wrangling)
"""

from courses.models import CourseFormat, LessonPage
from courses.services import enrollment_create, quiz_submit
from tests.courses.conftest import (
    make_course,
    make_lesson,
    make_module,
    make_skill,
    make_topic,
    make_user,
    paragraph,
    quiz,
    single_choice,
)


class PathWorld:
    def __init__(self):
        topic = make_topic(name="Data science", slug="data-science")
        self.topic = topic
        self.python = make_skill(topic=topic, name="Python basics")
        self.wrangling = make_skill(
            topic=topic, name="Data wrangling", prerequisites=[self.python]
        )
        self.stats = make_skill(topic=topic, name="Statistics")
        self.analysis = make_skill(
            topic=topic,
            name="Data analysis",
            prerequisites=[self.wrangling, self.stats],
        )
        self.starter = make_course(title="Python starter", level="beginner")
        self.refresher = make_course(title="Python refresher", level="beginner")
        self.wrangling_course = make_course(title="Wrangling", level="intermediate")
        self.stats_course = make_course(title="Statistics", level="beginner")
        self.stats_course.formats = list(CourseFormat.objects.filter(code="video"))
        self.stats_course.save()
        self.analysis_course = make_course(title="Analysis", level="intermediate")
        for course, skills in (
            (self.starter, [self.python]),
            (self.refresher, [self.python]),
            (self.wrangling_course, [self.wrangling]),
            (self.stats_course, [self.stats]),
            (self.analysis_course, [self.analysis]),
        ):
            course.skills = skills
            course.save()

        module = make_module(self.starter, title="Basics")
        self.variables = self._lesson(module, "Variables", [self.python], 1, 20)
        self.loops_quiz = self._lesson(
            module,
            "Loops quiz",
            [self.python],
            1,
            15,
            body=[quiz(single_choice(id="loops-q", skills=[self.python]), id="q1")],
        )
        module = make_module(self.refresher, title="Refresher")
        self.ten_minutes = self._lesson(
            module, "Python in ten minutes", [self.python], 1, 10
        )
        module = make_module(self.wrangling_course, title="Tables")
        self.tables = self._lesson(module, "Tables", [self.wrangling], 2, 30)
        self.tables_quiz = self._lesson(
            module,
            "Tables quiz",
            [self.wrangling],
            2,
            15,
            body=[quiz(single_choice(id="tables-q", skills=[self.wrangling]), id="q1")],
        )
        module = make_module(self.stats_course, title="Averages")
        self.averages = self._lesson(module, "Averages", [self.stats], 1, 25)
        module = make_module(self.analysis_course, title="Analysis")
        self.analysis_intro = self._lesson(
            module, "Analysis intro", [self.analysis], 2, 30
        )
        self.analysis_quiz = self._lesson(
            module,
            "Analysis quiz",
            [self.analysis],
            3,
            20,
            body=[
                quiz(
                    single_choice(
                        id="an-q1", skills=[self.analysis], prompt="Analysis?"
                    ),
                    single_choice(
                        id="an-q2", skills=[self.wrangling], prompt="Wrangling?"
                    ),
                    id="q1",
                    pass_mark=100,
                )
            ],
        )

    @staticmethod
    def _lesson(module, title, skills, difficulty, minutes, body=None):
        return make_lesson(
            module,
            title=title,
            skills=skills,
            difficulty=difficulty,
            estimated_minutes=minutes,
            body=body or [paragraph()],
        )

    RIGHT = {"an-q1": "an-q1-a", "an-q2": "an-q2-a"}
    WRONG = {"an-q1": "an-q1-b", "an-q2": "an-q2-b"}

    def fail_analysis_quiz(self, member):
        enrollment_create(user=member, course=self.analysis_course)
        return quiz_submit(
            user=member,
            lesson=LessonPage.objects.get(pk=self.analysis_quiz.pk),
            quiz_block_id="q1",
            answers=self.WRONG,
        )


def member(**kwargs):
    return make_user(**kwargs)
