"""Create the Instructors and Moderators groups with their Wagtail permissions
(see members/roles.py). Wagtail's own initial data already made a "Moderators"
group with editor-like grants; this replaces them with Lyceum's."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from members.roles import groups_ensure

    groups_ensure(apps, reset=True)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_user_moderate_members_permission"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0090_remove_grouppagepermission_permission_type"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [
        # Reversing leaves the groups: "Moderators" predates this migration.
        migrations.RunPython(create_staff_groups, migrations.RunPython.noop),
    ]
