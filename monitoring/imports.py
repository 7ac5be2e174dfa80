"""CSV upload of enquiries or posts: read, preview row by row, confirm (issue 6 item 4b).

Each row is checked by the same serializers as the JSON API, so a file and an integration obey the
same rules, and stored with the same idempotent ingest: a row already recorded (same account and
platform id) is shown as such and changes nothing. Rows with errors are listed with their messages
and skipped; nothing is written until the person confirms.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime

from councilsocial.calendar.rules import LONDON
from councilsocial.forms import date_in_range, date_range_words
from councilsocial.lib import spreadsheets_read

from . import services
from .api import EnquiryInSerializer, PostInSerializer, _account_context, accounts_for_sender
from .models import ActivityImport, Enquiry, Post
from .selectors import stored_by_platform_id

MAX_BYTES = 5 * 1024 * 1024

COLUMNS = {
    ActivityImport.Kind.ENQUIRIES: ["account", "platform_id", "received_at", "author", "text", "channel"],
    ActivityImport.Kind.POSTS: ["account", "platform_id", "posted_at", "kind"],
}
REQUIRED = {
    ActivityImport.Kind.ENQUIRIES: {"account", "platform_id", "received_at", "channel"},
    ActivityImport.Kind.POSTS: {"account", "platform_id", "posted_at"},
}
TIME_COLUMN = {ActivityImport.Kind.ENQUIRIES: "received_at", ActivityImport.Kind.POSTS: "posted_at"}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the person uploading it."""


def read_upload(name: str, data: bytes, kind: str) -> list[dict[str, str]]:
    """The data rows of a CSV or XLSX file as dicts of our column names; headers are matched loosely.

    The file is read by the site's one spreadsheet reader, which refuses a NUL anywhere in it.
    """
    try:
        numbered = spreadsheets_read.read_table(
            name, data, max_bytes=MAX_BYTES, max_rows=settings.MONITORING_API_MAX_ITEMS * 10
        )
    except spreadsheets_read.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from exc
    (_, header_row), data_rows = numbered[0], [row for _, row in numbered[1:]]
    header = [cell.strip().lower().replace(" ", "_") for cell in header_row]
    missing = sorted(REQUIRED[kind] - set(header))
    if missing:
        raise ImportFileError(f"The file has no column for: {', '.join(missing)}")
    if not data_rows:
        raise ImportFileError("The file has a header row but no data")
    wanted = COLUMNS[kind]
    return [
        {
            name: (row[index].strip() if index < len(row) else "")
            for index, name in enumerate(header)
            if name in wanted
        }
        for row in data_rows
    ]


