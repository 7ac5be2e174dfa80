"""The reminder job as a django-celery-beat schedule, so a fresh database has it."""

from django.db import migrations

from councilsocial.schedules import BEAT_DEPENDENCY, IntervalJob, interval_jobs


class Migration(migrations.Migration):
    dependencies = [("business_cases", "0001_initial"), BEAT_DEPENDENCY]

    operations = [
        interval_jobs(
            IntervalJob(
                "business_cases.send_reminders",
                1,
                "hours",
                "Remind whoever a business case has waited 5 working days for.",
            )
        )
    ]
