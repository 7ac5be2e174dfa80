from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from accounts_register.models import Directorate, Service
from councilsocial.notifications.models import Notification

from .permissions import (
    is_administrator,
    is_communications,
    is_corporate_director,
    is_service_officer,
)

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """The signed-in home page: what this person looks after, by role."""
    user = request.user
    context = {
        "is_communications": is_communications(user),
        "is_director": is_corporate_director(user),
        "is_officer": is_service_officer(user),
        "is_administrator": is_administrator(user),
        "my_services": Service.objects.for_member(user).select_related("directorate"),
        "my_directorates": Directorate.objects.filter(corporate_director=user),
    }
    if context["is_communications"]:
        context["counts"] = {
            "directorates": Directorate.objects.count(),
            "services": Service.objects.count(),
            "notifications_waiting": Notification.objects.filter(status=Notification.Status.PENDING).count(),
            "notifications_failed": Notification.objects.filter(status=Notification.Status.FAILED).count(),
        }
    return render(request, "councilsocial/home.html", context)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # report, never raise: this is what the health check is for
        logger.warning("Health check: database unavailable: %s", exc)
        return "unavailable"
    return "ok"


def _broker_status() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return "not used (tasks run in-process)"
    try:
        with Connection(url, connect_timeout=2, transport_options={"socket_timeout": 2}) as conn:
            conn.ensure_connection(max_retries=0)
    except Exception as exc:  # report, never raise
        logger.warning("Health check: broker unavailable: %s", exc)
        return "unavailable"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, 503 when either does not."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value != "unavailable" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
