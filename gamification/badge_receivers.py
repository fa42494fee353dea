"""Signal receivers for badges and challenges: keep this process's caches
fresh after an edit, and retire a badge whose course, skill or challenge is
deleted (rather than letting it silently become "any course")."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from courses.models import CoursePage, Skill

from .badge_models import BadgeClass
from .badges import badges_clear_cache
from .challenge_models import Challenge
from .challenges import challenges_clear_cache


@receiver(post_save, sender=BadgeClass)
@receiver(post_delete, sender=BadgeClass)
def badge_classes_changed(**kwargs) -> None:
    badges_clear_cache()


@receiver(post_save, sender=Challenge)
@receiver(post_delete, sender=Challenge)
def challenges_changed(**kwargs) -> None:
    challenges_clear_cache()


def _retire_badges_of(**target) -> None:
    if BadgeClass.objects.filter(**target).update(active=False):
        badges_clear_cache()


@receiver(pre_delete, sender=CoursePage)
def course_deleted(instance, **kwargs) -> None:
    _retire_badges_of(course_id=instance.pk)


@receiver(pre_delete, sender=Skill)
def skill_deleted(instance, **kwargs) -> None:
    _retire_badges_of(skill_id=instance.pk)


@receiver(pre_delete, sender=Challenge)
def challenge_deleted(instance, **kwargs) -> None:
    _retire_badges_of(challenge_id=instance.pk)