def _as_iso(text: str) -> str:
    """A spreadsheet time without an offset is UK time; we pass the API an explicit offset.

    Raises ``ValueError`` with a sentence for a time that is not real (30 February, 10:00:60, an
    offset of +25:00) or not between the dates people may enter; text that is not a time at all is
    passed on for the API's own message.
    """
    if not text:
        return text
    try:
        parsed = parse_datetime(text.replace("/", "-"))
    except ValueError:
        raise ValueError(f"{text} is not a real date and time") from None
    if parsed is None:
        return text
    if not date_in_range(parsed.date()):
        raise ValueError(f"{text} must be {date_range_words()}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed.isoformat()


@dataclass
class PlannedRow:
    number: int
    cells: dict
    errors: list[str] = field(default_factory=list)
    already_recorded: bool = False
    data: dict | None = None


@dataclass
class ImportPlan:
    rows: list[PlannedRow]

    @property
    def error_rows(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.errors]

    @property
    def new_rows(self) -> list[PlannedRow]:
        return [row for row in self.rows if not row.errors and not row.already_recorded]

    @property
    def repeated_rows(self) -> list[PlannedRow]:
        return [row for row in self.rows if not row.errors and row.already_recorded]


def plan_import(*, batch: ActivityImport, user) -> ImportPlan:
    """Check every row as the API would, and say which are new, already recorded, or wrong."""
    by_handle: dict[str, int | None] = {}
    for pk, handle in accounts_for_sender(user).values_list("pk", "handle"):
        key = _handle_key(handle)
        by_handle[key] = None if key in by_handle else pk  # the same handle on two platforms: ambiguous
    prepared = []
    for cells in batch.rows:
        item = {key: value for key, value in cells.items() if value != "" or key in REQUIRED[batch.kind]}
        account = item.get("account", "")
        cell_errors = {}
        if account and not account.isdigit():
            key = _handle_key(account)
            if by_handle.get(key) is not None:
                item["account"] = by_handle[key]
            else:  # said in our words, not the serializer's "A valid integer is required"
                cell_errors["account"] = [
                    f"“{account}” is the handle of more than one of your accounts: use the account's number"
                    if key in by_handle
                    else f"None of your accounts has the handle “{account}”. Use one of your accounts' "
                    "handles or its number on the register"
                ]
        time_column = TIME_COLUMN[batch.kind]
        try:
            item[time_column] = _as_iso(item.get(time_column, ""))
        except ValueError as exc:
            # Reported on the row in our words; the serializer checks the other cells.
            cell_errors[time_column] = [str(exc)]
            del item[time_column]
        prepared.append((item, cell_errors))
    serializer_class = (
        EnquiryInSerializer if batch.kind == ActivityImport.Kind.ENQUIRIES else PostInSerializer
    )
    context = _account_context(_UserRequest(user), [item for item, _ in prepared])
    planned = []
    for number, (cells, (item, cell_errors)) in enumerate(zip(batch.rows, prepared, strict=True), start=2):
        row = PlannedRow(number=number, cells=cells)
        checked = serializer_class(data=item, context=context)
        if checked.is_valid() and not cell_errors:
            row.data = dict(checked.validated_data)
        else:
            errors = {**checked.errors, **cell_errors}
            row.errors = [
                f"{name.replace('_', ' ').capitalize()}: {message}"
                for name, messages in errors.items()
                for message in messages
            ]
        planned.append(row)
    model = Enquiry if batch.kind == ActivityImport.Kind.ENQUIRIES else Post
    keys = {(row.data["account"], row.data["platform_id"]) for row in planned if row.data}
    existing = set(stored_by_platform_id(model, keys))
    seen = set()
    for row in planned:
        if row.data:
            key = (row.data["account"], row.data["platform_id"])
            row.already_recorded = key in existing or key in seen
            seen.add(key)
    return ImportPlan(rows=planned)


def _handle_key(text: str) -> str:
    return text.strip().lstrip("@").rstrip("/").lower()


class _UserRequest:
    """The part of a request ``_account_context`` reads."""

    def __init__(self, user):
        self.user = user


def batch_create(*, user, kind: str, file_name: str, rows: list[dict], now: datetime) -> ActivityImport:
    return ActivityImport.objects.create(
        id=uuid.uuid4(), kind=kind, created_by=user, created_at=now, file_name=file_name[:255], rows=rows
    )


def get_batch_for_user(user, batch_id, *, write: bool = False) -> ActivityImport:
    """Only the uploader's own, unconfirmed batches; anything else is a 404. The uploader both reads
    and confirms it, so ``write`` asks nothing more."""
    if not user.is_authenticated:
        raise Http404("No such upload")
    return get_object_or_404(ActivityImport, pk=batch_id, created_by=user, applied_at__isnull=True)


def batch_apply(*, batch: ActivityImport, user, now: datetime) -> dict:
    """Write the valid rows (re-checked now) with the idempotent ingest; mark the batch used."""
    with transaction.atomic():
        batch = ActivityImport.objects.select_for_update().get(pk=batch.pk)
        if batch.applied_at is not None:
            return batch.result
        plan = plan_import(batch=batch, user=user)
        items = [row.data for row in plan.rows if row.data]
        created = 0
        for start in range(0, len(items), settings.MONITORING_API_MAX_ITEMS):
            chunk = items[start : start + settings.MONITORING_API_MAX_ITEMS]
            ingest = (
                services.enquiries_ingest
                if batch.kind == ActivityImport.Kind.ENQUIRIES
                else services.posts_ingest
            )
            created += ingest(items=chunk, now=now).created
        batch.applied_at = now
        batch.result = {"created": created, "repeated": len(items) - created, "skipped": len(plan.error_rows)}
        batch.save(update_fields=["applied_at", "result"])
    return batch.result
