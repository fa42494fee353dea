"""The grading rules, on plain data (no database)."""

from decimal import Decimal

import pytest

from courses.grading import (
    Choice,
    GradingError,
    Question,
    Quiz,
    grade_question,
    grade_quiz,
    normalise_text,
    parse_number,
)

SINGLE = Question(
    id="s",
    kind="single_choice",
    choices=(Choice("a", True), Choice("b", False), Choice("c", False)),
)
MULTI = Question(
    id="m",
    kind="multiple_choice",
    choices=(Choice("a", True), Choice("b", True), Choice("c", False)),
)
NUMBER = Question(
    id="n", kind="numeric", answer=Decimal("9.81"), tolerance=Decimal("0.05")
)
EXACT = Question(id="e", kind="numeric", answer=Decimal("0.3"))
TEXT = Question(
    id="t", kind="short_text", accepted_answers=("Ångström", "angstrom unit")
)


@pytest.mark.parametrize(
    ("response", "correct"), [("a", True), ("b", False), (None, False), ("", False)]
)
def test_single_choice(response, correct):
    assert grade_question(SINGLE, response).correct is correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        (["a", "b"], True),
        (["b", "a", "a"], True),  # order and repeats do not matter
        (["a"], False),  # all or nothing
        (["a", "b", "c"], False),
        ([], False),
    ],
)
def test_multiple_choice_needs_exactly_the_right_set(response, correct):
    assert grade_question(MULTI, response).correct is correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        ("9.81", True),
        ("9.86", True),  # at the edge of the tolerance
        ("9.76", True),
        ("9.87", False),
        ("9,8", True),  # decimal comma
        (9.8, True),
        (" 9.81 ", True),
        ("10", False),
    ],
)
def test_numeric_answers_count_within_the_tolerance(response, correct):
    assert grade_question(NUMBER, response).correct is correct


def test_numeric_comparison_is_exact_decimal_not_float():
    # 0.1 + 0.2 is 0.30000000000000004 in floats; an exact answer must still match.
    assert grade_question(EXACT, "0.3").correct
    assert grade_question(EXACT, 0.3).correct
    assert not grade_question(EXACT, "0.30001").correct


@pytest.mark.parametrize("response", ["abc", "NaN", "inf", True, {"x": 1}])
def test_a_non_number_is_refused_not_graded(response):
    with pytest.raises(GradingError) as excinfo:
        grade_question(NUMBER, response)
    assert excinfo.value.code == "not_a_number"
    assert excinfo.value.question_id == "n"


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        ("Ångström", True),
        ("angstrom", True),  # accents stripped, case folded
        ("  ANGSTROM   unit ", True),  # whitespace trimmed and collapsed
        ("angstrom\tunit", True),
        ("angstroms", False),
        ("", False),
    ],
)
def test_short_text_matches_after_normalising(response, correct):
    assert grade_question(TEXT, response).correct is correct


def test_normalise_text():
    assert normalise_text("  Crème\u00a0  BRÛLÉE ") == "creme brulee"
    assert normalise_text("Straße") == "strasse"  # casefold, not lower


def test_parse_number_accepts_common_spellings():
    assert parse_number("\u22122,5") == Decimal("-2.5")
    assert parse_number("1 000") == Decimal(1000)


@pytest.mark.parametrize(
    ("question", "response"),
    [(SINGLE, "z"), (SINGLE, ["a"]), (MULTI, ["a", "z"]), (MULTI, [1])],
)
def test_tampered_or_malformed_choices_are_refused(question, response):
    with pytest.raises(GradingError) as excinfo:
        grade_question(question, response)
    assert excinfo.value.code in {"unknown_choice", "bad_response"}


def test_a_quiz_refuses_answers_to_questions_it_does_not_have():
    quiz = Quiz(id="q", pass_mark=50, attempts_allowed=0, questions=(SINGLE,))
    with pytest.raises(GradingError) as excinfo:
        grade_quiz(quiz, {"s": "a", "elsewhere": "a"})
    assert (excinfo.value.code, excinfo.value.question_id) == (
        "unknown_question",
        "elsewhere",
    )


def test_quiz_score_and_pass_mark():
    quiz = Quiz(
        id="q",
        pass_mark=60,
        attempts_allowed=0,
        questions=(SINGLE, MULTI, NUMBER, EXACT, TEXT),
    )
    result = grade_quiz(quiz, {"s": "a", "m": ["a", "b"], "n": "9.8", "t": "nope"})

    assert (result.raw, result.max) == (3, 5)  # unanswered EXACT counts as wrong
    assert result.scaled == 0.6
    assert result.passed  # exactly at the pass mark passes
    assert [r.correct for r in result.results] == [True, True, True, False, False]

    assert not grade_quiz(quiz, {"s": "a", "m": ["a", "b"]}).passed


def test_a_pass_mark_of_seventy_percent_is_met_by_seven_of_ten_exactly():
    questions = tuple(
        Question(id=str(n), kind="short_text", accepted_answers=("yes",))
        for n in range(10)
    )
    quiz = Quiz(id="q", pass_mark=70, attempts_allowed=0, questions=questions)
    answers = {str(n): "yes" if n < 7 else "no" for n in range(10)}

    assert grade_quiz(quiz, answers).passed
