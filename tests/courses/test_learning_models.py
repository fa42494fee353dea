import pytest
from django.db import IntegrityError, transaction

from courses.models import CourseCompletion, Enrollment, QuizAttempt

from .conftest import make_course, make_lesson

pytestmark = pytest.mark.django_db


def test_a_learner_has_one_enrolment_per_course(learner):
    course = make_course()
    Enrollment.objects.create(user=learner, course=course)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(user=learner, course=course)


def test_attempt_numbers_are_unique_per_learner_and_quiz(learner):
    lesson = make_lesson()
    QuizAttempt.objects.create(user=learner, lesson=lesson, quiz_block_id="q", number=1)
    QuizAttempt.objects.create(user=learner, lesson=lesson, quiz_block_id="r", number=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        QuizAttempt.objects.create(
            user=learner, lesson=lesson, quiz_block_id="q", number=1
        )


def test_each_completion_gets_its_own_certificate_id(learner):
    first = CourseCompletion.objects.create(user=learner, course=make_course())
    second = CourseCompletion.objects.create(user=learner, course=make_course())

    assert first.certificate_id != second.certificate_id
