"""Keep each course's editing group in step with the published course, and
the cached syllabus and catalogue in step with the course tree."""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .content_cache import content_changed
from .instructor_services import (
    course_group_delete,
    course_groups_backfill,
    course_instructors_sync,
)
from .models import (
    CourseIndexPage,
    CourseInstructor,
    CoursePage,
    CoursePrerequisite,
    CourseReview,
    EventPage,
    LessonPage,
    ModulePage,
    Skill,
    Topic,
)

CACHED_CONTENT = (
    CourseIndexPage,
    CoursePage,
    ModulePage,
    LessonPage,
    CourseInstructor,
    CoursePrerequisite,
    Topic,
    Skill,
    # The course page caches its upcoming events and its reviews; the catalogue
    # and course events leave out pages behind a view restriction.
    EventPage,
    CourseReview,
    PageViewRestriction,
)


@receiver(page_published, sender=CoursePage, dispatch_uid="courses.sync_instructors")
def sync_course_instructors(sender, instance, **kwargs) -> None:
    course_instructors_sync(course=instance)


@receiver(post_delete, sender=CoursePage, dispatch_uid="courses.drop_course_group")
def drop_course_group(sender, instance, **kwargs) -> None:
    course_group_delete(course_id=instance.pk)


@receiver(post_migrate, dispatch_uid="courses.backfill_course_groups")
def backfill_course_groups(sender, **kwargs) -> None:
    """Courses from before the per-course groups get theirs after `migrate`
    (which narrowed the Instructors group: see members migration 0004)."""
    if sender.name == "courses":
        course_groups_backfill()


def _content_changed(sender, **kwargs) -> None:
    content_changed()


for model in CACHED_CONTENT:
    post_save.connect(
        _content_changed, sender=model, dispatch_uid=f"courses.cache.save.{model}"
    )
    post_delete.connect(
        _content_changed, sender=model, dispatch_uid=f"courses.cache.del.{model}"
    )
for signal in (page_published, page_unpublished, post_page_move):
    signal.connect(_content_changed, dispatch_uid=f"courses.cache.{id(signal)}")
