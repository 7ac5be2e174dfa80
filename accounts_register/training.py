"""Training records: Communications' manual entry and the e-learning import (002 §5.1; 001 §26).

Training records are the register's: completing the e-learning is a prerequisite of access
(``services.has_completed_elearning``). The pages are the operations app's (``/operations/training/``);
the writes are here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from councilsocial.forms import date_in_range, date_range_words
from councilsocial.lib import spreadsheets_read
from councilsocial.permissions import is_communications

from .models import TrainingRecord


class TrainingRefused(Exception):
    """A training record or import the rules refuse; the message is shown to the person as it is."""


def _require_communications(user) -> None:
    if not is_communications(user):
        raise PermissionDenied


# --- Training records (002 §5.1; 001 §26) -----------------------------------------------------
TRAINING_COLUMNS = ("person", "module", "completed_at", "expires_at")
TRAINING_IMPORT_MAX_BYTES = 2 * 1024 * 1024


@dataclass
class TrainingRow:
    line: int
    person_text: str
    module: str
    completed_text: str
    expires_text: str
    person_id: int | None = None
    person_name: str = ""
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    errors: list[str] = field(default_factory=list)

    def as_session(self) -> dict:
        """The cells as read, kept until the confirmation, which checks them again."""
        return {
            "line": self.line,
            "person": self.person_text,
            "module": self.module,
            "completed_at": self.completed_text,
            "expires_at": self.expires_text,
        }


@dataclass
class TrainingImportResult:
    imported: int
    already_recorded: int


def _parse_when(text: str) -> datetime | None:
    """A completion or expiry time as the e-learning system writes it; a bare date means midday."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - UK time, made aware below
        except ValueError:
            continue
        if fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            parsed = datetime.combine(parsed.date(), time(12))
        return timezone.make_aware(parsed)
    raise ValueError(text)


def _training_when(text: str, example: str, errors: list[str]) -> datetime | None:
    if not text:
        return None
    try:
        when = _parse_when(text)
    except ValueError:
        errors.append(f"“{text}” is not a date, like {example}")
        return None
    if not date_in_range(when.date()):
        errors.append(f"“{text}” must be {date_range_words()}")
        return None
    return when


FUTURE_COMPLETION = "The completion date cannot be in the future: record a course once it is completed"


def _completed_in_future(completed_at: datetime | None, *, now: datetime) -> bool:
    """A training record is of a course already completed (002 §5.1): one rule, by hand and by import."""
    return completed_at is not None and timezone.localdate(completed_at) > timezone.localdate(now)


def _training_rows_check(rows: list[TrainingRow], *, now: datetime) -> list[TrainingRow]:
    """Every check a row must pass to be written; the preview and the confirmation both run it."""
    module_max = TrainingRecord._meta.get_field("module").max_length
    User = get_user_model()
    wanted = {row.person_text.lower() for row in rows}
    people = {}
    for user in User.objects.filter(Q(username__in=list(wanted)) | Q(email__in=list(wanted))):
        people[user.username.lower()] = user
        if user.email:
            people[user.email.lower()] = user
    for row in rows:
        row.errors = []
        person = people.get(row.person_text.lower())
        if not row.person_text:
            row.errors.append("Enter the person's username or work email address")
        elif person is None:
            row.errors.append(f"There is no one with the username or email “{row.person_text}”")
        else:
            row.person_id, row.person_name = person.pk, person.get_full_name() or person.username
        if not row.module:
            row.errors.append("Enter the module name")
        elif len(row.module) > module_max:
            row.errors.append(f"The module name must be {module_max} characters or fewer")
        row.completed_at = _training_when(row.completed_text, "2026-03-14 or 14/03/2026", row.errors)
        if not row.completed_text:
            row.errors.append("Enter the date the module was completed")
        elif _completed_in_future(row.completed_at, now=now):
            row.errors.append(FUTURE_COMPLETION)
        row.expires_at = _training_when(row.expires_text, "2027-03-14 or 14/03/2027", row.errors)
        if row.completed_at and row.expires_at and row.expires_at <= row.completed_at:
            row.errors.append("The expiry date must be after the completion date")
    return rows


