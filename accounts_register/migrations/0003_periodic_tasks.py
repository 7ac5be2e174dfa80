"""The register's periodic job, as a django-celery-beat schedule."""

from django.db import migrations

from councilsocial.schedules import BEAT_DEPENDENCY, IntervalJob, interval_jobs


class Migration(migrations.Migration):
    dependencies = [("accounts_register", "0002_roles"), BEAT_DEPENDENCY]

    operations = [
        interval_jobs(
            IntervalJob(
                "accounts_register.end_access_of_switched_off_users",
                15,
                "minutes",
                "End the access of people whose user has been switched off (003 D2.3).",
            )
        )
    ]
