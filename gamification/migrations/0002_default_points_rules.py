"""Default points rules (editable afterwards in the Wagtail admin)."""

from django.db import migrations

# name, verb, object_type, condition, recipient, points, daily cap, once per object
DEFAULT_RULES = [
    ("Lesson completed", "completed", "lesson", "", "actor", 10, None, False),
    ("Quiz passed first try", "passed", "quiz", "first_try", "actor", 20, None, False),
    ("Question answered correctly", "answered", "question", "success", "actor", 2, 40, False),
    ("Course completed", "completed", "course", "", "actor", 50, None, False),
    ("Event attended", "attended", "event", "", "actor", 15, None, False),
    ("Forum reply", "replied", "post", "", "actor", 5, 50, False),
    ("Accepted answer", "accepted", "answer", "", "owner", 25, None, False),
    ("Reaction received", "liked", "", "", "owner", 1, 20, False),
    ("Project shared", "shared", "project", "", "actor", 10, None, True),
    ("Daily check-in", "checked-in", "site", "", "actor", 1, 1, False),
    ("Review written", "rated", "course", "", "actor", 5, None, True),
]


def seed(apps, schema_editor):
    PointsRule = apps.get_model("gamification", "PointsRule")
    for name, verb, object_type, condition, recipient, points, cap, once in DEFAULT_RULES:
        PointsRule.objects.get_or_create(
            name=name,
            defaults={
                "verb": verb,
                "object_type": object_type,
                "condition": condition,
                "recipient": recipient,
                "points": points,
                "daily_cap": cap,
                "once_per_object": once,
            },
        )


def unseed(apps, schema_editor):
    PointsRule = apps.get_model("gamification", "PointsRule")
    PointsEntry = apps.get_model("gamification", "PointsEntry")
    used = PointsEntry.objects.values("rule_id")
    PointsRule.objects.filter(name__in=[r[0] for r in DEFAULT_RULES]).exclude(
        pk__in=used
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("gamification", "0001_points_ledger")]

    operations = [migrations.RunPython(seed, unseed)]
