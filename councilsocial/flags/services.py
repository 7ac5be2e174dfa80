"""The flags engine: reconcile a check's findings into flags, and tell people about new ones.

A check (``(*, now) -> FlagChanges``) is owned by the app whose data it reads and registered in
``councilsocial.flags.registry`` at start-up; this module knows no app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, QuerySet, Value
from django.db.models.functions import Cast
from django.urls import reverse

from councilsocial.notifications.services import notification_enqueue
from councilsocial.permissions import COMMUNICATIONS, is_communications

from .models import FlagEvent, FlagEventKind, GovernanceFlag


def _service_model():
    """The register's Service model, reached through the flag's relation (the base imports no app)."""
    return GovernanceFlag._meta.get_field("service").related_model


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
    only: Iterable[int] | None = None,
) -> FlagChanges:
    """Make the open flags of ``kind`` match ``subjects``, the rows whose condition holds now.

    With ``only`` (subject ids), just those subjects are reconciled: what a write that may have
    cleared (or caused) a condition runs for its own subject when it commits.

    Two statements, whatever the number of rows: one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
    raises a flag for each subject without an open one (the partial unique constraint makes a
    second run, or a concurrent one, insert nothing), and one ``UPDATE`` resolves the open flags
    whose subject no longer meets the condition. ``account_field`` and ``service_field`` name the
    subject's columns (or lookups) holding its account and service, when it has them.
    """
    subject_type = ContentType.objects.get_for_model(subjects.model)
    open_flags = GovernanceFlag.objects.open().filter(kind=kind, subject_type=subject_type)
    if only is not None:
        only = list(only)
        subjects = subjects.filter(pk__in=only)
        open_flags = open_flags.filter(subject_id__in=only)
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
        resolved = open_flags.exclude(subject_id__in=subjects.values("pk")).update(resolved_at=now)
    return FlagChanges(raised=raised, resolved=resolved)


def flags_send_digest(*, now: datetime) -> int:
    """Tell people about new flags: one email per person per run, through the outbox.

    New flags (open, ``notified_at`` empty) are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and
    a conditional ``UPDATE … WHERE notified_at IS NULL`` in the same transaction as the emails, so a
    concurrent run claims none of them and nothing is sent twice. Each flag goes to its service's
    managers and to every member of Communications. Returns the number of emails written.
    """
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
        for service_id, user_id in (
            _service_model()
            .managers.through.objects.filter(service_id__in={f.service_id for f in flags if f.service_id})
            .values_list("service_id", "user_id")
        ):
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


# --- Acting on flags (issue 13 item 2) -------------------------------------------------------------
class FlagRefused(Exception):
    """The person may not do this to the flag; the message says why, in words."""


def _flag_for_change(flag: GovernanceFlag, by) -> GovernanceFlag:
    if not is_communications(by):
        raise FlagRefused("Only Communications can assign flags or add notes to them.")
    locked = GovernanceFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.resolved_at is not None:
        raise FlagRefused("This flag has already cleared.")
    return locked


def flag_assign(*, flag: GovernanceFlag, to, by, note: str = "", now: datetime) -> FlagEvent:
    """Communications asks a person to clear a flag (or, with ``to=None``, takes it back).

    The assignment and its note go into the flag's history, and the person is emailed once through
    the outbox. Assigning never clears the flag: that happens when its condition clears.
    """
    with transaction.atomic():
        locked = _flag_for_change(flag, by)
        locked.assigned_to = to
        locked.save(update_fields=["assigned_to"])
        event = FlagEvent.objects.create(
            flag=locked,
            kind=FlagEventKind.ASSIGNED if to is not None else FlagEventKind.UNASSIGNED,
            by=by,
            at=now,
            assigned_to=to,
            note=note.strip(),
        )
        if to is not None and to.email and to.pk != by.pk:
            notification_enqueue(
                to=to.email,
                subject=f"A governance flag for you to clear: {locked.get_kind_display()}",
                body=(
                    f"Hello {to.get_full_name() or to.username},\n\n"
                    f"{by.get_full_name() or by.username} has asked you to clear this flag:\n\n"
                    f"- {_flag_line(locked)}\n"
                    + (f"\nTheir note: {note.strip()}\n" if note.strip() else "")
                    + f"\nSee it at {settings.SITE_URL}{reverse('flag-detail', kwargs={'pk': locked.pk})}\n"
                ),
                dedupe_key=f"flag-assigned:{event.pk}",
                now=now,
            )
    flag.assigned_to = to
    return event


def flag_add_note(*, flag: GovernanceFlag, by, note: str, now: datetime) -> FlagEvent:
    """A note in the flag's history (what was done, who was asked). It does not clear the flag."""
    if not note.strip():
        raise FlagRefused("Enter the note.")
    with transaction.atomic():
        locked = _flag_for_change(flag, by)
        return FlagEvent.objects.create(
            flag=locked, kind=FlagEventKind.NOTE, by=by, at=now, note=note.strip()
        )
