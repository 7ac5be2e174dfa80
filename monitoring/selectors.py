"""Reads for monitoring: the current working calendar (cached), enquiry deadlines by account, and
the stored enquiries or posts of a batch by their platform ids."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection

from .calendar import DEFAULT_CALENDAR, Calendar
from .models import ResponsePolicy, WorkingCalendar

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


def fixed_hours_by_account(account_ids) -> dict[int, int]:
    """Accounts with a fixed-hours response policy (003 D8.3), in one query."""
    return dict(
        ResponsePolicy.objects.filter(account_id__in=set(account_ids)).values_list(
            "account_id", "fixed_hours"
        )
    )


def get_enquiry_for_user(user, pk: int, *, write: bool = False):
    """The one access check for enquiries: those of the person's services, or any for Comms.

    Everyone who may see an enquiry works on its account, so ``write`` asks nothing more; an
    enquiry the person may not see is a 404.
    """
    from django.shortcuts import get_object_or_404

    from .models import Enquiry

    return get_object_or_404(Enquiry.objects.for_user(user).select_related("account__service"), pk=pk)


def inbox_enquiries(user, *, service_id: int | None = None):
    """Open enquiries the person answers for, soonest deadline first (``enquiry_inbox_idx``)."""
    from .models import Enquiry

    enquiries = Enquiry.objects.for_user(user).open().select_related("account__service")
    if service_id:
        enquiries = enquiries.filter(account__service_id=service_id)
    return enquiries.order_by("response_due_at", "pk")


def stored_by_platform_id(model, keys) -> dict[tuple[int, str], object]:
    """The stored rows of ``model`` (``Enquiry`` or ``Post``) for ``keys``, (account id, platform id)
    pairs, by pair. The one lookup of every ingest (the list API, CSV uploads, the connectors).

    On PostgreSQL the pairs (``unnest`` of two arrays) each probe the unique index on (account,
    platform id): one index probe per pair, so a batch of 1,000 costs the same with a million rows
    of history or ten million. Filtering the two columns separately (``account_id IN
    … AND platform_id IN …``) is not a pair lookup: the planner reads the whole table instead.
    """
    keys = {(int(account_id), str(platform_id)) for account_id, platform_id in keys}
    if not keys:
        return {}
    if connection.vendor == "postgresql":
        account_ids, platform_ids = zip(*keys, strict=True)
        table = connection.ops.quote_name(model._meta.db_table)
        # A LATERAL probe per pair (LIMIT 1 keeps the planner from turning it into a hash join
        # over the whole table, which it prefers for a large batch on a small table).
        sql = (
            "SELECT t.* FROM unnest(%s::bigint[], %s::text[]) AS k(account_id, platform_id) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT * FROM {table} s "  # nosec B608 - our own table name only
            "WHERE s.account_id = k.account_id AND s.platform_id = k.platform_id LIMIT 1) t"
        )
        rows = model.objects.raw(sql, [list(account_ids), list(platform_ids)])
    else:  # SQLite (``make run``): a demonstration's few rows, filtered to the pairs here
        rows = model.objects.filter(account_id__in={a for a, _ in keys}, platform_id__in={p for _, p in keys})
    found = {(row.account_id, row.platform_id): row for row in rows}
    return {key: row for key, row in found.items() if key in keys}
