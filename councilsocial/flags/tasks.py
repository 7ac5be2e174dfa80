"""The flags' Celery task: thin, one check with the current time, then the digest."""

from celery import shared_task
from django.utils import timezone

from .registry import governance_check_run


@shared_task(name="flags.run_governance_check")
def run_governance_check(name: str) -> dict:
    """One governance check (scheduled per check by beat), then the digest of its new flags."""
    return governance_check_run(name=name, now=timezone.now())
