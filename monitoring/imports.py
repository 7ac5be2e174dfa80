"""CSV upload of enquiries or posts: read, preview row by row, confirm (issue 6 item 4b).

Each row is checked by the same serializers as the JSON API, so a file and an integration obey the
same rules, and stored with the same idempotent ingest: a row already recorded (same account and
platform id) is shown as such and changes nothing. Rows with errors are listed with their messages
and skipped; nothing is written until the person confirms.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime

from . import services
from .calendar import LONDON
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


def read_csv(data: bytes, kind: str) -> list[dict[str, str]]:
    """The data rows as dicts of our column names; header names are matched loosely."""
    if len(data) > MAX_BYTES:
        raise ImportFileError("The file is larger than 5 MB. Split it into smaller files")
    if b"\x00" in data[:8192]:
        raise ImportFileError("The file is not a CSV file. Save it as CSV UTF-8 and upload it again")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file could not be read ({exc}). Save it again as CSV UTF-8") from exc
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ImportFileError("The file is empty")
    header = [cell.strip().lower().replace(" ", "_") for cell in rows[0]]
    missing = sorted(REQUIRED[kind] - set(header))
    if missing:
        raise ImportFileError(f"The file has no column for: {', '.join(missing)}")
    data_rows = rows[1:]
    if not data_rows:
        raise ImportFileError("The file has a header row but no data")
    limit = settings.MONITORING_API_MAX_ITEMS * 10
    if len(data_rows) > limit:
        raise ImportFileError(f"The file has more than {limit} rows. Split it into smaller files")
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
    """A spreadsheet time without an offset is UK time; we pass the API an explicit offset."""
    parsed = parse_datetime(text.replace("/", "-")) if text else None
    if parsed is not None and parsed.tzinfo is None:
        return parsed.replace(tzinfo=LONDON).isoformat()
    return text


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
    from .api import EnquiryInSerializer, PostInSerializer, accounts_for_sender

    by_handle: dict[str, int | None] = {}
    for pk, handle in accounts_for_sender(user).values_list("pk", "handle"):
        key = _handle_key(handle)
        by_handle[key] = None if key in by_handle else pk  # the same handle on two platforms: ambiguous
    prepared = []
    for cells in batch.rows:
        item = {key: value for key, value in cells.items() if value != "" or key in REQUIRED[batch.kind]}
        account = item.get("account", "")
        if account and not account.isdigit():
            item["account"] = by_handle.get(_handle_key(account)) or account
        time_column = TIME_COLUMN[batch.kind]
        item[time_column] = _as_iso(item.get(time_column, ""))
        prepared.append(item)
    serializer_class = (
        EnquiryInSerializer if batch.kind == ActivityImport.Kind.ENQUIRIES else PostInSerializer
    )
    from .api import _account_context

    context = _account_context(_UserRequest(user), prepared)
    planned = []
    for number, (cells, item) in enumerate(zip(batch.rows, prepared, strict=True), start=2):
        checked = serializer_class(data=item, context=context)
        row = PlannedRow(number=number, cells=cells)
        if checked.is_valid():
            row.data = dict(checked.validated_data)
        else:
            row.errors = [
                f"{name.replace('_', ' ').capitalize()}: {message}"
                for name, messages in checked.errors.items()
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


def get_batch_for_user(user, batch_id) -> ActivityImport:
    """Only the uploader's own, unconfirmed batches; anything else is a 404."""
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
