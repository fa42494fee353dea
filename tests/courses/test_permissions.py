"""Instructors edit only the courses they own or teach, with Wagtail's own
page permissions (one group per course)."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from wagtail.models import GroupPagePermission

from courses.instructor_services import course_group_get
from courses.models import CourseInstructor, CoursePage
from courses.wagtail_hooks import course_creator_teaches_it
from members.services import member_set_roles

from .conftest import make_catalogue, make_course, make_module, make_user

pytestmark = pytest.mark.django_db


def make_instructor(**kwargs):
    user = make_user(**kwargs)
    member_set_roles(user=user, instructor=True, moderator=False)
    return user


def publish(page):
    page.save_revision().publish()
    return CoursePage.objects.get(pk=page.pk)


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def amara():
    return make_instructor(username="amara")


@pytest.fixture
def kenji():
    return make_instructor(username="kenji")


def test_instructors_may_only_add_courses_to_the_catalogue(catalogue, amara):
    perms = catalogue.permissions_for_user(amara)
    assert perms.can_add_subpage()
    assert not perms.can_edit()
    assert not perms.can_publish()
    assert set(
        GroupPagePermission.objects.filter(group__name="Instructors").values_list(
            "page_id", "permission__codename"
        )
    ) >= {(catalogue.pk, "add_page")}


def test_publishing_a_course_gives_its_instructors_their_own_group(
    catalogue, amara, kenji
):
    course = publish(make_course(catalogue, title="Algebra", instructors=[amara]))

    group = course_group_get(course.pk)
    assert group.name == f"Course instructors #{course.pk}: Algebra"
    assert set(group.user_set.all()) == {amara}
    assert set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", "permission__codename"
        )
    ) == {
        (course.pk, "add_page"),
        (course.pk, "change_page"),
        (course.pk, "publish_page"),
    }
    assert course.permissions_for_user(amara).can_edit()
    assert course.permissions_for_user(amara).can_publish()
    assert not course.permissions_for_user(kenji).can_edit()

    # Hand the course over: the group follows the published instructor list.
    course.instructor_links = [CourseInstructor(user=kenji)]
    course = publish(course)
    assert set(course_group_get(course.pk).user_set.all()) == {kenji}
    # Fresh user objects: Wagtail caches permissions on the instance.
    amara, kenji = (type(u).objects.get(pk=u.pk) for u in (amara, kenji))
    assert not course.permissions_for_user(amara).can_edit()
    assert course.permissions_for_user(kenji).can_edit()


def test_an_instructor_cannot_open_another_instructors_course_in_the_admin(
    client, catalogue, amara, kenji
):
    theirs = publish(make_course(catalogue, instructors=[kenji]))
    mine = publish(make_course(catalogue, instructors=[amara]))
    module = make_module(theirs)
    client.force_login(amara)

    assert client.get(f"/admin/pages/{mine.pk}/edit/").status_code == 200
    for url in (
        f"/admin/pages/{theirs.pk}/edit/",
        f"/admin/pages/{module.pk}/edit/",
        f"/admin/pages/{theirs.pk}/unpublish/",
        f"/admin/pages/{theirs.pk}/delete/",
        f"/admin/pages/add/courses/modulepage/{theirs.pk}/",
    ):
        response = client.get(url)
        # Wagtail refuses with a redirect to the dashboard and a message.
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url

    # A forged edit changes nothing.
    client.post(f"/admin/pages/{theirs.pk}/edit/", {"title": "Hijacked"})
    theirs.refresh_from_db()
    assert theirs.title != "Hijacked"


def test_the_explorer_lists_only_the_instructors_own_courses(
    client, catalogue, amara, kenji
):
    publish(make_course(catalogue, title="Kenji's course", instructors=[kenji]))
    publish(make_course(catalogue, title="Amara's course", instructors=[amara]))
    client.force_login(amara)
    html = client.get(f"/admin/pages/{catalogue.pk}/").content.decode()
    assert "Amara&#x27;s course" in html or "Amara's course" in html
    assert "Kenji" not in html


def test_the_creator_of_a_course_becomes_its_instructor(catalogue, amara):
    course = make_course(catalogue, title="Draft course", owner=amara, live=False)
    course.save_revision(user=amara)
    request = RequestFactory().post("/admin/")
    request.user = amara

    course_creator_teaches_it(request, course)

    assert CourseInstructor.objects.filter(course=course, user=amara).exists()
    amara = type(amara).objects.get(pk=amara.pk)
    assert course.permissions_for_user(amara).can_publish()
    # Publishing the draft keeps the new instructor row.
    course.get_latest_revision().publish()
    assert list(
        CourseInstructor.objects.filter(course=course).values_list("user", flat=True)
    ) == [amara.pk]
    assert set(course_group_get(course.pk).user_set.all()) == {amara}


def test_deleting_a_course_drops_its_group(catalogue, amara):
    course = publish(make_course(catalogue, instructors=[amara]))
    name = course_group_get(course.pk).name
    course.delete()
    assert not Group.objects.filter(name=name).exists()


def test_courses_from_before_the_groups_get_theirs(catalogue, amara):
    from courses.instructor_services import course_groups_backfill

    course = make_course(catalogue, instructors=[amara])  # never published
    assert course_group_get(course.pk) is None
    assert course_groups_backfill() == 1
    assert set(course_group_get(course.pk).user_set.all()) == {amara}
    assert course_groups_backfill() == 0
