"""The outbox's sending job, as a django-celery-beat schedule, so a fresh database has it."""

from django.db import migrations

from councilsocial.schedules import BEAT_DEPENDENCY, IntervalJob, interval_jobs


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial"), BEAT_DEPENDENCY]

    operations = [
        interval_jobs(
            IntervalJob(
                "notifications.send_pending_notifications", 1, "minutes", "Send the emails waiting in the outbox."
            )
        )
    ]
