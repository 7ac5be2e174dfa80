"""Celery tasks for operations. Each is thin: it calls one service with the current time."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="operations.announce_purdah")
def announce_purdah() -> dict:
    """Email the purdah instructions to everyone with access when a period starts (003 D10)."""
    return {"emails": services.purdah_announce_started(now=timezone.now())}
