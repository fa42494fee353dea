"""Default levels (editable afterwards in the Wagtail admin)."""

from django.db import migrations

# number, name, threshold, what it unlocks, may create polls, offered moderation
DEFAULT_LEVELS = [
    (1, "Newcomer", 0, "Post in the forum and take any course.", False, False),
    (2, "Learner", 50, "A profile badge and your points on the leaderboards.", False, False),
    (3, "Practitioner", 150, "Share projects in the showcase.", False, False),
    (4, "Contributor", 400, "Create polls in the forum.", True, False),
    (5, "Mentor", 1000, "Create polls; you are invited to mentor newcomers.", True, False),
    (6, "Steward", 2500, "Create polls; you are offered volunteer moderation.", True, True),
    (7, "Luminary", 5000, "Everything above, and our thanks.", True, True),
]


def seed(apps, schema_editor):
    Level = apps.get_model("gamification", "Level")
    for number, name, threshold, privileges, polls, moderation in DEFAULT_LEVELS:
        if Level.objects.filter(number=number).exists():
            continue
        if Level.objects.filter(threshold=threshold).exists():
            continue
        Level.objects.create(
            number=number,
            name=name,
            threshold=threshold,
            privileges=privileges,
            can_create_polls=polls,
            offered_moderation=moderation,
        )


def unseed(apps, schema_editor):
    apps.get_model("gamification", "Level").objects.filter(
        number__in=[row[0] for row in DEFAULT_LEVELS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("gamification", "0003_levels")]

    operations = [migrations.RunPython(seed, unseed)]
