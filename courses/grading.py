"""Quiz grading: pure functions over plain data, so the rules are easy to test
and nothing a learner sends can change what counts as correct.

A quiz arrives here as a `Quiz` built from the stored page (see
`courses.blocks.QuizValue.as_quiz`); answers arrive as a mapping from question id
to the learner's raw response. Errors carry a `code`; the service turns codes into
messages a learner can read.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
NUMERIC = "numeric"
SHORT_TEXT = "short_text"
QUESTION_KINDS = (SINGLE_CHOICE, MULTIPLE_CHOICE, NUMERIC, SHORT_TEXT)
MAX_TEXT_RESPONSE = 500


@dataclass(frozen=True)
class Choice:
    id: str
    correct: bool


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    choices: tuple[Choice, ...] = ()
    answer: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    accepted_answers: tuple[str, ...] = ()
    skill_ids: tuple[int, ...] = ()
    difficulty: int = 2

    @property
    def correct_choice_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices if choice.correct)

    @property
    def choice_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices)


@dataclass(frozen=True)
class Quiz:
    id: str
    pass_mark: int  # percent
    attempts_allowed: int  # 0 = unlimited
    questions: tuple[Question, ...] = ()

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    response: object  # the cleaned response, JSON-serialisable; None if unanswered
    correct: bool

    @property
    def score(self) -> int:
        return int(self.correct)


@dataclass(frozen=True)
class QuizResult:
    results: tuple[QuestionResult, ...]
    passed: bool
    raw: int = field(default=0)
    max: int = field(default=0)

    @property
    def scaled(self) -> float:
        return self.raw / self.max if self.max else 0.0


class GradingError(ValueError):
    """An answer set that cannot be graded; nothing should be recorded."""

    def __init__(self, code: str, question_id: str | None = None):
        super().__init__(code, question_id)
        self.code = code
        self.question_id = question_id


def normalise_text(text: str) -> str:
    """Casefold, drop accents, trim and collapse inner whitespace: "  Ångström  Units"
    and "angstrom units" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", without_accents.casefold()).strip()


def parse_number(value: object) -> Decimal:
    """A finite decimal from a number or a string such as "3.5", "3,5" or "−2"."""
    if isinstance(value, bool):
        raise GradingError("not_a_number")
    if isinstance(value, int | float | Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = re.sub(r"[\s_\u202f\u00a0]", "", value).replace("\u2212", "-")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
    else:
        raise GradingError("not_a_number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise GradingError("not_a_number") from None
    if not number.is_finite():
        raise GradingError("not_a_number")
    return number


def clean_response(question: Question, response: object) -> object:
    """Check a response has the shape its question needs and refers only to the
    question's own choices. Returns the cleaned, JSON-serialisable response, or
    None when the question was left unanswered."""
    if response is None or response == "" or response == []:
        return None
    if question.kind == SINGLE_CHOICE:
        if not isinstance(response, str):
            raise GradingError("bad_response", question.id)
        if response not in question.choice_ids:
            raise GradingError("unknown_choice", question.id)
        return response
    if question.kind == MULTIPLE_CHOICE:
        if isinstance(response, str):
            response = [response]
        if not isinstance(response, list | tuple) or not all(
            isinstance(item, str) for item in response
        ):
            raise GradingError("bad_response", question.id)
        if not set(response) <= question.choice_ids:
            raise GradingError("unknown_choice", question.id)
        return sorted(set(response))
    if question.kind == NUMERIC:
        try:
            return str(parse_number(response))
        except GradingError:
            raise GradingError("not_a_number", question.id) from None
    if question.kind == SHORT_TEXT:
        if not isinstance(response, str) or len(response) > MAX_TEXT_RESPONSE:
            raise GradingError("bad_response", question.id)
        return response.strip()
    raise GradingError("unknown_question_kind", question.id)


def is_correct(question: Question, cleaned: object) -> bool:
    """Whether a cleaned response (see `clean_response`) answers the question."""
    if cleaned is None:
        return False
    if question.kind == SINGLE_CHOICE:
        return cleaned in question.correct_choice_ids
    if question.kind == MULTIPLE_CHOICE:
        return frozenset(cleaned) == question.correct_choice_ids
    if question.kind == NUMERIC:
        if question.answer is None:
            return False
        return abs(Decimal(cleaned) - question.answer) <= abs(question.tolerance)
    if question.kind == SHORT_TEXT:
        accepted = {normalise_text(answer) for answer in question.accepted_answers}
        return normalise_text(cleaned) in accepted
    return False


def grade_question(question: Question, response: object) -> QuestionResult:
    cleaned = clean_response(question, response)
    return QuestionResult(question.id, cleaned, is_correct(question, cleaned))


def grade_quiz(quiz: Quiz, answers: Mapping[str, object]) -> QuizResult:
    """Grade every question of the quiz (unanswered ones count as wrong).

    Raises GradingError("unknown_question") for an answer to a question that is
    not in this quiz, and the errors of `clean_response` for malformed answers."""
    if not isinstance(answers, Mapping):
        raise GradingError("bad_answers")
    known = {question.id for question in quiz.questions}
    for question_id in answers:
        if question_id not in known:
            raise GradingError("unknown_question", str(question_id))
    results = tuple(
        grade_question(question, answers.get(question.id))
        for question in quiz.questions
    )
    raw, maximum = sum(r.score for r in results), len(results)
    # Integer arithmetic: 7 of 10 against a 70 % pass mark passes exactly.
    passed = maximum > 0 and raw * 100 >= quiz.pass_mark * maximum
    return QuizResult(results=results, passed=passed, raw=raw, max=maximum)
