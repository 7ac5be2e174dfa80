"""Run the periodic jobs without celery beat, for `make run` and small sites with no broker.

It reads the same django-celery-beat schedules that beat reads in production and runs each due
task in this process. Every job reconciles what is due now, so a run that is late or missed is
made up by the next one.
"""

from __future__ import annotations

import json
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from councilsocial.celery import app


def run_due_tasks(*, now=None) -> list[str]:
    """Run every enabled periodic task that is due; return the names of those run."""
    now = now or timezone.now()
    app.loader.import_default_modules()
    ran = []
    for periodic in PeriodicTask.objects.filter(enabled=True).select_related(
        "interval", "crontab", "solar", "clocked"
    ):
        if periodic.one_off and periodic.total_run_count:
            continue
        if periodic.last_run_at is not None:
            due, _next = periodic.schedule.is_due(periodic.last_run_at)
            if not due:
                continue
        task = app.tasks.get(periodic.task)
        if task is None:
            continue
        task.apply(args=json.loads(periodic.args or "[]"), kwargs=json.loads(periodic.kwargs or "{}"))
        PeriodicTask.objects.filter(pk=periodic.pk).update(
            last_run_at=now, total_run_count=periodic.total_run_count + 1
        )
        ran.append(periodic.name)
    return ran


class Command(BaseCommand):
    help = "Run the periodic jobs in this process (instead of celery beat), every few seconds."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=20.0, help="Seconds between checks.")
        parser.add_argument("--once", action="store_true", help="Run what is due once, then stop.")

    def handle(self, *args, interval: float, once: bool, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("Scheduler started: running the periodic jobs in this process.")
        while not stopping:
            close_old_connections()
            try:
                ran = run_due_tasks()
            except Exception as exc:  # keep the loop alive; the next pass retries
                self.stderr.write(f"A periodic job failed: {exc}")
                ran = []
            for name in ran:
                self.stdout.write(f"{timezone.localtime():%H:%M:%S} ran {name}")
            if once:
                break
            slept = 0.0
            while slept < interval and not stopping:
                time.sleep(0.5)
                slept += 0.5
