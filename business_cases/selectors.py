"""Reads for business cases: working-day arithmetic and the similar-accounts lookup."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from monitoring.calendar import working_days_between as calendar_working_days_between


def working_day_cutoff(now: datetime, days: int) -> datetime:
    """The moment ``days`` working days before ``now``: a case that reached its stage at or before
    it has waited at least that many working days. Working days are the council's calendar (its
    bank holidays and closure days), kept in monitoring.
    """
    from monitoring.calendar import working_days_before

    return working_days_before(now, days)


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days from ``start`` to ``end`` on the council's calendar, as the reminders
    count them (``monitoring.calendar.working_days_between``)."""
    return calendar_working_days_between(start, end)


def similar_accounts(case) -> QuerySet:
    """000 Appendix 1: does anything similar already exist? The council's accounts on the same
    platform, and those in the same service or directorate."""
    from accounts_register.models import SocialMediaAccount

    return (
        SocialMediaAccount.objects.exclude(status__in=["closed", "archived"])
        .filter(
            Q(platform=case.platform)
            | Q(service_id=case.service_id)
            | Q(service__directorate_id=case.service.directorate_id)
        )
        .select_related("service")
        .order_by("platform", "handle")
    )


def waiting_count(user) -> int:
    """How many cases wait for this person's decision or advice: one query, for the navigation."""
    from .models import BusinessCase

    return BusinessCase.objects.waiting_for(user).order_by().count()
