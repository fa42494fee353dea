import pytest
from django.contrib.auth.models import Group
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
)

from members import roles
from members.services import member_set_roles

from .helpers import PASSWORD, member_build

pytestmark = pytest.mark.django_db


def page_permissions(group_name: str) -> set[str]:
    return set(
        GroupPagePermission.objects.filter(
            group__name=group_name, page=Page.get_first_root_node()
        ).values_list("permission__codename", flat=True)
    )


def collection_permissions(group_name: str) -> set[str]:
    return set(
        GroupCollectionPermission.objects.filter(
            group__name=group_name, collection=Collection.get_first_root_node()
        ).values_list("permission__codename", flat=True)
    )


def test_migration_creates_instructors_with_authoring_permissions():
    group = Group.objects.get(name="Instructors")
    assert set(group.permissions.values_list("codename", flat=True)) == {"access_admin"}
    # Not on the root: their sections (catalogue, article index) and courses.
    assert page_permissions("Instructors") == set()
    assert collection_permissions("Instructors") == {
        "add_image", "change_image", "choose_image",
        "add_document", "change_document", "choose_document",
    }  # fmt: skip


def test_migration_gives_moderators_moderation_not_publishing():
    group = Group.objects.get(name="Moderators")
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "access_admin",
        "moderate_members",
    }
    assert page_permissions("Moderators") == {"change_page", "lock_page"}
    assert collection_permissions("Moderators") == {"choose_image", "choose_document"}


def test_groups_ensure_is_idempotent_and_keeps_operator_additions():
    before = (
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
    )
    group = Group.objects.get(name="Moderators")
    extra = GroupPagePermission.objects.create(
        group=group, page=Page.get_first_root_node(), permission_type="unlock"
    )
    roles.groups_ensure()
    roles.groups_ensure()
    assert GroupPagePermission.objects.filter(pk=extra.pk).exists()
    assert (
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
    ) == (before[0] + 1, before[1])


def test_groups_ensure_recreates_missing_groups():
    Group.objects.filter(name__in=["Instructors", "Moderators"]).delete()
    roles.groups_ensure()
    assert Group.objects.filter(name="Instructors").exists()
    assert "moderate_members" in Group.objects.get(
        name="Moderators"
    ).permissions.values_list("codename", flat=True)


def test_member_set_roles_adds_and_removes_groups():
    user = member_build()
    member_set_roles(user=user, instructor=True, moderator=True)
    assert set(user.groups.values_list("name", flat=True)) == {
        "Instructors",
        "Moderators",
    }
    assert user.has_perm("wagtailadmin.access_admin")
    assert user.has_perm("members.moderate_members")

    member_set_roles(user=user, instructor=True, moderator=False)
    assert list(user.groups.values_list("name", flat=True)) == ["Instructors"]
    assert not user.has_perm("members.moderate_members")


def test_instructor_can_use_the_wagtail_admin(client):
    instructor = member_build(username="amara", email="amara@example.org")
    member_set_roles(user=instructor, instructor=True, moderator=False)
    client.force_login(instructor)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/images/add/").status_code == 200
    # Granted on their sections, not on the whole tree.
    home = Site.objects.get(is_default_site=True).root_page
    assert not home.permissions_for_user(instructor).can_edit()
    from website.models import ArticleIndexPage

    articles = home.add_child(instance=ArticleIndexPage(title="News", slug="news"))
    # A fresh instance: Wagtail caches permissions on the user object.
    instructor = type(instructor).objects.get(pk=instructor.pk)
    perms = articles.permissions_for_user(instructor)
    assert perms.can_add_subpage()
    assert perms.can_publish()
    assert perms.can_edit()


def test_instructor_logs_in_to_the_admin_with_email(client):
    instructor = member_build(username="amara", email="amara@example.org")
    member_set_roles(user=instructor, instructor=True, moderator=False)
    response = client.post(
        "/admin/login/", {"username": "amara@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_moderator_can_edit_but_not_publish_or_add():
    moderator = member_build(username="kenji", email="kenji@example.org")
    member_set_roles(user=moderator, instructor=False, moderator=True)
    home = Site.objects.get(is_default_site=True).root_page
    perms = home.permissions_for_user(moderator)
    assert perms.can_edit()
    assert not perms.can_add_subpage()
    assert not perms.can_publish()
    assert perms.can_lock()


def test_learner_cannot_use_the_admin(client, member):
    client.force_login(member)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
