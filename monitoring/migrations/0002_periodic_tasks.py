"""Monitoring's periodic jobs: the dashboard's pre-aggregated response times: the last two months
every 15 minutes, the whole year nightly at 05:45 UK time."""

from django.db import migrations



def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_15, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="45", hour="5", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(
        name="monitoring.refresh_dashboard_figures.recent",
        defaults={
            "task": "monitoring.refresh_dashboard_figures",
            "kwargs": '{"months": 2}',
            "interval": every_15,
            "description": "Dashboard response times: this month and last.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name="monitoring.refresh_dashboard_figures.year",
        defaults={
            "task": "monitoring.refresh_dashboard_figures",
            "kwargs": '{"months": 13}',
            "crontab": nightly,
            "description": "Dashboard response times: the whole year.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__startswith="monitoring.refresh_dashboard_figures"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
