"""The outbox's Celery task: thin, it calls the sending service with the current time."""

from celery import shared_task
from django.utils import timezone

from .sending import notifications_send_due


@shared_task(name="notifications.send_pending_notifications")
def send_pending_notifications() -> dict:
    report = notifications_send_due(now=timezone.now())
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}
