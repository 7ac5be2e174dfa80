"""Writes for monitoring: enquiries, responses and posts, their flags, and the dashboard figures."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery

from accounts_register.models import SocialMediaAccount
from councilsocial.calendar.rules import (
    Calendar,
    fixed_hours_due_at,
    response_due_at,
    working_seconds_between,
)
from councilsocial.calendar.selectors import calendar_current, calendar_forget
from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import FlagChanges, flags_reconcile
from councilsocial.flags.tasks import run_governance_check
from councilsocial.tasking import enqueue_on_commit

from .dashboard import first_month, response_performance
from .models import (
    Enquiry,
    EnquiryStatus,
    NoResponseReason,
    Post,
    PostKind,
    Response,
    ResponseKind,
    ResponseTimeMonth,
)
from .selectors import fixed_hours_by_account

logger = logging.getLogger(__name__)


def enquiry_flags_reconcile(*, now: datetime, only: Iterable[int] | None = None) -> FlagChanges:
    """000 §25: a flag for each enquiry with no response by its deadline (``Enquiry.objects.overdue``).

    The scheduled check runs it for every enquiry; a response runs it for its enquiry when it
    commits. Uses ``enquiry_unanswered_due_idx``.
    """
    return flags_reconcile(
        kind=FlagKind.OVERDUE_ENQUIRY,
        subjects=Enquiry.objects.overdue(now=now),
        now=now,
        account_field="account_id",
        service_field="account__service_id",
        only=only,
    )


def enquiry_flags_reconcile_on_commit(enquiry_id: int, *, now: datetime) -> None:
    """After the caller's transaction commits, reconcile that enquiry's flag (and nothing else)."""
    transaction.on_commit(lambda: enquiry_flags_reconcile(now=now, only=[enquiry_id]))


# --- Enquiries, responses and posts (000 §25, 003 D4–D5) ------------------------------------------


class ResponseError(Exception):
    """A response that cannot be recorded; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def enquiry_deadline(received_at: datetime, *, calendar: Calendar, fixed_hours: int | None = None):
    """The deadline and the name of the policy that produced it, as stored on the enquiry."""
    if fixed_hours:
        return fixed_hours_due_at(received_at, fixed_hours), f"fixed_hours:{fixed_hours}"
    return response_due_at(received_at, calendar), "working_day"


@dataclass(frozen=True)
class IngestResult:
    """What an ingest stored: the records in the order given, and how many were new."""

    records: list
    created: int


def _key(item) -> tuple[int, str]:
    account = item["account"]
    return (getattr(account, "pk", account), str(item["platform_id"]))


def enquiries_ingest(*, items: list[dict], now: datetime) -> IngestResult:
    """Record enquiries, idempotently on account and platform id (a repeat returns the stored one).

    Each item has ``account`` (an account or its id), ``platform_id``, ``received_at``, ``author``,
    ``text`` and ``channel``. Deadlines are computed now, once, with the account's policy, and
    stored. Everything is written in one transaction: one query for existing records, one
    ``INSERT … ON CONFLICT DO NOTHING`` and one query to read them all back.
    """
    calendar = calendar_current()
    keys = [_key(item) for item in items]
    account_ids = {account_id for account_id, _ in keys}
    platform_ids = {platform_id for _, platform_id in keys}
    fixed = fixed_hours_by_account(account_ids)
    with transaction.atomic():
        existing = set(
            Enquiry.objects.filter(account_id__in=account_ids, platform_id__in=platform_ids).values_list(
                "account_id", "platform_id"
            )
        )
        new, seen = [], set(existing)
        for item, key in zip(items, keys, strict=True):
            if key in seen:
                continue
            seen.add(key)
            due, policy = enquiry_deadline(
                item["received_at"], calendar=calendar, fixed_hours=fixed.get(key[0])
            )
            new.append(
                Enquiry(
                    account_id=key[0],
                    platform_id=key[1],
                    received_at=item["received_at"],
                    author=item.get("author", ""),
                    text=item.get("text", ""),
                    channel=item["channel"],
                    response_due_at=due,
                    response_policy=policy,
                    recorded_at=now,
                )
            )
        Enquiry.objects.bulk_create(new, ignore_conflicts=True)
        if any(enquiry.response_due_at < now for enquiry in new):
            # Back-filled enquiries already past their deadline are flagged now, not at the next run.
            enqueue_on_commit(run_governance_check, "overdue_enquiries")
        stored = {
            (e.account_id, e.platform_id): e
            for e in Enquiry.objects.filter(account_id__in=account_ids, platform_id__in=platform_ids)
        }
    return IngestResult(records=[stored[key] for key in keys], created=len(stored) - len(existing))


def posts_ingest(*, items: list[dict], now: datetime) -> IngestResult:
    """Record posts idempotently on account and platform id, and move each account's last activity.

    The last activity (003 D5.1) is updated with one set-based ``UPDATE`` that only ever moves it
    forward, so concurrent or out-of-order ingests cannot move it back.
    """
    keys = [_key(item) for item in items]
    account_ids = {account_id for account_id, _ in keys}
    platform_ids = {platform_id for _, platform_id in keys}
    with transaction.atomic():
        existing = set(
            Post.objects.filter(account_id__in=account_ids, platform_id__in=platform_ids).values_list(
                "account_id", "platform_id"
            )
        )
        new, seen = [], set(existing)
        for item, key in zip(items, keys, strict=True):
            if key not in seen:
                seen.add(key)
                new.append(
                    Post(
                        account_id=key[0],
                        platform_id=key[1],
                        posted_at=item["posted_at"],
                        kind=item.get("kind") or PostKind.ORIGINAL,
                        recorded_at=now,
                    )
                )
        Post.objects.bulk_create(new, ignore_conflicts=True)
        accounts_activity_refresh(account_ids)
        stored = {
            (p.account_id, p.platform_id): p
            for p in Post.objects.filter(account_id__in=account_ids, platform_id__in=platform_ids)
        }
    return IngestResult(records=[stored[key] for key in keys], created=len(stored) - len(existing))