def training_import_preview(raw: bytes, name: str = "export.csv", *, now: datetime) -> list[TrainingRow]:
    """Read an e-learning export (CSV or XLSX: person, module, completed_at, expires_at), row by row.

    The person is a username or a work email address. Nothing is written: each row carries its errors.
    """
    try:
        numbered = spreadsheets_read.read_table(
            name, raw, max_bytes=TRAINING_IMPORT_MAX_BYTES, max_rows=settings.TRAINING_IMPORT_MAX_ROWS
        )
    except spreadsheets_read.SpreadsheetError as exc:
        raise TrainingRefused(f"{exc}.") from exc
    (_, header_row), body = numbered[0], numbered[1:]
    headers = [h.strip().lower() for h in header_row]
    missing = [column for column in TRAINING_COLUMNS[:3] if column not in headers]
    if missing:
        raise TrainingRefused(
            "The file must have the columns person, module, completed_at (and optionally expires_at)."
        )
    if not body:
        raise TrainingRefused("The file has no rows.")
    rows = []
    for number, cells in body:
        record = dict(zip(headers, cells, strict=False))
        rows.append(
            TrainingRow(
                line=number,
                person_text=record.get("person", ""),
                module=record.get("module", ""),
                completed_text=record.get("completed_at", ""),
                expires_text=record.get("expires_at", ""),
            )
        )
    return _training_rows_check(rows, now=now)


def training_import_confirm(*, by, rows: list[dict], now: datetime) -> TrainingImportResult:
    """Write the previewed rows, all or nothing, after the same checks as the preview (002 §5.1).

    A completion already recorded, or repeated in the file, is counted and skipped; the count
    imported is the count written.
    """
    _require_communications(by)
    checked = _training_rows_check(
        [
            TrainingRow(
                line=row.get("line", 0),
                person_text=row.get("person", ""),
                module=row.get("module", ""),
                completed_text=row.get("completed_at", ""),
                expires_text=row.get("expires_at", ""),
            )
            for row in rows
        ],
        now=now,
    )
    problems = [f"line {row.line}: {row.errors[0]}" for row in checked if row.errors]
    if problems:
        raise TrainingRefused(
            "Nothing has been imported: the rows no longer pass the checks ("
            + "; ".join(problems[:5])
            + "). Correct the file and upload it again."
        )
    with transaction.atomic():
        existing = set(
            TrainingRecord.objects.filter(person_id__in={row.person_id for row in checked}).values_list(
                "person_id", "module", "completed_at"
            )
        )
        new = {}
        for row in checked:
            key = (row.person_id, row.module, row.completed_at)
            if key not in existing and key not in new:
                new[key] = TrainingRecord(
                    person_id=row.person_id,
                    module=row.module,
                    completed_at=row.completed_at,
                    expires_at=row.expires_at,
                    source=TrainingRecord.Source.IMPORTED,
                    recorded_by=by,
                )
        try:
            with transaction.atomic():
                TrainingRecord.objects.bulk_create(new.values())
        except IntegrityError as exc:
            raise TrainingRefused(
                "Nothing has been imported: someone recorded some of these completions at the same "
                "moment. Upload the file again."
            ) from exc
    return TrainingImportResult(imported=len(new), already_recorded=len(checked) - len(new))


def training_record_add(
    *, by, person, module: str, completed_at: datetime, expires_at: datetime | None, now: datetime
) -> TrainingRecord:
    """Communications records a course someone completed (002 §5.1)."""
    _require_communications(by)
    if _completed_in_future(completed_at, now=now):
        raise TrainingRefused(FUTURE_COMPLETION)
    if expires_at is not None and expires_at <= completed_at:
        raise TrainingRefused("The expiry date must be after the completion date.")
    try:
        with transaction.atomic():
            return TrainingRecord.objects.create(
                person=person,
                module=module,
                completed_at=completed_at,
                expires_at=expires_at,
                source=TrainingRecord.Source.MANUAL,
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise TrainingRefused("That completion is already recorded.") from exc
