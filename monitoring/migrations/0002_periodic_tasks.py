"""The periodic jobs, as django-celery-beat schedules, so a fresh database has them.

Administrators can change the intervals in Django admin; beat (production) and ``run_scheduler``
(``make run``) both read them from here.
"""

from django.db import migrations

SCHEDULES = [
    # (task name, every N, period, description)
    ("monitoring.send_pending_notifications", 1, "minutes", "Send the emails waiting in the outbox."),
]


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for task, every, period, description in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(
            name=task,
            defaults={"task": task, "interval": interval, "description": description, "enabled": True},
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[s[0] for s in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
