"""Celery tasks for business cases. Each is thin: it calls one service with the current time."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="business_cases.send_reminders")
def send_reminders() -> dict:
    return {"reminded": services.send_reminders(now=timezone.now())}
