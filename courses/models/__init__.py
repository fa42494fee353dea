"""Courses: the skills taxonomy, the course page tree and the learner's state."""

from .pages import (
    CourseFormat,
    CourseIndexPage,
    CourseInstructor,
    CoursePage,
    CoursePrerequisite,
    LessonPage,
    ModulePage,
)
from .taxonomy import Skill, Topic, prerequisite_cycle

__all__ = [
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
