"""Operations' periodic job: the purdah announcement every 15 minutes (003 D10)."""

from django.db import migrations

from councilsocial.schedules import BEAT_DEPENDENCY, IntervalJob, interval_jobs


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
        BEAT_DEPENDENCY,
    ]

    operations = [
        interval_jobs(
            IntervalJob(
                "operations.announce_purdah",
                15,
                "minutes",
                "Email the purdah instructions to everyone with access when a period starts (003 D10).",
            )
        ),
    ]
