"""Celery tasks for monitoring. Each is thin: it calls one service with the current time."""

from celery import shared_task
from django.utils import timezone

from . import services, sync


@shared_task(name="monitoring.refresh_dashboard_figures")
def refresh_dashboard_figures(months: int = 2) -> dict:
    """The dashboard's pre-aggregated response times: recent months often, the whole year nightly."""
    return {"rows": services.response_stats_refresh(now=timezone.now(), months=months)}


@shared_task(name="monitoring.sync_connections")
def sync_connections() -> dict:
    """Every connected account's new posts and enquiries from its platform (issue 14 item 7)."""
    reports = sync.connections_sync_due(now=timezone.now())
    return {"synced": sum(r.outcome == "synced" for r in reports), "accounts": len(reports)}


@shared_task(name="monitoring.sync_connection_now")
def sync_connection_now(platform: str, account_ref: str) -> dict:
    """One connected account's sync, asked for by the platform's webhook."""
    report = sync.connection_sync_for_ref(platform=platform, account_ref=account_ref, now=timezone.now())
    return {"outcome": report.outcome if report is not None else "not_connected"}
