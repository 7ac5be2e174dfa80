from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from accounts_register.models import Directorate, Service, SocialMediaAccount
from councilsocial.calendar.selectors import calendar_current

from . import worklists
from .permissions import (
    is_administrator,
    is_communications,
    is_corporate_director,
    is_service_officer,
)

logger = logging.getLogger(__name__)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def office_hours_in_words(calendar) -> list[str]:
    """The office hours as the public reads them: "Monday to Friday, 9:00am to 5:00pm"."""

    def clock(moment) -> str:
        return f"{moment.hour % 12 or 12}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"

    runs: list[list] = []  # [first day, last day, opens, closes]
    for day in range(7):
        hours = calendar.hours.get(day)
        if hours is None:
            continue
        if runs and runs[-1][1] == day - 1 and tuple(runs[-1][2:]) == hours:
            runs[-1][1] = day
        else:
            runs.append([day, day, *hours])
    return [
        f"{WEEKDAYS[first] if first == last else WEEKDAYS[first] + ' to ' + WEEKDAYS[last]}, "
        f"{clock(opens)} to {clock(closes)}"
        for first, last, opens, closes in runs
    ]


def start(request):
    """The public start page (000 §24, §25): the council's official accounts, "is this account
    really ours?", how the accounts are run and how quickly enquiries are answered, and the way in
    for staff."""
    return render(
        request,
        "councilsocial/start.html",
        {
            "official_accounts": SocialMediaAccount.objects.public().count(),
            "office_hours": office_hours_in_words(calendar_current()),
        },
    )


def home(request):
    """``/``: the public start page for a visitor; for staff signed in, what needs them now, by
    role, each item one click from where it is done (issue 13)."""
    if not request.user.is_authenticated:
        return start(request)
    user = request.user
    context = {
        "is_communications": is_communications(user),
        "is_director": is_corporate_director(user),
        "is_officer": is_service_officer(user),
        "is_administrator": is_administrator(user),
        "my_services": Service.objects.for_member(user).select_related("directorate"),
        "my_directorates": Directorate.objects.led_by(user),
        "work": worklists.home_lists(user, now=timezone.now()),
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
