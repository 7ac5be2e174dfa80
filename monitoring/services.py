"""Writes for monitoring: the notification outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, F, QuerySet, Value

from councilsocial.tasking import enqueue_on_commit

from .models import GovernanceFlag, Notification

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
        F(account_field) if account_field else Value(None, output_field=BigIntegerField()),
        F(service_field) if service_field else Value(None, output_field=BigIntegerField()),
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
                    f"INSERT INTO {table} "  # noqa: S608
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
