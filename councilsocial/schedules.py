"""Periodic jobs written by data migrations, so a fresh database has them (django-celery-beat).

Each app's migration lists its interval jobs; administrators can change them in Django admin, and
beat (production) and ``run_scheduler`` (``make run``) read them from there. Kept small and stable
because migrations import it.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import migrations

BEAT_DEPENDENCY = ("django_celery_beat", "0019_alter_periodictasks_options")


class IntervalJob(NamedTuple):
    task: str
    every: int
    period: str  # "minutes", "hours", "days"
    description: str


def interval_jobs(*jobs: IntervalJob) -> migrations.RunPython:
    """A migration operation that creates the jobs (named after their task), and removes them on reverse."""

    def create(apps, schema_editor):
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        for job in jobs:
            interval, _ = IntervalSchedule.objects.get_or_create(every=job.every, period=job.period)
            PeriodicTask.objects.get_or_create(
                name=job.task,
                defaults={
                    "task": job.task,
                    "interval": interval,
                    "description": job.description,
                    "enabled": True,
                },
            )

    def remove(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
            name__in=[j.task for j in jobs]
        ).delete()

    return migrations.RunPython(create, remove)
