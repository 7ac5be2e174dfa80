"""The council's current working calendar, built from the database and cached."""

from __future__ import annotations

from django.core.cache import cache

from .models import WorkingCalendar
from .rules import DEFAULT_CALENDAR, Calendar

CALENDAR_CACHE_KEY = "monitoring:working-calendar:v1"
CALENDAR_CACHE_SECONDS = 300


def calendar_load() -> Calendar:
    """Build the council's :class:`Calendar` from the database (three small queries)."""
    record = WorkingCalendar.objects.order_by("pk").first()
    if record is None:
        return DEFAULT_CALENDAR
    hours = {row.weekday: (row.opens, row.closes) for row in record.office_hours.all()}
    closures = frozenset(record.closure_days.values_list("date", flat=True))
    return Calendar(hours=hours, nation=record.nation, closures=closures)


def calendar_current() -> Calendar:
    """The council's calendar, cached; ``calendar_forget`` is called whenever it is edited."""
    calendar = cache.get(CALENDAR_CACHE_KEY)
    if calendar is None:
        calendar = calendar_load()
        cache.set(CALENDAR_CACHE_KEY, calendar, CALENDAR_CACHE_SECONDS)
    return calendar


def calendar_forget() -> None:
    cache.delete(CALENDAR_CACHE_KEY)
