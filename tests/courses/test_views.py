import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import (
    CourseCompletion,
    CoursePrerequisite,
    Enrollment,
    LessonProgress,
    QuizAttempt,
)
from courses.services import enrollment_create, lesson_complete, quiz_submit

from .conftest import (
    make_course,
    make_lesson,
    make_module,
    make_skill,
    make_user,
    paragraph,
    quiz,
    single_choice,
)

pytestmark = pytest.mark.django_db


def get_queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches (site root paths, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response.content.decode()


def test_the_catalogue_lists_and_filters_courses(client):
    make_course(title="Intro to SQL", level="beginner", formats=["text"])
    make_course(title="Query tuning", level="advanced", formats=["video"])
    catalogue = make_course().get_parent()

    html = client.get(catalogue.url).content.decode()
    assert "Intro to SQL" in html and "Query tuning" in html

    html = client.get(catalogue.url, {"level": "advanced"}).content.decode()
    assert "Query tuning" in html and "Intro to SQL" not in html
    assert "Clear filters" in html

    # An unknown filter value is ignored rather than an error.
    assert client.get(catalogue.url, {"level": "wizard"}).status_code == 200


def test_catalogue_page_queries_do_not_grow_with_courses(client):
    instructor = make_user()
    # Titled to sort after "Course 0".."Course 19", which fill the first page.
    catalogue = make_course(
        title="Zeta course", instructors=[instructor], formats=["text"]
    ).get_parent()
    small, _ = get_queries(client, catalogue.url)
    for n in range(20):
        make_course(title=f"Course {n}", instructors=[instructor], formats=["video"])
    large, html = get_queries(client, catalogue.url)

    assert "Course 19" in html
    assert small == large


def test_a_learner_enrols_from_the_course_page_and_sees_the_syllabus(client, learner):
    course = make_course(title="Statistics 101")
    module = make_module(course, title="Week 1")
    make_lesson(module, title="Averages", body=[paragraph()])

    html = client.get(course.url).content.decode()
    assert "Log in to enrol" in html and "Averages" in html

    client.force_login(learner)
    response = client.post(f"/learn/courses/{course.pk}/enrol/")
    assert response.status_code == 302
    assert Enrollment.objects.filter(user=learner, course=course).exists()

    html = client.get(course.url).content.decode()
    assert "Start the course" in html and "0 of 1 lessons complete" in html

    client.post(f"/learn/courses/{course.pk}/withdraw/")
    assert Enrollment.objects.get(user=learner).status == "withdrawn"


def test_closed_enrolment_shows_a_message_not_a_button(client, learner):
    course = make_course(enrolment_open=False)
    client.force_login(learner)

    html = client.get(course.url).content.decode()
    assert "Enrolment is closed" in html

    response = client.post(f"/learn/courses/{course.pk}/enrol/", follow=True)
    assert "is closed" in response.content.decode()
    assert not Enrollment.objects.exists()


def _course_with_lessons(learner, count: int):
    course = make_course()
    enrollment_create(user=learner, course=course)
    module = make_module(course)
    lessons = [
        make_lesson(module, body=[paragraph(), quiz(single_choice(id=f"q{n}"))])
        for n in range(count)
    ]
    for lesson in lessons:
        quiz_submit(user=learner, lesson=lesson, quiz_block_id="quiz", answers={})
    return course, lessons


def test_course_and_lesson_page_queries_do_not_grow(client, learner):
    client.force_login(learner)
    course, lessons = _course_with_lessons(learner, 2)
    course_small, _ = get_queries(client, course.url)
    lesson_small, _ = get_queries(client, lessons[1].url)

    module = make_module(course)
    for n in range(20):
        lesson = make_lesson(
            module, body=[paragraph(), quiz(single_choice(id=f"m{n}"))]
        )
        for _ in range(2):
            quiz_submit(user=learner, lesson=lesson, quiz_block_id="quiz", answers={})
    course_large, html = get_queries(client, course.url)
    lesson_large, _ = get_queries(client, lessons[1].url)

    assert html.count('<li class="syllabus-lesson') == 22
    assert course_small == course_large
    assert lesson_small == lesson_large


def test_a_learner_answers_wrong_then_right_and_sees_explanations(client, learner):
    course = make_course()
    enrollment_create(user=learner, course=course)
    module = make_module(course)
    lesson = make_lesson(
        module, title="Means", body=[paragraph(), quiz(single_choice())]
    )
    following = make_lesson(module, title="Medians", body=[paragraph()])
    client.force_login(learner)

    html = client.get(lesson.url).content.decode()
    assert 'name="attempt" value="1"' in html
    assert "Medians" in html  # next lesson link
    url = f"/learn/lessons/{lesson.pk}/quizzes/quiz/"

    html = client.post(
        url, {"q-q-single": "q-single-b", "attempt": "1"}
    ).content.decode()
    assert "Not quite" in html and "Because of q-single" in html
    assert "You answered 0 of 1 correctly." in html

    response = client.post(url, {"q-q-single": "q-single-a", "attempt": "2"})
    html = response.content.decode()
    assert "Passed." in html and "Quiz passed: lesson complete." in html
    assert LessonProgress.objects.get(lesson=lesson).completed_at is not None
    assert "1 of 2 lessons" in html  # the progress bar moved

    # Reloading the POST (same attempt number) is refused and counts nothing.
    response = client.post(url, {"q-q-single": "q-single-a", "attempt": "2"})
    assert response.status_code == 400
    assert "already submitted" in response.content.decode()
    assert QuizAttempt.objects.count() == 2

    response = client.post(f"/learn/lessons/{following.pk}/complete/")
    assert response.status_code == 302
    assert Enrollment.objects.get(user=learner).status == "completed"


def test_a_learner_who_is_not_enrolled_cannot_submit(client, learner):
    lesson = make_lesson(body=[quiz(single_choice())])
    client.force_login(learner)

    html = client.get(lesson.url).content.decode()
    assert "Enrol in the course to answer this quiz." in html

    response = client.post(
        f"/learn/lessons/{lesson.pk}/quizzes/quiz/", {"q-q-single": "q-single-a"}
    )
    assert response.status_code == 400
    assert "to take part in its lessons" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_anonymous_posts_are_sent_to_log_in(client):
    lesson = make_lesson(body=[quiz(single_choice())])

    response = client.post(f"/learn/lessons/{lesson.pk}/quizzes/quiz/", {})

    assert response.status_code == 302 and "login" in response["Location"]


def test_the_catalogue_filters_by_skill(client, topic):
    sql = make_skill(topic=topic, name="SQL joins", slug="sql-joins")
    pandas = make_skill(topic=topic, name="Pandas", slug="pandas")
    joins = make_course(title="Joins in depth")
    joins.skills = [sql]
    joins.save_revision().publish()
    frames = make_course(title="Data frames")
    frames.skills = [pandas]
    frames.save_revision().publish()
    catalogue = joins.get_parent()

    html = client.get(catalogue.url).content.decode()
    assert '<optgroup label="Data science">' in html and ">SQL joins<" in html

    html = client.get(catalogue.url, {"skill": "sql-joins"}).content.decode()
    assert "Joins in depth" in html and "Data frames" not in html


def test_the_course_page_shows_skills_and_what_to_know_first(client, topic):
    basics = make_course(title="SQL basics")
    course = make_course(title="Query tuning")
    course.skills = [make_skill(topic=topic, name="Indexes")]
    course.prerequisite_skills = [make_skill(topic=topic, name="SELECT")]
    course.prerequisite_links = [CoursePrerequisite(required_course=basics)]
    course.save_revision().publish()

    html = client.get(course.url).content.decode()

    assert "Skills you will practise" in html and "Indexes" in html
    assert 'data-testid="prerequisites"' in html and "SELECT" in html
    assert f'<a href="{basics.url}">SQL basics</a>' in html

    basics.unpublish()
    html = client.get(course.url).content.decode()
    assert "SQL basics" not in html


def test_a_learner_who_completed_the_course_finds_the_certificate(client, learner):
    course = make_course()
    lesson = make_lesson(make_module(course), body=[paragraph()])
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lesson)
    client.force_login(learner)

    html = client.get(course.url).content.decode()

    certificate = CourseCompletion.objects.get(user=learner).certificate_id
    assert 'data-testid="course-completed"' in html
    assert f"/learn/certificates/{certificate}/" in html
    assert client.get(f"/learn/certificates/{certificate}/").status_code == 200
