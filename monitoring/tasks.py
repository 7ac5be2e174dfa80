"""Celery tasks for monitoring. Each is thin: it calls one service with the current time."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="monitoring.send_pending_notifications")
def send_pending_notifications() -> dict:
    report = services.notifications_send_due(now=timezone.now())
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}
