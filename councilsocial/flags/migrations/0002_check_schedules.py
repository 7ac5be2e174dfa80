"""The schedules of the governance checks: unanswered enquiries every 5 minutes, the rest daily at
06:15 UK time. The names are those the apps register their checks under (``flags.registry``)."""

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
            name=f"flags.check.{name}",
            defaults={
                "task": "flags.run_governance_check",
                "args": f'["{name}"]',
                "description": f"Governance check: {name.replace('_', ' ')}; new flags go out as a digest.",
                "enabled": True,
                **schedule,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__startswith="flags.check.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("flags", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
