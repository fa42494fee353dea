"""Who may edit a course in the Wagtail admin.

Each course has its own group, "Course instructors #<id>: <title>", holding
Wagtail page permissions (add, change, publish) on the course and everything
under it; its members are the course's owner and its listed instructors. The
general Instructors group only adds new courses to the catalogue
(members/roles.py), so an instructor edits exactly the courses they own or
teach. The group follows the published course: it is synced when a course is
created in the admin and whenever it is published."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from .models import CourseInstructor, CoursePage

GROUP_PREFIX = "Course instructors"
COURSE_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def course_group_name(course: CoursePage) -> str:
    head = f"{GROUP_PREFIX} #{course.pk}: "
    return head + course.title[: 150 - len(head)]


def course_group_get(course_id: int) -> Group | None:
    return Group.objects.filter(
        name__startswith=f"{GROUP_PREFIX} #{course_id}:"
    ).first()


@transaction.atomic
def course_instructors_sync(*, course: CoursePage) -> Group:
    """Make the course's group match its owner and instructors, with exactly
    the course permissions on the course page. Idempotent."""
    group = course_group_get(course.pk) or Group(name=course_group_name(course))
    group.name = course_group_name(course)
    group.save()
    wanted = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=COURSE_PAGE_PERMISSIONS
        )
    )
    GroupPagePermission.objects.filter(group=group).exclude(
        page_id=course.pk, permission__in=wanted
    ).delete()
    for permission in wanted:
        GroupPagePermission.objects.get_or_create(
            group=group, page_id=course.pk, permission=permission
        )
    member_ids = set(
        CourseInstructor.objects.filter(course_id=course.pk).values_list(
            "user_id", flat=True
        )
    )
    if course.owner_id:
        member_ids.add(course.owner_id)
    group.user_set.set(get_user_model().objects.filter(pk__in=member_ids))
    return group


@transaction.atomic
def course_instructor_add(*, course: CoursePage, user) -> CourseInstructor:
    """List `user` as an instructor of the course (once) and let them edit it.

    The instructor rows of a page live in its revisions too, so the latest
    revision gets the new row as well: publishing it later keeps the link."""
    link = CourseInstructor.objects.filter(course_id=course.pk, user=user).first()
    if link is None:
        link = CourseInstructor.objects.create(
            course_id=course.pk,
            user=user,
            sort_order=CourseInstructor.objects.filter(course_id=course.pk).count(),
        )
        revision = course.latest_revision
        if revision is not None:
            content = dict(revision.content)
            links = list(content.get("instructor_links", []))
            links.append(
                {
                    "pk": link.pk,
                    "course": course.pk,
                    "user": user.pk,
                    "role": link.role,
                    "sort_order": link.sort_order,
                }
            )
            content["instructor_links"] = links
            revision.content = content
            revision.save(update_fields=["content"])
    course_instructors_sync(course=course)
    return link


def course_group_delete(*, course_id: int) -> None:
    Group.objects.filter(name__startswith=f"{GROUP_PREFIX} #{course_id}:").delete()


def course_ids_editable_by(user) -> set[int]:
    """The courses a (non-superuser) member owns or teaches."""
    owned = CoursePage.objects.filter(owner=user).values_list("pk", flat=True)
    taught = CourseInstructor.objects.filter(user=user).values_list(
        "course_id", flat=True
    )
    return set(owned) | set(taught)


def course_of_page(page: Page) -> CoursePage | None:
    """The course a page belongs to (the page itself if it is one)."""
    return CoursePage.objects.ancestor_of(page, inclusive=True).first()


def course_groups_backfill() -> int:
    """Give every course that has none its editing group (courses published
    before these groups existed). Returns how many were created."""
    have = {
        name.removeprefix(f"{GROUP_PREFIX} #").split(":", 1)[0]
        for name in Group.objects.filter(
            name__startswith=f"{GROUP_PREFIX} #"
        ).values_list("name", flat=True)
    }
    missing = CoursePage.objects.exclude(
        pk__in=[int(pk) for pk in have if pk.isdigit()]
    )
    created = 0
    for course in missing:
        course_instructors_sync(course=course)
        created += 1
    return created
