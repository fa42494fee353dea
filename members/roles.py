"""The staff roles Lyceum ships with, as Django groups with Wagtail permissions.

Written against an app registry (``apps``) so the data migration (historical
models) and the seed data / tests (live models) share one definition."""

from dataclasses import dataclass, field

from django.apps import apps as global_apps

INSTRUCTORS = "Instructors"
MODERATORS = "Moderators"

ADMIN_ACCESS = ("wagtailadmin", "admin", "access_admin")
MODERATE_MEMBERS = ("members", "user", "moderate_members")

# Permission names for rows this module may have to create before Django's
# post_migrate signal does (a fresh database is migrated in one go).
_PERMISSION_NAMES = {
    "access_admin": "Can access Wagtail admin",
    "moderate_members": "Can moderate members (warn, silence, suspend)",
    "add_page": "Can add page",
    "change_page": "Can change page",
    "publish_page": "Can publish any page",
    "lock_page": "Can lock/unlock pages you've locked",
    "unlock_page": "Can unlock any page",
    "add_image": "Can add image",
    "change_image": "Can change image",
    "choose_image": "Can choose image",
    "add_document": "Can add document",
    "change_document": "Can change document",
    "choose_document": "Can choose document",
}


@dataclass(frozen=True)
class Role:
    """A group: model-wide permissions, page permissions granted on the root of
    the page tree, page permissions granted on every page of some types (the
    sections a role works in, by "app_label.model"; new pages of those types
    get them when created), and image/document permissions on the root
    collection."""

    group: str
    permissions: tuple[tuple[str, str, str], ...]
    page_permissions: tuple[str, ...] = ()
    section_page_permissions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    collection_permissions: tuple[tuple[str, str, str], ...] = field(default=())


ROLES = (
    Role(
        group=INSTRUCTORS,
        permissions=(ADMIN_ACCESS,),
        # Not granted on the root: instructors start courses in the catalogue
        # and edit only the courses they own or teach (each course's own
        # "Course instructors" group, kept by courses.instructor_services).
        section_page_permissions=(
            ("courses.courseindexpage", ("add_page",)),
            ("website.articleindexpage", ("add_page", "change_page", "publish_page")),
            (
                "paths.curatedpathindexpage",
                ("add_page", "change_page", "publish_page"),
            ),
        ),
        collection_permissions=(
            ("wagtailimages", "image", "add_image"),
            ("wagtailimages", "image", "change_image"),
            ("wagtailimages", "image", "choose_image"),
            ("wagtaildocs", "document", "add_document"),
            ("wagtaildocs", "document", "change_document"),
            ("wagtaildocs", "document", "choose_document"),
        ),
    ),
    Role(
        group=MODERATORS,
        permissions=(ADMIN_ACCESS, MODERATE_MEMBERS),
        # Moderators fix and lock pages (e.g. a reported article) but do not
        # author or publish: that is the instructors' job.
        page_permissions=("change_page", "lock_page"),
        collection_permissions=(
            ("wagtailimages", "image", "choose_image"),
            ("wagtaildocs", "document", "choose_document"),
        ),
    ),
)


def groups_ensure(apps=global_apps, *, reset: bool = False) -> dict[str, object]:
    """Create the role groups and grant their permissions; idempotent.

    With ``reset`` the groups end up with exactly these permissions (the data
    migration uses it to replace Wagtail's default "Moderators" grants);
    without it, permissions an operator added in the admin are left alone."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()

    groups = {}
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.group)
        wanted = [_permission(apps, *key) for key in role.permissions]
        if reset:
            group.permissions.set(wanted)
        else:
            group.permissions.add(*wanted)

        wanted_pages = []  # (page id, permission)
        if root_page is not None:
            wanted_pages += [
                (root_page.pk, _permission(apps, "wagtailcore", "page", codename))
                for codename in role.page_permissions
            ]
        for label, codenames in role.section_page_permissions:
            for page_id in _page_ids_of_type(apps, label):
                wanted_pages += [
                    (page_id, _permission(apps, "wagtailcore", "page", codename))
                    for codename in codenames
                ]
        if reset:
            keep = {(page_id, permission.pk) for page_id, permission in wanted_pages}
            for grant in GroupPagePermission.objects.filter(group=group):
                if (grant.page_id, grant.permission_id) not in keep:
                    grant.delete()
        for page_id, permission in wanted_pages:
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=page_id, permission=permission
            )

        collection_perms = [
            _permission(apps, *key) for key in role.collection_permissions
        ]
        if reset:
            GroupCollectionPermission.objects.filter(group=group).exclude(
                collection=root_collection, permission__in=collection_perms
            ).delete()
        if root_collection is not None:
            for permission in collection_perms:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
        groups[role.group] = group
    return groups


def section_page_grant(page) -> None:
    """Give the roles their section permissions on a newly created page."""
    label = page._meta.label_lower
    Group = global_apps.get_model("auth", "Group")
    GroupPagePermission = global_apps.get_model("wagtailcore", "GroupPagePermission")
    for role in ROLES:
        for section_label, codenames in role.section_page_permissions:
            if section_label != label:
                continue
            group = Group.objects.filter(name=role.group).first()
            if group is None:
                continue
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page_id=page.pk,
                    permission=_permission(
                        global_apps, "wagtailcore", "page", codename
                    ),
                )


def _page_ids_of_type(apps, label: str) -> list[int]:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    app_label, model = label.split(".")
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    if content_type is None:
        return []
    return list(
        Page.objects.filter(content_type=content_type).values_list("pk", flat=True)
    )


def _permission(apps, app_label: str, model: str, codename: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label=app_label, model=model
    )
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": _PERMISSION_NAMES.get(codename, codename)},
    )
    return permission
