"""Lesson body blocks: the shared content blocks plus quizzes and assignments.

Every question and every choice keeps a stable id (its StreamField block id or
ListBlock item id); grading refers to those ids, never to positions or text.
"""

import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from core.blocks import ContentStreamBlock

from . import grading
from .choices import Difficulty

BLOCK_TEMPLATES = "courses/blocks"
PROMPT_FEATURES = ["bold", "italic", "code", "link"]
EXPLANATION_FEATURES = ["bold", "italic", "code", "link", "ol", "ul"]
DIFFICULTY_CHOICES = [(str(value), label) for value, label in Difficulty.choices]


class AnswerChoiceBlock(blocks.StructBlock):
    """One option of a choice question."""

    text = blocks.CharBlock(max_length=300)
    correct = blocks.BooleanBlock(required=False)

    class Meta:
        icon = "radio-full"
        label = _("Choice")


class QuestionBlock(blocks.StructBlock):
    """Fields every question type shares."""

    prompt = blocks.RichTextBlock(features=PROMPT_FEATURES)
    skills = blocks.ListBlock(
        SnippetChooserBlock("courses.Skill"),
        default=[],
        help_text=_("The skills this question assesses."),
    )
    difficulty = blocks.ChoiceBlock(
        choices=DIFFICULTY_CHOICES, default=str(Difficulty.MEDIUM.value)
    )
    explanation = blocks.RichTextBlock(
        features=EXPLANATION_FEATURES,
        help_text=_("Shown after answering: why the right answer is right."),
    )

    class Meta:
        icon = "help"
        template = f"{BLOCK_TEMPLATES}/question_block.html"


def _choices_error(message):
    return StructBlockValidationError(
        block_errors={"choices": ValidationError(message)}
    )


class SingleChoiceQuestionBlock(QuestionBlock):
    """A question with exactly one right choice."""

    choices = blocks.ListBlock(AnswerChoiceBlock(), min_num=2)

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for choice in value["choices"] if choice["correct"]) != 1:
            raise _choices_error(_("Mark exactly one choice as correct."))
        return value

    class Meta:
        icon = "radio-full"
        label = _("Single choice")


class MultipleChoiceQuestionBlock(QuestionBlock):
    """A question where the learner ticks every right choice (all or nothing)."""

    choices = blocks.ListBlock(AnswerChoiceBlock(), min_num=2)

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise _choices_error(_("Mark at least one choice as correct."))
        return value

    class Meta:
        icon = "tasks"
        label = _("Multiple choice")


class NumericQuestionBlock(QuestionBlock):
    """A question answered with a number, right within a tolerance."""

    answer = blocks.DecimalBlock(decimal_places=6, max_digits=20)
    tolerance = blocks.DecimalBlock(
        decimal_places=6,
        max_digits=20,
        min_value=0,
        default=Decimal(0),
        required=False,
        help_text=_("Answers this far from the right one still count (0 = exact)."),
    )
    unit = blocks.CharBlock(required=False, max_length=30)

    class Meta:
        icon = "order"
        label = _("Number")


class ShortTextQuestionBlock(QuestionBlock):
    """A question answered in a few words; case, accents and spacing are ignored."""

    accepted_answers = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        min_num=1,
        help_text=_("Every answer that counts as right, e.g. “HTTP” and “hypertext”."),
    )

    class Meta:
        icon = "edit"
        label = _("Short text")


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    numeric = NumericQuestionBlock()
    short_text = ShortTextQuestionBlock()

    class Meta:
        min_num = 1


class QuizValue(blocks.StructValue):
    def as_quiz(self, block_id: str) -> grading.Quiz:
        """The gradable form of this quiz: ids and answers, no presentation."""
        questions = []
        for child in self.get("questions") or []:
            value = child.value
            choices = ()
            if child.block_type in (grading.SINGLE_CHOICE, grading.MULTIPLE_CHOICE):
                choices = tuple(
                    grading.Choice(id=item.id, correct=bool(item.value["correct"]))
                    for item in value["choices"].bound_blocks
                )
            questions.append(
                grading.Question(
                    id=child.id,
                    kind=child.block_type,
                    choices=choices,
                    answer=value.get("answer"),
                    tolerance=value.get("tolerance") or Decimal(0),
                    accepted_answers=tuple(value.get("accepted_answers") or ()),
                    skill_ids=tuple(s.pk for s in value.get("skills") or () if s),
                    difficulty=int(value.get("difficulty") or Difficulty.MEDIUM),
                )
            )
        return grading.Quiz(
            id=block_id,
            pass_mark=self.get("pass_mark") or 0,
            attempts_allowed=self.get("attempts_allowed") or 0,
            questions=tuple(questions),
        )


