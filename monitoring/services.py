"""Writes for monitoring: enquiries, responses and posts, their flags, and the dashboard figures."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse

from accounts_register.models import Service, SocialMediaAccount
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
from councilsocial.lib.transitions import StaleTransition, run_transition
from councilsocial.notifications.services import notification_enqueue
from councilsocial.permissions import is_communications
from councilsocial.tasking import enqueue_on_commit

from .dashboard import first_month, months_changed_since, response_performance
from .models import (
    DutyDay,
    Enquiry,
    EnquiryStatus,
    NoResponseReason,
    Post,
    PostKind,
    Response,
    ResponseKind,
    ResponseTimeMonth,
    ResponseTimeRefresh,
    may_record_response,
)
from .selectors import fixed_hours_by_account, stored_by_platform_id

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


# Field types whose Python values psycopg2 sends as they are (strings, numbers, aware datetimes).
_PLAIN_TYPES = {"CharField", "TextField", "IntegerField", "BigIntegerField", "ForeignKey", "BooleanField"}
_PLAIN_TYPES |= {"DateTimeField", "PositiveIntegerField", "PositiveSmallIntegerField"}


def _insert_ignoring_conflicts(model, objs: list) -> None:
    """Insert ``objs`` in one statement, skipping any already stored (``ON CONFLICT DO NOTHING``).

    On PostgreSQL each column goes as one array and the rows are ``unnest``-ed from them: one
    parameter per column rather than one per value, which spares Django compiling 15,000
    placeholders for a batch of 1,000 (most of an ingest's time). Elsewhere, ``bulk_create``.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, ignore_conflicts=True)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    values = [
        [getattr(obj, f.attname) for obj in objs]
        if f.get_internal_type() in _PLAIN_TYPES
        else [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs]
        for f in fields
    ]
    with connection.cursor() as cursor:
        # Only our own table and column names and the fields' own types are interpolated.
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608
            f"SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING",
            values,
        )


def _link(value) -> str:
    """A link to the item on the platform, kept only if it is a web address: the inbox shows it as
    a link, so nothing else (``javascript:``, ``data:``) may be stored, whoever sent it."""
    value = str(value or "").strip()
    return value[:500] if value.lower().startswith(("https://", "http://")) else ""


def _key(item) -> tuple[int, str]:
    account = item["account"]
    return (getattr(account, "pk", account), str(item["platform_id"]))


def enquiries_ingest(*, items: list[dict], now: datetime) -> IngestResult:
    """Record enquiries, idempotently on account and platform id (a repeat returns the stored one).

    Each item has ``account`` (an account or its id), ``platform_id``, ``received_at``, ``author``,
    ``text`` and ``channel``, and may have ``url`` and ``conversation_id``. Deadlines are computed
    now, once, with the account's policy, and stored. Everything is written in one transaction: one
    query for existing records, one ``INSERT … ON CONFLICT DO NOTHING`` and one query to read them
    all back; both lookups go by (account, platform id) pairs through the unique index
    (``stored_by_platform_id``).
    """
    calendar = calendar_current()
    keys = [_key(item) for item in items]
    account_ids = {account_id for account_id, _ in keys}
    fixed = fixed_hours_by_account(account_ids)
    with transaction.atomic():
        existing = set(stored_by_platform_id(Enquiry, keys))
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
                    url=_link(item.get("url")),
                    conversation_id=str(item.get("conversation_id") or "")[:200],
                    response_due_at=due,
                    response_policy=policy,
                    recorded_at=now,
                )
            )
        _insert_ignoring_conflicts(Enquiry, new)
        if any(enquiry.response_due_at < now for enquiry in new):
            # Back-filled enquiries already past their deadline are flagged now, not at the next run.
            enqueue_on_commit(run_governance_check, "overdue_enquiries")
        stored = stored_by_platform_id(Enquiry, keys)
    return IngestResult(records=[stored[key] for key in keys], created=len(stored) - len(existing))


