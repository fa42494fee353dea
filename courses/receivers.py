"""Keep each course's editing group in step with the published course."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published

from .instructor_services import course_group_delete, course_instructors_sync
from .models import CoursePage


@receiver(page_published, sender=CoursePage, dispatch_uid="courses.sync_instructors")
def sync_course_instructors(sender, instance, **kwargs) -> None:
    course_instructors_sync(course=instance)


@receiver(post_delete, sender=CoursePage, dispatch_uid="courses.drop_course_group")
def drop_course_group(sender, instance, **kwargs) -> None:
    course_group_delete(course_id=instance.pk)