def accounts_activity_refresh(account_ids) -> int:
    """Set each account's ``last_activity_at`` to its latest post, only ever forwards. One UPDATE."""
    latest = Subquery(
        Post.objects.filter(account=OuterRef("pk")).order_by("-posted_at").values("posted_at")[:1]
    )
    return (
        SocialMediaAccount.objects.filter(pk__in=list(account_ids))
        .annotate(latest_post=latest)
        .filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=F("latest_post")))
        .update(last_activity_at=latest)
    )


def enquiry_record_response(
    *,
    enquiry: Enquiry,
    kind: str,
    responded_at: datetime,
    reason: str = "",
    by=None,
    now: datetime,
) -> Response:
    """Record a response (003 D4.6, 004 Don't 5–6) and move the enquiry on.

    The first holding reply or full answer stops the clock: the time it took, in working seconds,
    and whether the deadline was met are stored. A full answer closes the enquiry; "no response
    needed" closes it with a required reason. Raises :class:`ResponseError` for what cannot be
    recorded; the enquiry row is locked so two people recording at once cannot both move it.
    """
    errors: dict[str, str] = {}
    if kind not in ResponseKind.values:
        errors["kind"] = "Choose holding reply, full answer or no response needed."
    if kind == ResponseKind.NO_RESPONSE_NEEDED and reason not in NoResponseReason.values:
        errors["reason"] = "Say why no response is needed: abusive, aggressive, spam or nothing to add."
    if kind != ResponseKind.NO_RESPONSE_NEEDED and reason:
        errors["reason"] = "A reason is only given when no response is needed."
    if responded_at > now + timedelta(minutes=5):
        errors["responded_at"] = "The response time cannot be in the future."
    if errors:
        raise ResponseError(errors)
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if responded_at < enquiry.received_at:
            raise ResponseError({"responded_at": "The response cannot be before the enquiry was received."})
        if not enquiry.is_open:
            raise ResponseError({"kind": "This enquiry is already closed."})
        if kind == ResponseKind.HOLDING and enquiry.status != EnquiryStatus.OPEN:
            raise ResponseError({"kind": "A holding reply has already been sent; record the full answer."})
        response = Response.objects.create(
            enquiry=enquiry,
            kind=kind,
            responded_at=responded_at,
            reason=reason,
            recorded_by=by,
            recorded_at=now,
        )
        if kind in (ResponseKind.HOLDING, ResponseKind.FULL) and enquiry.first_response_at is None:
            enquiry.first_response_at = responded_at
            enquiry.first_response_working_seconds = working_seconds_between(
                enquiry.received_at, responded_at, calendar_current()
            )
            enquiry.met_deadline = responded_at <= enquiry.response_due_at
        if kind == ResponseKind.HOLDING:
            enquiry.send_holding_reply()
        elif kind == ResponseKind.FULL:
            enquiry.answer()
            enquiry.closed_at = responded_at
        else:
            enquiry.close_without_response()
            enquiry.no_response_reason = reason
            enquiry.closed_at = responded_at
        enquiry.save()
        # A response may answer an overdue enquiry: its flag resolves now, not at the next run.
        enquiry_flags_reconcile_on_commit(enquiry.pk, now=now)
    return response


def calendar_changed(*, now: datetime) -> int:
    """Recompute the deadlines of open enquiries after the working calendar changed.

    Only enquiries whose clock is still running (no response yet) under the working-day rule move;
    fixed-hours deadlines do not depend on the calendar. Returns how many deadlines moved.
    """
    calendar_forget()
    calendar = calendar_current()
    moved: list[Enquiry] = []
    with transaction.atomic():
        rows = Enquiry.objects.filter(status=EnquiryStatus.OPEN, response_policy="working_day").only(
            "pk", "received_at", "response_due_at", "status"
        )
        for enquiry in rows.iterator(chunk_size=2000):
            due = response_due_at(enquiry.received_at, calendar)
            if due != enquiry.response_due_at:
                enquiry.response_due_at = due
                moved.append(enquiry)
        Enquiry.objects.bulk_update(moved, ["response_due_at"], batch_size=1000)
    logger.info("Working calendar changed: %d open enquiry deadlines moved.", len(moved))
    return len(moved)


# --- Dashboard figures ---------------------------------------------------------------------------


def response_stats_refresh(*, now: datetime, months: int = 2) -> int:
    """Recompute the stored response-time figures of the last ``months`` months (the dashboard's).

    One grouped query, then the months' rows replaced in one transaction; a transaction-scoped
    advisory lock makes a concurrent refresh wait rather than collide. Returns the rows written.
    """
    rows = response_performance(now=now, months=months)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite (``make run``) has one writer at a time anyway
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('monitoring.response_stats_refresh'))")
        ResponseTimeMonth.objects.filter(month__gte=first_month(now, months)).delete()
        ResponseTimeMonth.objects.bulk_create(
            ResponseTimeMonth(
                service_id=row["service_id"],
                month=row["month"].date(),
                received=row["received"],
                judged=row["judged"],
                within=row["within"],
                median_seconds=row["median_seconds"],
                p90_seconds=row["p90_seconds"],
                computed_at=now,
            )
            for row in rows
        )
    return len(rows)
