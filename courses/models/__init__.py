"""Courses: the skills taxonomy, the course page tree and the learner's state."""

from .assignments import AssignmentSubmission
from .events import EventIndexPage, EventPage, EventRegistration
from .learning import (
    CourseCompletion,
    Enrollment,
    LessonProgress,
    QuestionResponse,
    QuizAttempt,
)
from .pages import (
    CourseFormat,
    CourseIndexPage,
    CourseInstructor,
    CoursePage,
    CoursePrerequisite,
    LessonPage,
    ModulePage,
)
from .reviews import CourseReview
from .taxonomy import Skill, Topic, prerequisite_cycle

__all__ = [
    "AssignmentSubmission",
    "CourseReview",
    "EventIndexPage",
    "EventPage",
    "EventRegistration",
    "CourseCompletion",
    "Enrollment",
    "LessonProgress",
    "QuestionResponse",
    "QuizAttempt",
    "CourseFormat",
    "CourseIndexPage",
    "CourseInstructor",
    "CoursePage",
    "CoursePrerequisite",
    "LessonPage",
    "ModulePage",
    "Skill",
    "Topic",
    "prerequisite_cycle",
]
