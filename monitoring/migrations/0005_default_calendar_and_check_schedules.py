"""The default working calendar (Monday–Friday 09:00–17:00, England and Wales) and the schedules of
the governance checks: unanswered enquiries every 5 minutes, the rest daily at 06:15 UK time."""

from datetime import time

from django.db import migrations

FIVE_MINUTE_CHECKS = ["overdue_enquiries"]
DAILY_CHECKS = [
    "inactive_accounts",
    "posting_guideline",
    "credentials_not_rotated",
    "account_review_overdue",
    "policy_review_due",
    "waiting_business_cases",
    "risk_reviews_overdue",
    "temporary_access",
    "accounts_without_owner",
]


def create(apps, schema_editor):
    WorkingCalendar = apps.get_model("monitoring", "WorkingCalendar")
    OfficeHours = apps.get_model("monitoring", "OfficeHours")
    if not WorkingCalendar.objects.exists():
        calendar = WorkingCalendar.objects.create(name="Council working calendar", nation="ENG")
        OfficeHours.objects.bulk_create(
            OfficeHours(calendar=calendar, weekday=day, opens=time(9), closes=time(17)) for day in range(5)
        )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="15", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    for name in FIVE_MINUTE_CHECKS + DAILY_CHECKS:
        schedule = {"interval": every_five} if name in FIVE_MINUTE_CHECKS else {"crontab": daily}
        PeriodicTask.objects.get_or_create(
            name=f"monitoring.check.{name}",
            defaults={
                "task": "monitoring.run_governance_check",
                "args": f'["{name}"]',
                "description": f"Governance check: {name.replace('_', ' ')}; new flags go out as a digest.",
                "enabled": True,
                **schedule,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__startswith="monitoring.check."
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_calendar_enquiries_posts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
