"""Instructors no longer edit every page from the root of the tree: they add
courses in the catalogue and articles in the article index, and edit only the
courses they own or teach (see members/roles.py and courses/instructor_services.py)."""

from django.db import migrations


def narrow_instructors(apps, schema_editor):
    from members.roles import groups_ensure

    groups_ensure(apps, reset=True)


class Migration(migrations.Migration):
    dependencies = [("members", "0003_staff_groups")]

    operations = [
        # Reversing leaves the narrower grants; re-grant in the admin if wanted.
        migrations.RunPython(narrow_instructors, migrations.RunPython.noop),
    ]