class QuizBlock(blocks.StructBlock):
    """A graded quiz: passing it completes the lesson."""

    title = blocks.CharBlock(max_length=120, default=_("Check your understanding"))
    pass_mark = blocks.IntegerBlock(
        min_value=0,
        max_value=100,
        default=70,
        help_text=_("Percentage of questions to answer correctly to pass."),
    )
    attempts_allowed = blocks.IntegerBlock(
        min_value=0, default=0, help_text=_("0 allows unlimited attempts.")
    )
    shuffle = blocks.BooleanBlock(
        required=False, help_text=_("Show questions and choices in a random order.")
    )
    questions = QuestionStreamBlock()

    def get_context(self, value, parent_context=None):
        """Questions in display order, with the learner's feedback when the page
        is rendered right after grading (`quiz_feedback` in the page context)."""
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        quiz_id = parent_context.get("id") or ""
        feedback = parent_context.get("quiz_feedback")
        if feedback is not None and feedback.quiz_id != quiz_id:
            feedback = None
        questions = []
        for child in value["questions"]:
            answer = feedback.questions.get(child.id) if feedback else None
            response = answer.response if answer else None
            chosen = set(response if isinstance(response, list) else [response])
            choices = [
                {"id": item.id, "text": item.value["text"], "chosen": item.id in chosen}
                for item in getattr(child.value.get("choices"), "bound_blocks", [])
            ]
            questions.append(
                {
                    "id": child.id,
                    "type": child.block_type,
                    "value": child.value,
                    "choices": choices,
                    "response": response,
                    "feedback": answer,
                }
            )
        if value["shuffle"]:
            # Seeded by learner and quiz: the order is stable across reloads and
            # after feedback, yet differs between learners. Not security-relevant.
            user = parent_context.get("user")
            seed = f"{getattr(user, 'pk', '')}:{quiz_id}"
            shuffler = random.Random(seed)  # noqa: S311
            shuffler.shuffle(questions)
            for question in questions:
                shuffler.shuffle(question["choices"])
        attempts = (parent_context.get("quiz_attempts") or {}).get(quiz_id, [])
        allowed = value["attempts_allowed"]
        page = parent_context.get("page")
        submit_url = ""
        can_submit = parent_context.get("quiz_can_submit") and (
            not allowed or len(attempts) < allowed
        )
        if can_submit and page is not None and quiz_id:
            submit_url = reverse(
                "courses:quiz_submit",
                kwargs={"lesson_id": page.pk, "quiz_id": quiz_id},
            )
        context.update(
            quiz_id=quiz_id,
            questions=questions,
            feedback=feedback,
            submit_url=submit_url,
            attempts=attempts,
            next_attempt=len(attempts) + 1,
            attempts_left=max(allowed - len(attempts), 0) if allowed else None,
            passed=any(attempt.passed for attempt in attempts),
        )
        return context

    class Meta:
        icon = "form"
        label = _("Quiz")
        template = f"{BLOCK_TEMPLATES}/quiz_block.html"
        value_class = QuizValue


class AssignmentBlock(blocks.StructBlock):
    """A task learners hand in as text and/or files, reviewed by an instructor."""

    title = blocks.CharBlock(max_length=120)
    instructions = blocks.RichTextBlock(features=EXPLANATION_FEATURES)
    accepts_text = blocks.BooleanBlock(required=False, default=True)
    accepts_files = blocks.BooleanBlock(required=False)
    file_extensions = blocks.CharBlock(
        required=False,
        max_length=120,
        default="pdf, png, jpg, zip",
        help_text=_("Comma-separated, e.g. “pdf, png, jpg”."),
    )
    max_file_mb = blocks.IntegerBlock(min_value=1, max_value=50, default=10)
    max_score = blocks.IntegerBlock(
        min_value=1,
        max_value=1000,
        default=100,
        help_text=_("The highest score an instructor can give."),
    )

    def get_context(self, value, parent_context=None):
        """The learner's submission and the hand-in form's address."""
        from .assignment_services import assignment_block_context

        context = super().get_context(value, parent_context=parent_context)
        context.update(assignment_block_context(value, parent_context or {}))
        return context

    def clean(self, value):
        value = super().clean(value)
        if not value["accepts_text"] and not value["accepts_files"]:
            raise StructBlockValidationError(
                block_errors={
                    "accepts_text": ValidationError(
                        _("Accept text, files or both, or learners cannot hand in.")
                    )
                }
            )
        return value

    class Meta:
        icon = "clipboard-list"
        label = _("Assignment")
        template = f"{BLOCK_TEMPLATES}/assignment_block.html"


class LessonStreamBlock(ContentStreamBlock):
    """A lesson body: the shared content blocks plus quizzes and assignments."""

    quiz = QuizBlock()
    assignment = AssignmentBlock()
