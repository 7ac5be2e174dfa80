"""The reminder job as a django-celery-beat schedule, so a fresh database has it."""

from django.db import migrations

SCHEDULES = [
    # (task name, every N, period, description)
    (
        "business_cases.send_reminders",
        1,
        "hours",
        "Remind whoever a business case has waited 5 working days for.",
    ),
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
        ("business_cases", "0001_business_cases_and_approval_links"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
