"""Choice sets shared by the course pages, their blocks and the learner models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class Format(models.TextChoices):
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    LIVE = "live", _("Live sessions")
    HANDS_ON = "hands-on", _("Hands-on")


class CareerStage(models.TextChoices):
    ANY = "", _("Any stage")
    STUDENT = "student", _("Student")
    EARLY = "early", _("Early career")
    MID = "mid", _("Mid-career")
    SENIOR = "senior", _("Senior")
    CHANGER = "changer", _("Changing careers")


class Length(models.TextChoices):
    """Catalogue length buckets, by estimated hours."""

    SHORT = "short", _("Under 5 hours")
    MEDIUM = "medium", _("5 to 20 hours")
    LONG = "long", _("Over 20 hours")


LENGTH_BOUNDS_HOURS = {
    Length.SHORT: (None, 5),
    Length.MEDIUM: (5, 20),
    Length.LONG: (20, None),
}
