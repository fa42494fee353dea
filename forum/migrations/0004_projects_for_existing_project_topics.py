"""Topics of kind "project" written before the showcase had its own details
get an empty Project row, so every project is in the gallery."""

from django.db import migrations


def add_missing_projects(apps, schema_editor):
    Topic = apps.get_model("forum", "Topic")
    Project = apps.get_model("forum", "Project")
    missing = Topic.objects.filter(kind="project", project__isnull=True)
    Project.objects.bulk_create(
        [Project(topic_id=pk) for pk in missing.values_list("pk", flat=True)],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("forum", "0003_groups_projects_polls_follows")]

    operations = [
        migrations.RunPython(add_missing_projects, migrations.RunPython.noop),
    ]
