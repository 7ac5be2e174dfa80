"""Reads for monitoring: enquiry deadlines by account, the inbox, and the stored enquiries or posts
of a batch by their platform ids."""

from __future__ import annotations

from datetime import datetime, time

from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts_register.models import AccountKind

from .connectors.registry import how_to_connect
from .models import Connection, Enquiry, Post, PostKind, ResponsePolicy


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
    return get_object_or_404(Enquiry.objects.visible_to(user).select_related("account__service"), pk=pk)


def inbox_enquiries(user, *, service_id: int | None = None, duty_first: bool = False):
    """Open enquiries the person answers for, soonest deadline first (``enquiry_inbox_idx``).

    With ``duty_first`` (the duty officer, 000 Appendix 2), the corporate accounts' enquiries that
    nobody has been given come first.
    """
    enquiries = Enquiry.objects.visible_to(user).open().select_related("account__service", "assigned_to")
    if service_id:
        enquiries = enquiries.filter(account__service_id=service_id)
    if duty_first:
        first = Case(
            When(assigned_to__isnull=True, account__kind=AccountKind.CORPORATE, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return enquiries.order_by(first, "response_due_at", "pk")
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


def account_posts_today(account, *, now: datetime) -> int:
    """The account's original posts so far today, local time (004 Part C; ``post_account_time_idx``).

    The content checker's count: monitoring hands it to ``operations.extensions`` at start-up.
    """
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    return Post.objects.filter(
        account=account, kind=PostKind.ORIGINAL, posted_at__gte=start_of_day, posted_at__lte=now
    ).count()


def account_connection_panel(account, *, now: datetime) -> dict:
    """The account page's "Connection" section: the connection (or None) with its health, and how
    the account's platform is connected (None when it cannot be yet). One query."""
    connection = Connection.objects.filter(account=account).select_related("connected_by").first()
    return {"connection": connection, "how": how_to_connect(account.platform), "now": now}
