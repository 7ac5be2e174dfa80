"""Celery tasks for monitoring. Each is thin: it calls one service with the current time."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="monitoring.refresh_dashboard_figures")
def refresh_dashboard_figures(months: int = 2) -> dict:
    """The dashboard's pre-aggregated response times: recent months often, the whole year nightly."""
    return {"rows": services.response_stats_refresh(now=timezone.now(), months=months)}
