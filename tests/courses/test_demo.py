import pytest

from activity.models import Activity
from courses.demo import seed_courses
from courses.models import (
    CourseCompletion,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizAttempt,
    Skill,
    Topic,
)

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    models = [Topic, Skill, CoursePage, ModulePage, LessonPage, Enrollment]
    models += [LessonProgress, QuizAttempt, CourseCompletion, Activity]
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_catalogue_is_rich_and_seeding_twice_adds_nothing():
    instructors = [make_user(username="amara"), make_user(username="ines")]
    learners = [make_user(username=f"learner{n}") for n in range(5)]

    result = seed_courses(instructors=instructors, learners=learners)
    first = _counts()
    seed_courses(instructors=instructors, learners=learners)

    assert _counts() == first
    courses = result["courses"]
    assert len(courses) >= 8
    assert len({course.topic_id for course in courses}) >= 3
    assert {course.level for course in courses} == {
        "beginner",
        "intermediate",
        "advanced",
    }
    assert {course.language for course in courses} >= {"en", "de"}
    assert any(not course.enrolment_open for course in courses)
    assert any(not course.self_paced for course in courses)
    assert Skill.objects.filter(prerequisites__isnull=False).distinct().count() >= 4

    for course in courses:
        assert course.instructor_links.exists()
        lessons = LessonPage.objects.live().descendant_of(course)
        assert ModulePage.objects.child_of(course).count() >= 2
        assert lessons.count() >= 2
        quizzes = [q for lesson in lessons for q in lesson.quizzes().values()]
        assert quizzes, course.title
        for quiz in quizzes:
            for question in quiz["questions"]:
                assert str(question.value["explanation"]).strip()

    # Learners are part-way through, with the activity log to match.
    assert Enrollment.objects.count() >= 8
    assert LessonProgress.objects.filter(completed_at__isnull=False).exists()
    assert QuizAttempt.objects.filter(passed=False).exists()
    assert CourseCompletion.objects.count() >= 2
    assert Activity.objects.filter(verb="answered").exists()


def test_every_demo_quiz_is_passable_with_its_own_answers():
    from courses.demo import _right_answers
    from courses.grading import grade_quiz

    seed_courses(instructors=[make_user()], learners=[])

    for lesson in LessonPage.objects.all():
        for quiz_id, quiz in lesson.quizzes().items():
            result = grade_quiz(quiz.as_quiz(quiz_id), _right_answers(lesson, quiz_id))
            assert result.passed and result.raw == result.max, lesson.title
