"""The sync of connected accounts every 5 minutes, and the check for connections failing for over an
hour every 5 minutes (issue 14 items 5 and 7). Beat reads them in production, ``run_scheduler`` under
``make run``."""

from django.db import migrations


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="monitoring.sync_connections",
        defaults={
            "task": "monitoring.sync_connections",
            "interval": every_five,
            "description": "Connected accounts: new posts and enquiries from the platforms.",
            "enabled": True,
        },
    )
    PeriodicTask.objects.get_or_create(
        name="flags.check.connection_failing",
        defaults={
            "task": "flags.run_governance_check",
            "args": '["connection_failing"]',
            "interval": every_five,
            "description": "Governance check: connection failing; new flags go out as a digest.",
            "enabled": True,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=["monitoring.sync_connections", "flags.check.connection_failing"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0006_connections"),
        ("flags", "0002_check_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
