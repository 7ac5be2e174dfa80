"""``python manage.py run_governance_checks [--at ISO-TIME]``: every governance check once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from councilsocial.flags.registry import run_all
from councilsocial.flags.services import flags_send_digest
from operations.services import purdah_announce_started


class Command(BaseCommand):
    help = "Run every governance check once, send the digest of new flags and print what changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--at", help="Run as if it were this time (ISO 8601, e.g. 2026-01-05T09:00:00+00:00)."
        )

    def handle(self, *args, at=None, **options):
        now = timezone.now()
        if at:
            now = parse_datetime(at)
            if now is None:
                raise CommandError(f"--at: {at!r} is not an ISO 8601 date and time.")
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        for run in run_all(now=now):
            self.stdout.write(
                f"{run.name}: raised {len(run.changes.raised)}, resolved {run.changes.resolved}"
            )
        emails = flags_send_digest(now=now)
        self.stdout.write(f"Digest emails written: {emails}")
        self.stdout.write(f"Purdah instructions emailed: {purdah_announce_started(now=now)}")
