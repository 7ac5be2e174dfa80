"""Writes for monitoring: the notification outbox, governance flags, enquiries, responses and posts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast
from django.urls import reverse

from accounts_register.models import Service, SocialMediaAccount
from councilsocial.tasking import enqueue_on_commit

from .calendar import Calendar, fixed_hours_due_at, response_due_at, working_seconds_between
from .models import (
    Enquiry,
    EnquiryStatus,
    GovernanceFlag,
    NoResponseReason,
    Notification,
    Post,
    PostKind,
    Response,
    ResponseKind,
)
from .selectors import calendar_current, calendar_forget, fixed_hours_by_account, stored_by_platform_id

logger = logging.getLogger(__name__)


def notification_enqueue(
    *, to: str, subject: str, body: str, dedupe_key: str | None = None, now: datetime | None = None
) -> Notification:
    """Write an email to the outbox in the caller's transaction; it is sent after commit.

    With a ``dedupe_key`` (the event and the recipient), writing the same notification again
    returns the one already there, so a repeated request or a second job run sends nothing twice.
    """
    fields = {"to": to, "subject": subject[:300], "body": body}
    if now is not None:
        fields.update(created_at=now, send_after=now)
    if dedupe_key is None:
        notification = Notification.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(dedupe_key=dedupe_key, **fields)
        except IntegrityError:
            return Notification.objects.get(dedupe_key=dedupe_key)
    from .tasks import send_pending_notifications

    enqueue_on_commit(send_pending_notifications)
    return notification


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: 1, 2, 4, 8… times the base wait, capped at six hours."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 6 * 60 * 60))


def notifications_send_due(*, now: datetime, batch_size: int = 200) -> SendReport:
    """Send every outbox message that is due, each at most once.

    Each message is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` inside its own transaction and
    marked sent before the lock is released, so two workers never send the same message. A failure
    is recorded and retried later with back-off; after ``OUTBOX_MAX_ATTEMPTS`` it is marked failed.
    """
    sent = retried = failed = 0
    candidate_ids = list(
        Notification.objects.due(now=now).order_by("send_after").values_list("pk", flat=True)[:batch_size]
    )
    for pk in candidate_ids:
        with transaction.atomic():
            message = (
                Notification.objects.select_for_update(skip_locked=True).due(now=now).filter(pk=pk).first()
            )
            if message is None:  # another worker has it, or it was sent meanwhile
                continue
            message.attempts += 1
            try:
                EmailMessage(
                    subject=message.subject,
                    body=message.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[message.to],
                ).send()
            except Exception as exc:  # any mail failure is recorded on the message, never lost
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                    message.status = Notification.Status.FAILED
                    failed += 1
                    logger.error("Gave up sending notification %s: %s", message.pk, message.last_error)
                else:
                    message.send_after = now + retry_delay(message.attempts)
                    retried += 1
            else:
                message.status = Notification.Status.SENT
                message.sent_at = now
                message.last_error = ""
                sent += 1
            message.save(update_fields=["attempts", "status", "sent_at", "send_after", "last_error"])
    return SendReport(sent=sent, retried=retried, failed=failed)


@dataclass(frozen=True)
class FlagChanges:
    raised: list[int]
    resolved: int


def flags_reconcile(
    *,
    kind: str,
    subjects: QuerySet,
    now: datetime,
    account_field: str | None = None,
    service_field: str | None = None,
) -> FlagChanges:
    """Make the open flags of ``kind`` match ``subjects``, the rows whose condition holds now.

    Two statements, whatever the number of rows: one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
    raises a flag for each subject without an open one (the partial unique constraint makes a
    second run, or a concurrent one, insert nothing), and one ``UPDATE`` resolves the open flags
    whose subject no longer meets the condition. ``account_field`` and ``service_field`` name the
    subject's columns (or lookups) holding its account and service, when it has them.
    """
    subject_type = ContentType.objects.get_for_model(subjects.model)
    columns = subjects.values_list(
        "pk",
        F(account_field) if account_field else Cast(Value(None), output_field=BigIntegerField()),
        F(service_field) if service_field else Cast(Value(None), output_field=BigIntegerField()),
    )
    try:
        select_sql, select_params = columns.query.sql_with_params()
    except EmptyResultSet:  # the condition holds for nothing: only resolve
        select_sql = None
    table = connection.ops.quote_name(GovernanceFlag._meta.db_table)
    raised: list[int] = []
    with transaction.atomic():
        if select_sql is not None:
            with connection.cursor() as cursor:
                # Only our own table name and Django's compiled SQL are interpolated.
                sql = (
                    f"INSERT INTO {table} "  # noqa: S608  # nosec B608
                    "(kind, subject_type_id, raised_at, subject_id, account_id, service_id) "
                    f"SELECT %s, %s, %s, s.* FROM ({select_sql}) s "
                    "WHERE true ON CONFLICT DO NOTHING RETURNING id"
                )
                raised_at = connection.ops.adapt_datetimefield_value(now)
                cursor.execute(sql, [kind, subject_type.pk, raised_at, *select_params])
                raised = [row[0] for row in cursor.fetchall()]
        resolved = (
            GovernanceFlag.objects.open()
            .filter(kind=kind, subject_type=subject_type)
            .exclude(subject_id__in=subjects.values("pk"))
            .update(resolved_at=now)
        )
    return FlagChanges(raised=raised, resolved=resolved)


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


def _key(item) -> tuple[int, str]:
    account = item["account"]
    return (getattr(account, "pk", account), str(item["platform_id"]))


def enquiries_ingest(*, items: list[dict], now: datetime) -> IngestResult:
    """Record enquiries, idempotently on account and platform id (a repeat returns the stored one).

    Each item has ``account`` (an account or its id), ``platform_id``, ``received_at``, ``author``,
    ``text`` and ``channel``. Deadlines are computed now, once, with the account's policy, and
    stored. Everything is written in one transaction: one query for existing records, one
    ``INSERT … ON CONFLICT DO NOTHING`` and one query to read them all back; both lookups go by
    (account, platform id) pairs through the unique index (``stored_by_platform_id``).
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
                    response_due_at=due,
                    response_policy=policy,
                    recorded_at=now,
                )
            )
        _insert_ignoring_conflicts(Enquiry, new)
        if any(enquiry.response_due_at < now for enquiry in new):
            # Back-filled enquiries already past their deadline are flagged now, not at the next run.
            from .tasks import run_governance_check

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


# --- Governance flag digests (record, then notify) -------------------------------------------------


def flags_send_digest(*, now: datetime) -> int:
    """Tell people about new flags: one email per person per run, through the outbox.

    New flags (open, ``notified_at`` empty) are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and
    a conditional ``UPDATE … WHERE notified_at IS NULL`` in the same transaction as the emails, so a
    concurrent run claims none of them and nothing is sent twice. Each flag goes to its service's
    managers and to every member of Communications. Returns the number of emails written.
    """
    from django.contrib.auth import get_user_model

    from councilsocial.permissions import COMMUNICATIONS

    User = get_user_model()
    with transaction.atomic():
        claimable = list(
            GovernanceFlag.objects.open()
            .filter(notified_at__isnull=True)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if not claimable:
            return 0
        GovernanceFlag.objects.filter(pk__in=claimable, notified_at__isnull=True).update(notified_at=now)
        flags = list(
            GovernanceFlag.objects.filter(pk__in=claimable)
            .select_related("account", "service", "subject_type")
            .order_by("kind", "pk")
        )
        managers: dict[int, list[int]] = {}
        for service_id, user_id in Service.managers.through.objects.filter(
            service_id__in={f.service_id for f in flags if f.service_id}
        ).values_list("service_id", "user_id"):
            managers.setdefault(service_id, []).append(user_id)
        comms_ids = set(
            User.objects.filter(groups__name=COMMUNICATIONS, is_active=True).values_list("pk", flat=True)
        )
        per_person: dict[int, list[GovernanceFlag]] = {}
        for flag in flags:
            for user_id in comms_ids | set(managers.get(flag.service_id, ())):
                per_person.setdefault(user_id, []).append(flag)
        people = User.objects.filter(pk__in=per_person, is_active=True).exclude(email="")
        written = 0
        for person in people:
            person_flags = per_person[person.pk]
            lines = [f"- {_flag_line(flag)}" for flag in person_flags[:200]]
            if len(person_flags) > 200:
                lines.append(f"- and {len(person_flags) - 200} more")
            count = len(person_flags)
            notification_enqueue(
                to=person.email,
                subject=f"{count} new governance flag{'s' if count != 1 else ''}",
                body=(
                    f"Hello {person.get_full_name() or person.username},\n\n"
                    f"These governance checks need attention:\n\n" + "\n".join(lines) + "\n\n"
                    f"See them at {settings.SITE_URL}{_digest_link(person.pk in comms_ids, person_flags)}\n"
                ),
                dedupe_key=f"flag-digest:{person.pk}:{person_flags[0].pk}:{count}:{now:%Y%m%d%H%M%S}",
                now=now,
            )
            written += 1
    return written


def _digest_link(is_comms: bool, flags: list[GovernanceFlag]) -> str:
    """Communications go to the council dashboard, a service manager to their service's."""
    if is_comms:
        return reverse("dashboard")
    service_id = next(flag.service_id for flag in flags if flag.service_id)
    return reverse("service-dashboard", args=[service_id])


def _flag_line(flag: GovernanceFlag) -> str:
    where = f"{flag.account.display_name} ({flag.service})" if flag.account_id else str(flag.service or "")
    label = flag.get_kind_display()
    return f"{label}: {where}" if where else label


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
    from .dashboard import first_month, months_changed_since, response_performance
    from .models import ResponseTimeMonth, ResponseTimeRefresh

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


def response_stats_forget() -> int:
    """Make the next figures refresh recompute its whole window (after a change the watermark
    cannot see, such as the working calendar moving deadlines)."""
    from .models import ResponseTimeRefresh

    return ResponseTimeRefresh.objects.all().delete()[0]