def posts_ingest(*, items: list[dict], now: datetime) -> IngestResult:
    """Record posts idempotently on account and platform id, and move each account's last activity.

    The last activity (003 D5.1) is updated with one set-based ``UPDATE`` that only ever moves it
    forward, so concurrent or out-of-order ingests cannot move it back.
    """
    keys = [_key(item) for item in items]
    account_ids = {account_id for account_id, _ in keys}
    with transaction.atomic():
        existing = set(stored_by_platform_id(Post, keys))
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
                        text=item.get("text", ""),
                        url=_link(item.get("url")),
                        published_by=str(item.get("published_by") or "")[:200],
                        recorded_at=now,
                    )
                )
        _insert_ignoring_conflicts(Post, new)
        accounts_activity_refresh(account_ids)
        stored = stored_by_platform_id(Post, keys)
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


#: The transition each kind of response makes (003 D4.6, 004 Don't 5–6).
RESPONSE_TRANSITIONS = {
    ResponseKind.HOLDING: "send_holding_reply",
    ResponseKind.FULL: "answer",
    ResponseKind.NO_RESPONSE_NEEDED: "close_without_response",
}
STALE_RESPONSE_MESSAGE = "Someone else recorded a response to this enquiry first. Look at it again."


class ResponseStale(ResponseError, StaleTransition):
    """Someone else's response landed first (a ``ConcurrentTransition``)."""

    def __init__(self, message: str = STALE_RESPONSE_MESSAGE):
        ResponseError.__init__(self, {"kind": message})

    @property
    def message(self) -> str:
        return self.errors["kind"]


def _response_description(kind: str, reason: str) -> str:
    said = ResponseKind(kind).label
    return f"{said}: {NoResponseReason(reason).label}" if reason else said


def enquiry_record_response(
    *,
    enquiry: Enquiry,
    kind: str,
    responded_at: datetime,
    reason: str = "",
    text: str = "",
    platform_id: str = "",
    by=None,
    now: datetime,
) -> Response:
    """Record a response (003 D4.6, 004 Don't 5–6) and move the enquiry on.

    The first holding reply or full answer stops the clock: the time it took, in working seconds,
    and whether the deadline was met are stored. A full answer closes the enquiry; "no response
    needed" closes it with a required reason. Raises :class:`ResponseError` for what cannot be
    recorded; the enquiry row is locked so two people recording at once cannot both move it.

    The move is the enquiry's transition, made by the shared runner: whoever may write the enquiry
    may make it (PermissionDenied otherwise); ``by=None`` is the platform itself (a connector saw the
    reply). It is logged (``StateLog``) with who and what was sent.
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

    def not_possible(locked: Enquiry) -> ResponseError:
        if kind == ResponseKind.HOLDING and locked.is_open:
            return ResponseError({"kind": "A holding reply has already been sent; record the full answer."})
        return ResponseError({"kind": "This enquiry is already closed."})

    def prepare(locked: Enquiry) -> None:
        if responded_at < locked.received_at:
            raise ResponseError({"responded_at": "The response cannot be before the enquiry was received."})

    def before_save(locked: Enquiry) -> None:
        if kind in (ResponseKind.HOLDING, ResponseKind.FULL) and locked.first_response_at is None:
            locked.first_response_at = responded_at
            locked.first_response_working_seconds = working_seconds_between(
                locked.received_at, responded_at, calendar_current()
            )
            locked.met_deadline = responded_at <= locked.response_due_at
        if kind != ResponseKind.HOLDING:
            locked.closed_at = responded_at
        if kind == ResponseKind.NO_RESPONSE_NEEDED:
            locked.no_response_reason = reason

    with transaction.atomic():
        moved = run_transition(
            queryset=Enquiry,
            pk=enquiry.pk,
            name=RESPONSE_TRANSITIONS[kind],
            by=by,
            description=_response_description(kind, reason),
            not_possible=not_possible,
            refused=lambda _e: PermissionDenied("You cannot record a response to this enquiry"),
            prepare=prepare,
            before_save=before_save,
            stale=ResponseStale,
            stale_message=STALE_RESPONSE_MESSAGE,
        )
        response = Response.objects.create(
            enquiry=moved,
            kind=kind,
            responded_at=responded_at,
            reason=reason,
            text=text,
            platform_id=platform_id,
            recorded_by=by,
            recorded_at=now,
        )
        # A response may answer an overdue enquiry: its flag resolves now, not at the next run.
        enquiry_flags_reconcile_on_commit(moved.pk, now=now)
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
        if moved:  # a moved deadline can change which months count an enquiry as late
            response_stats_forget()
    logger.info("Working calendar changed: %d open enquiry deadlines moved.", len(moved))
    return len(moved)


# --- Dashboard figures ---------------------------------------------------------------------------


# Ingests commit a moment after they stamp ``recorded_at``: each run looks back this far before its
# last one, so a row committed during that run is never missed (recomputing a month twice is harmless).
REFRESH_OVERLAP = timedelta(minutes=15)


def response_stats_refresh(*, now: datetime, months: int = 2, full: bool = False) -> int:
    """Bring the stored response-time figures of the last ``months`` months (the dashboard's) up to date.

    Only the months whose enquiries or responses changed since the last run over the same window
    are recomputed (``months_changed_since``; the watermark is ``ResponseTimeRefresh``), so the
    nightly cost follows the day's changes, not the length of the window or of the history. The
    first run, or one with ``full``, recomputes the whole window. One grouped query, then the
    months' rows replaced in one transaction; a transaction-scoped advisory lock makes a concurrent
    refresh wait rather than collide. Returns the rows written.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite (``make run``) has one writer at a time anyway
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('monitoring.response_stats_refresh'))")
        mark = ResponseTimeRefresh.objects.filter(months=months).first()
        if full or mark is None:
            changed = None
            stale = ResponseTimeMonth.objects.filter(month__gte=first_month(now, months))
        else:
            changed = months_changed_since(since=mark.refreshed_at - REFRESH_OVERLAP, now=now, months=months)
            stale = ResponseTimeMonth.objects.filter(month__in=changed)
        rows = response_performance(now=now, months=months, only_months=changed) if changed != set() else []
        stale.delete()
        ResponseTimeMonth.objects.bulk_create(
            ResponseTimeMonth(
                service_id=row["service_id"],
                month=row["month"].date() if isinstance(row["month"], datetime) else row["month"],
                received=row["received"],
                judged=row["judged"],
                within=row["within"],
                median_seconds=row["median_seconds"],
                p90_seconds=row["p90_seconds"],
                computed_at=now,
            )
            for row in rows
        )
        ResponseTimeRefresh.objects.update_or_create(months=months, defaults={"refreshed_at": now})
    return len(rows)


