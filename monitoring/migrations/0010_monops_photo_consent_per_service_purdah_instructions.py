"""Photo consent references are unique per service (issue 11 item 15); a purdah period keeps its
instructions and when they were emailed, and a job emails them when a period starts (item 18)."""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

from councilsocial.schedules import BEAT_DEPENDENCY, IntervalJob, interval_jobs


class Migration(migrations.Migration):
    dependencies = [
        ("accounts_register", "0006_account_activity_index"),
        ("monitoring", "0009_dashboard_figures_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        BEAT_DEPENDENCY,
    ]

    operations = [
        migrations.AddField(
            model_name="purdahperiod",
            name="announced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="purdahperiod",
            name="instructions",
            field=models.TextField(
                blank=True,
                help_text="The purdah instructions every employee follows, published at the start (003 D10).",
            ),
        ),
        migrations.AlterField(
            model_name="photoconsent",
            name="reference",
            field=models.CharField(
                help_text="The reference on the signed consent form, for example PC-2026-014.", max_length=100
            ),
        ),
        migrations.AddConstraint(
            model_name="photoconsent",
            constraint=models.UniqueConstraint(
                models.F("service"),
                django.db.models.functions.text.Lower("reference"),
                name="photo_consent_reference_once_per_service",
            ),
        ),
        interval_jobs(
            IntervalJob(
                "monitoring.announce_purdah",
                15,
                "minutes",
                "Email the purdah instructions to everyone with access when a period starts (003 D10).",
            )
        ),
    ]
