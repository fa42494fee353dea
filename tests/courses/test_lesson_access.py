import pytest

from courses.models import CourseInstructor
from courses.services import enrollment_create

from .conftest import make_course, make_lesson, make_module, make_user, paragraph

pytestmark = pytest.mark.django_db

SECRET = "<p>The members-only secret.</p>"
PREVIEW = "<p>Free preview text.</p>"


@pytest.fixture
def lessons():
    course = make_course(title="Private course")
    module = make_module(course)
    first = make_lesson(module, title="Welcome", body=[paragraph(PREVIEW)])
    second = make_lesson(module, title="Deep dive", body=[paragraph(SECRET)])
    return course, first, second


def test_the_first_lesson_is_a_free_preview(client, lessons):
    _course, first, _second = lessons
    html = client.get(first.url).content.decode()
    assert "Free preview text." in html
    assert "Enrol to continue" not in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_unenrolled_visitor_gets_an_enrol_prompt_not_the_lesson(
    client, lessons, signed_in
):
    course, _first, second = lessons
    if signed_in:
        client.force_login(make_user())
    response = client.get(second.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "members-only secret" not in html
    assert "Enrol to continue" in html
    assert f'href="{course.url}"' in html


def test_an_enrolled_learner_reads_every_lesson(client, lessons, learner):
    course, _first, second = lessons
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    html = client.get(second.url).content.decode()
    assert "members-only secret" in html
    assert "Enrol to continue" not in html


def test_the_course_instructor_reads_without_enrolling(client, lessons):
    course, _first, second = lessons
    teacher = make_user()
    CourseInstructor.objects.create(course=course, user=teacher)
    client.force_login(teacher)
    assert "members-only secret" in client.get(second.url).content.decode()


def test_unpublished_lessons_are_not_served(client, lessons, learner):
    course, _first, second = lessons
    enrollment_create(user=learner, course=course)
    second.unpublish()
    client.force_login(learner)
    assert client.get(second.url).status_code == 404