# --- The duty officer's inbox (000 Appendix 2; issue 13 item 3) -------------------------------------
#: A response recorded by mistake can be undone by its author for this long.
UNDO_MINUTES = 15


class DutyRefused(Exception):
    """What the rota, an assignment or an undo cannot do, in words."""


class UndoStale(DutyRefused, StaleTransition):
    """Someone else changed the enquiry while a response was being undone."""


def duty_set(*, day, officer, by, now: datetime) -> DutyDay:
    """Communications puts ``officer`` on duty on ``day``, a working day of the council's calendar."""
    if not is_communications(by):
        raise DutyRefused("Only Communications sets the duty rota.")
    if not calendar_current().is_working_day(day):
        raise DutyRefused(f"{day:%A} {day.day} {day:%B %Y} is not a working day: nobody is on duty.")
    duty, _ = DutyDay.objects.update_or_create(
        day=day, defaults={"officer": officer, "set_by": by, "set_at": now}
    )
    return duty


def duty_officer_on(day):
    """Who is on duty on ``day``: nobody on a weekend, bank holiday or closure day."""
    if not calendar_current().is_working_day(day):
        return None
    duty = DutyDay.objects.filter(day=day).select_related("officer").first()
    return duty.officer if duty else None


def enquiry_assign(*, enquiry: Enquiry, to, by, now: datetime) -> Enquiry:
    """Hand an enquiry to a person of its service (or Communications), who is emailed once."""
    service = enquiry.account.service
    if not (is_communications(to) or Service.objects.for_member(to).filter(pk=service.pk).exists()):
        raise DutyRefused(f"{to.get_full_name() or to.username} does not work on {service.name}'s accounts.")
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if not may_record_response(locked, by):
            raise DutyRefused("You cannot give out enquiries of this account.")
        if not locked.is_open:
            raise DutyRefused("This enquiry is already closed.")
        Enquiry.objects.filter(pk=locked.pk).update(assigned_to=to, assigned_at=now)
        if to.email and to.pk != by.pk:
            link = f"{settings.SITE_URL}{reverse('enquiry-respond', kwargs={'pk': locked.pk})}"
            said = f"{locked.get_channel_display()} from {locked.author or 'someone'}: {locked.text[:500]}"
            notification_enqueue(
                to=to.email,
                subject=f"An enquiry for you to answer on {locked.account.display_name}",
                body=(
                    f"Hello {to.get_full_name() or to.username},\n\n"
                    f"{by.get_full_name() or by.username} has asked you to answer this enquiry:\n\n"
                    f"{said}\n\nAnswer it at {link}\n"
                ),
                # Once per enquiry and person: assigning it to them again sends nothing more.
                dedupe_key=f"enquiry-assigned:{locked.pk}:{to.pk}",
                now=now,
            )
    enquiry.assigned_to, enquiry.assigned_at = to, now
    return enquiry


