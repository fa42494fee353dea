"""Courses: the skills taxonomy, the course page tree and the learner's state."""

from .taxonomy import Skill, Topic, prerequisite_cycle

__all__ = ["Skill", "Topic", "prerequisite_cycle"]
