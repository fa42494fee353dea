from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from courses import grading
from courses.blocks import SingleChoiceQuestionBlock
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage

from .conftest import (
    make_course,
    make_lesson,
    make_module,
    multiple_choice,
    numeric,
    paragraph,
    quiz,
    short_text,
    single_choice,
)

pytestmark = pytest.mark.django_db


def test_the_course_tree_only_nests_in_order():
    assert CoursePage.can_exist_under(CourseIndexPage())
    assert not CoursePage.can_exist_under(ModulePage())
    assert ModulePage.can_exist_under(CoursePage())
    assert LessonPage.can_exist_under(ModulePage())
    assert not LessonPage.can_exist_under(CoursePage())
    assert LessonPage.allowed_subpage_models() == []


def test_a_cohort_course_needs_a_start_before_its_end():
    course = make_course()
    course.self_paced = False
    with pytest.raises(ValidationError) as excinfo:
        course.full_clean()
    assert "starts_on" in excinfo.value.message_dict

    course.starts_on = course.ends_on = None
    course.starts_on, course.ends_on = "2030-02-01", "2030-01-01"
    with pytest.raises(ValidationError) as excinfo:
        course.full_clean()
    assert "ends_on" in excinfo.value.message_dict


def test_question_and_choice_ids_survive_saving_and_reloading(topic):
    from .conftest import make_skill

    skill = make_skill(topic=topic)
    lesson = make_lesson(
        body=[
            paragraph(),
            quiz(
                single_choice(skills=[skill], difficulty="3"),
                multiple_choice(),
                numeric(),
                short_text(accepted=("HTTP", "hypertext transfer protocol")),
            ),
        ]
    )

    stored = LessonPage.objects.get(pk=lesson.pk)
    spec = stored.quizzes()["quiz"].as_quiz("quiz")

    assert [q.id for q in spec.questions] == ["q-single", "q-multi", "q-num", "q-text"]
    single = spec.question("q-single")
    assert single.kind == grading.SINGLE_CHOICE
    assert single.correct_choice_ids == {"q-single-a"}
    assert single.choice_ids == {"q-single-a", "q-single-b", "q-single-c"}
    assert single.skill_ids == (skill.pk,)
    assert single.difficulty == 3
    assert spec.question("q-multi").correct_choice_ids == {"q-multi-a", "q-multi-b"}
    assert spec.question("q-num").answer == Decimal("3.14")
    assert spec.question("q-num").tolerance == Decimal("0.01")
    assert spec.question("q-text").accepted_answers == (
        "HTTP",
        "hypertext transfer protocol",
    )
    assert (spec.pass_mark, spec.attempts_allowed) == (70, 0)
    assert stored.has_quiz


def test_a_single_choice_question_needs_exactly_one_right_choice():
    block = SingleChoiceQuestionBlock()
    value = block.to_python(single_choice()["value"])
    block.clean(value)  # one right choice: fine

    value["choices"][1]["correct"] = True
    with pytest.raises(ValidationError):
        block.clean(value)


def test_the_quiz_renders_a_form_field_per_question_named_by_its_id():
    lesson = make_lesson(
        module=make_module(),
        body=[quiz(single_choice(), numeric(), short_text())],
    )
    lesson = LessonPage.objects.get(pk=lesson.pk)

    html = lesson.body.render_as_block({"page": lesson})

    assert 'name="q-q-single" value="q-single-a"' in html
    assert 'name="q-q-num"' in html
    assert 'name="q-q-text"' in html
    assert "Enrol in the course to answer this quiz." in html
    # Explanations (which give the answers away) are not sent before answering.
    assert "Because of" not in html