def response_undo(*, response: Response, by, now: datetime) -> Enquiry:
    """Undo a response recorded by mistake: its author, within UNDO_MINUTES, the latest one only;
    never a reply posted on the platform (it is public whatever the record says).

    The response is kept, marked undone (the log); the enquiry goes back to where the responses
    left standing put it, and its clock figures are worked out again from them. The move back is
    the enquiry's own transition (``undo_to_open`` or ``undo_to_holding``), logged with who and why.
    """
    with transaction.atomic():
        # The enquiry first: a response being recorded at the same moment waits for it.
        enquiry = Enquiry.objects.select_for_update().get(pk=response.enquiry_id)
        response = Response.objects.get(pk=response.pk)
        if response.recorded_by_id != by.pk:
            raise DutyRefused("Only the person who recorded a response can undo it.")
        if response.undone_at is not None:
            raise DutyRefused("This response has already been undone.")
        if response.platform_id:  # public: undoing the record would not take it down
            raise DutyRefused(
                f"This reply is posted on {enquiry.account.get_platform_display()}, so it cannot be undone "
                "here. If it was a mistake, delete it there; the record of it stays."
            )
        if now - response.recorded_at > timedelta(minutes=UNDO_MINUTES):
            raise DutyRefused(f"A response can only be undone within {UNDO_MINUTES} minutes of recording it.")
        standing = list(
            enquiry.responses.filter(undone_at__isnull=True)
            .exclude(pk=response.pk)
            .order_by("responded_at", "pk")
        )
        if any(other.recorded_at > response.recorded_at for other in standing):
            raise DutyRefused("A later response has been recorded; undo that one first.")
        holding = next((r for r in standing if r.kind == ResponseKind.HOLDING), None)

        def before_save(locked: Enquiry) -> None:
            locked.closed_at = None
            locked.no_response_reason = ""
            if holding is None:
                locked.first_response_at = locked.first_response_working_seconds = locked.met_deadline = None
            else:
                locked.first_response_at = holding.responded_at
                locked.first_response_working_seconds = working_seconds_between(
                    locked.received_at, holding.responded_at, calendar_current()
                )
                locked.met_deadline = holding.responded_at <= locked.response_due_at

        enquiry = run_transition(
            queryset=Enquiry,
            pk=enquiry.pk,
            name="undo_to_open" if holding is None else "undo_to_holding",
            by=by,
            description=f"{response.get_kind_display()} undone: recorded by mistake",
            not_possible=lambda _e: DutyRefused("This response can no longer be undone."),
            refused=lambda _e: DutyRefused("You cannot undo responses to this enquiry."),
            before_save=before_save,
            stale=UndoStale,
            stale_message="Someone else changed this enquiry first. Look at it again.",
        )
        Response.objects.filter(pk=response.pk).update(undone_at=now)
    logger.info("Response %s to enquiry %s undone by %s", response.pk, enquiry.pk, by.pk)
    return enquiry


def response_stats_forget() -> int:
    """Make the next figures refresh recompute its whole window (after a change the watermark
    cannot see, such as the working calendar moving deadlines)."""
    return ResponseTimeRefresh.objects.all().delete()[0]
