"""Importing accounts into the register from a CSV or XLSX file (issue 3 item 7; 001 §28).

Three steps, none of them HTTP:

1. ``read_register_file(name, data)`` turns an upload into a header and rows of text, refusing a file
   that is empty, too large, not CSV or XLSX, or missing a required column (``ImportFileError``).
2. ``plan_import(columns, rows)`` checks every row the same way the account form does (the platform
   rules in ``platforms.py``, the council mailbox rule of 000 §11) and says, row by row, whether it
   will create an account, update one (matched by platform and handle, ignoring case and ``@``) or
   cannot be imported, and why. Nothing is written.
3. ``import_apply(batch=..., by=..., expected_digest=..., now=...)`` writes the valid rows in one transaction,
   after checking the plan still matches what the person previewed. New accounts are proposed:
   like any other, an imported account becomes active only through the register's one rule
   (``services.account_change_status``: an approval, an accepted risk assessment, Communications'
   admin access and a shared mailbox; 000 §6, §10, §11). Updates never change an account's status and
   keep their history with the reason "Imported from <file>".

A cell is only ever text: a formula in a spreadsheet (``=HYPERLINK(…)``) is read as the text of the
formula and stored as text; exports neutralise it again (``exports.neutralise``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from councilsocial.forms import LONG_TEXT_MAX_LENGTH, date_in_range, date_range_words
from councilsocial.lib import spreadsheets_read

from .models import AccountKind, AccountStatus, ImportBatch, Service, SocialMediaAccount
from .platforms import (
    Platform,
    canonical_url,
    display_handle,
    normalise_handle,
    normalise_url,
)
from .validators import refuse_pasted_password, sign_in_addresses, validate_shared_mailbox


@dataclass(frozen=True)
class ImportColumn:
    name: str
    field: str
    required: bool
    description: str
    example: str


# The columns of an import file, in the order of the template. Headers are matched without case,
# spaces or punctuation, so "Display name" and "display_name" are the same column.
COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn(
        "platform", "platform", True, "The platform: " + ", ".join(Platform.labels) + ".", "X (Twitter)"
    ),
    ImportColumn("handle", "handle", True, "The account's handle, with or without the @.", "CannockChaseDC"),
    ImportColumn(
        "url",
        "url",
        False,
        "The account's web address. Leave blank to use the platform's usual address for the handle "
        "(required for blogs, forums and other sites).",
        "https://x.com/CannockChaseDC",
    ),
    ImportColumn(
        "display_name", "display_name", True, "The name the account shows.", "Cannock Chase Council"
    ),
    ImportColumn(
        "service",
        "service",
        True,
        "The owning service's name, exactly as in the app. If two directorates have a service with that "
        "name, write it as Service (Directorate).",
        "Communications and Marketing",
    ),
    ImportColumn(
        "kind", "kind", False, "Corporate, departmental or campaign. Blank means departmental.", "Corporate"
    ),
    ImportColumn("purpose", "purpose", False, "What the account is for.", "News and service updates"),
    ImportColumn("launch_date", "launch_date", False, "Date, like 2019-04-01 or 01/04/2019.", "2019-04-01"),
    ImportColumn(
        "planned_end_date", "planned_end_date", False, "For campaign and time-limited accounts (000 §8c).", ""
    ),
    ImportColumn("exit_plan", "exit_plan", False, "What happens when the account is no longer needed.", ""),
    ImportColumn(
        "review_date", "review_date", False, "When the owner next confirms it is needed.", "2027-04-01"
    ),
    ImportColumn(
        "admin_mailbox",
        "admin_mailbox",
        False,
        "The shared council mailbox the account is registered to (000 §11).",
        "socialmedia@cannockchasedc.gov.uk",
    ),
    ImportColumn(
        "mailbox_is_shared",
        "admin_mailbox_is_shared",
        False,
        "Yes if the mailbox is a shared mailbox.",
        "yes",
    ),
    ImportColumn(
        "comms_has_admin_access",
        "comms_has_admin_access",
        False,
        "Yes if Communications holds admin access (000 §6f).",
        "yes",
    ),
    ImportColumn("mfa_enabled", "mfa_enabled", False, "Yes if multi-factor authentication is on.", "yes"),
    ImportColumn(
        "vault_reference",
        "vault_reference",
        False,
        "Where the password is kept. Never the password itself.",
        "Comms vault / X corporate",
    ),
    ImportColumn(
        "recovery_contact", "recovery_contact", False, "Who holds account recovery.", "Communications"
    ),
    ImportColumn("password_changed_on", "password_changed_on", False, "Date the password last changed.", ""),
    ImportColumn("followers", "followers", False, "Number of followers, a whole number.", "12500"),
)
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]
_HEADER_ALIASES = {
    "link": "url",
    "address": "url",
    "webaddress": "url",
    "name": "display_name",
    "displayname": "display_name",
    "owningservice": "service",
    "administeringmailbox": "admin_mailbox",
    "mailbox": "admin_mailbox",
    "adminmailbox": "admin_mailbox",
    "mailboxisshared": "mailbox_is_shared",
    "adminmailboxisshared": "mailbox_is_shared",
    "sharedmailbox": "mailbox_is_shared",
    "mfa": "mfa_enabled",
    "passwordmanagerreference": "vault_reference",
}
_DATE_FIELDS = {"launch_date", "planned_end_date", "review_date", "password_changed_on"}
_BOOL_FIELDS = {"admin_mailbox_is_shared", "comms_has_admin_access", "mfa_enabled"}
_FREE_TEXT_FIELDS = {"purpose", "exit_plan", "vault_reference", "recovery_contact", "display_name"}
_MAX_LENGTHS = {
    "display_name": 200,
    "vault_reference": 200,
    "recovery_contact": 200,
    "url": 500,
    "handle": 200,
}
_DERIVED_URL = "_derived_url"
_TRUE = {"yes", "y", "true", "1", "on"}
_FALSE = {"no", "n", "false", "0", "off", ""}
_PLATFORM_ALIASES = {"twitter": Platform.X, "x": Platform.X, "whatsapp": Platform.WHATSAPP}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the person uploading it."""


class PlanChanged(Exception):
    """The register changed between the preview and the confirmation; the new plan is attached."""

    def __init__(self, plan: ImportPlan):
        super().__init__("The register has changed since the preview")
        self.plan = plan


# --- Step 1: reading the file ----------------------------------------------------------------------
def _header_key(text: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", (text or "").lower())
    for column in COLUMNS:
        if key == column.name.replace("_", ""):
            return column.name
    return _HEADER_ALIASES.get(key, (text or "").strip())


def check_upload_size(size: int) -> None:
    """Refuse a file over ``REGISTER_IMPORT_MAX_BYTES`` before reading it."""
    if size > settings.REGISTER_IMPORT_MAX_BYTES:
        limit = settings.REGISTER_IMPORT_MAX_BYTES / (1024 * 1024)
        raise ImportFileError(f"The file must be smaller than {limit:g} MB")


def read_register_file(name: str, data: bytes) -> tuple[list[str], list]:
    """The header (as column names) and the data rows, ``[row number, [cells]]``, of a CSV or XLSX file.

    Raises ``ImportFileError`` for a wrong file type, an empty or oversized file, too many rows,
    or missing required columns. Blank rows are skipped.
    """
    check_upload_size(len(data))
    try:
        numbered = spreadsheets_read.read_table(
            name,
            data,
            max_bytes=settings.REGISTER_IMPORT_MAX_BYTES,
            max_rows=settings.REGISTER_IMPORT_MAX_ROWS,
            what="accounts",
        )
    except spreadsheets_read.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from exc
    (_, header), body = numbered[0], numbered[1:]
    columns = [_header_key(h) for h in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            "The file is missing the column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(missing)
            + ". The first row must name the columns, as in the template"
        )
    duplicated = sorted({c for c in columns if c in COLUMNS_BY_NAME and columns.count(c) > 1})
    if duplicated:
        raise ImportFileError("The file has more than one column called " + ", ".join(duplicated))
    if not body:
        raise ImportFileError("The file has a header row but no accounts")
    width = len(columns)
    return columns, [[number, (row + [""] * width)[:width]] for number, row in body]


# --- Step 2: the plan ----------------------------------------------------------------------------
CREATE, UPDATE, ERROR = "create", "update", "error"


@dataclass
class RowPlan:
    number: int  # the row number in the spreadsheet, counting the header as row 1
    action: str
    label: str  # what the row is, for the preview: "X (Twitter) @CannockChaseDC"
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    account_id: int | None = None
    changes: list[str] = field(default_factory=list)
    before: dict = field(default_factory=dict)  # the account's current values of the changed fields

    @property
    def is_valid(self) -> bool:
        return self.action != ERROR

    @property
    def change_details(self) -> list[tuple[str, str, str]]:
        """(what, from, to) for each field an update changes, for the preview."""
        return [
            (
                str(SocialMediaAccount._meta.get_field(name).verbose_name),
                _shown(self.before.get(name), name),
                _shown(self.values.get(name), name),
            )
            for name in self.changes
        ]


def _shown(value, name: str) -> str:
    if name == "kind" and value in AccountKind.values:
        return AccountKind(value).label
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Service):
        return value.name
    return str(value)


@dataclass
class ImportPlan:
    columns: list[str]
    rows: list[RowPlan]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def creates(self) -> int:
        return sum(1 for r in self.rows if r.action == CREATE)

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.action == UPDATE)

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if r.action == ERROR)

    @property
    def error_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action == ERROR]

    @property
    def valid_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action != ERROR]

    def digest(self) -> str:
        """A fingerprint of what the preview shows, to tell whether the register changed since."""
        summary = [(r.number, r.action, r.account_id, r.errors, r.changes) for r in self.rows]
        return hashlib.sha256(json.dumps(summary, default=str).encode()).hexdigest()


def _parse_date(text: str) -> datetime.date:
    """A date in one of the usual spreadsheet forms, within the dates people may enter."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, not a time
        except ValueError:
            continue
        if not date_in_range(day):
            raise ValidationError(f"must be {date_range_words()}", code="date_out_of_range")
        return day
    raise ValidationError("a real date, like 2026-04-01 or 01/04/2026")


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValidationError("yes or no")


def _choice(text: str, choices, aliases: dict | None = None) -> str | None:
    lowered = text.strip().lower()
    for value, label in choices:
        if lowered in (value.lower(), label.lower()):
            return value
    return (aliases or {}).get(lowered)


class _Services:
    """The council's services by name, read once per plan."""

    def __init__(self):
        self.by_name: dict[str, list[Service]] = defaultdict(list)
        self.by_full_name: dict[str, Service] = {}
        for service in Service.objects.select_related("directorate"):
            self.by_name[service.name.strip().lower()].append(service)
            self.by_full_name[f"{service.name} ({service.directorate.name})".lower()] = service

    def find(self, text: str) -> Service:
        key = " ".join(text.split()).lower()
        if key in self.by_full_name:
            return self.by_full_name[key]
        found = self.by_name.get(key, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = " or ".join(f"{s.name} ({s.directorate.name})" for s in found)
            raise ValidationError(f"More than one service is called {text}: write {names}")
        raise ValidationError(
            f"There is no service called {text}. Check the name in the app's list of services"
        )


def _check_row(
    cells: dict[str, str], services: _Services, personal_addresses: set[str]
) -> tuple[dict, list[str], str]:
    """The model values of one row, every error in it, and its label. Pure apart from ``services``.

    ``personal_addresses`` are people's sign-in addresses, never allowed as the mailbox (000 §11).
    Each step adds to ``values`` and ``errors``, in the order a reader meets the columns.
    """
    values: dict = {}
    errors: list[str] = []
    label = _check_identity(cells, values, errors)
    _check_service_and_kind(cells, services, values, errors)
    _check_other_columns(cells, personal_addresses, values, errors)
    _check_across_columns(values, errors)
    return values, errors, label


def _check_identity(cells: dict[str, str], values: dict, errors: list[str]) -> str:
    """Platform, handle and address: which account the row is. Returns the row's label."""
    platform = _choice(cells.get("platform", ""), Platform.choices, _PLATFORM_ALIASES)
    if not cells.get("platform"):
        errors.append("platform: enter the platform")
    elif platform is None:
        errors.append(f"platform: {cells['platform']} is not a platform in the list")
    else:
        values["platform"] = platform

    raw_handle = cells.get("handle", "")
    if platform:
        try:
            values["handle"] = normalise_handle(platform, raw_handle)
        except ValidationError as exc:
            errors.append(f"handle: {exc.messages[0]}")
    elif not raw_handle:
        errors.append("handle: enter the account's handle")
    label_handle = values.get("handle") or raw_handle.lstrip("@") or "(no handle)"
    platform_label = Platform(platform).label if platform else cells.get("platform") or "?"

    raw_url = cells.get("url", "")
    if platform and "handle" in values:
        if raw_url:
            try:
                values["url"] = normalise_url(platform, raw_url, handle=values["handle"])
            except ValidationError as exc:
                errors.append(f"url: {exc.messages[0]}")
        else:
            # Blank: the platform's usual address, for a new account; an update keeps its own.
            values["url"] = canonical_url(platform, values["handle"])
            values[_DERIVED_URL] = True
    return f"{platform_label} {display_handle(platform or '', label_handle)}"


def _check_service_and_kind(
    cells: dict[str, str], services: _Services, values: dict, errors: list[str]
) -> None:
    if cells.get("display_name"):
        values["display_name"] = " ".join(cells["display_name"].split())
    if cells.get("service"):
        try:
            values["service"] = services.find(cells["service"])
        except ValidationError as exc:
            errors.append(f"service: {exc.messages[0]}")
    if cells.get("kind"):
        kind = _choice(cells["kind"], AccountKind.choices)
        if kind is None:
            errors.append(f"kind: {cells['kind']} is not corporate, departmental or campaign")
        else:
            values["kind"] = kind


_CHECKED_FIRST = {"platform", "handle", "url", "service", "kind"}


def _check_other_columns(
    cells: dict[str, str], personal_addresses: set[str], values: dict, errors: list[str]
) -> None:
    """Every other filled-in column, parsed by its type: dates, yes/no, numbers, the mailbox, text."""
    for column in COLUMNS:
        text = cells.get(column.name, "")
        if not text or column.field in values or column.name in _CHECKED_FIRST:
            continue
        try:
            values[column.field] = _parse_cell(column.field, text, personal_addresses)
        except ValidationError as exc:
            errors.append(
                f"{column.name}: enter {exc.messages[0]}"
                if column.field in _DATE_FIELDS | _BOOL_FIELDS | {"followers"}
                and exc.error_list[0].code != "date_out_of_range"
                else f"{column.name}: {exc.messages[0]}"
            )


def _parse_cell(field: str, text: str, personal_addresses: set[str]):
    if field in _DATE_FIELDS:
        return _parse_date(text)
    if field in _BOOL_FIELDS:
        return _parse_bool(text)
    if field == "followers":
        if not re.fullmatch(r"\d{1,10}", text.replace(",", "")):
            raise ValidationError("a whole number, like 12500")
        return int(text.replace(",", ""))
    if field == "admin_mailbox":
        validate_shared_mailbox(text, personal_addresses=personal_addresses)
        return text.lower()
    return text


def _check_across_columns(values: dict, errors: list[str]) -> None:
    """Lengths, pasted passwords, and the rules that join two columns (000 §11; an end after the start)."""
    for name in _FREE_TEXT_FIELDS:
        if values.get(name):
            limit = _MAX_LENGTHS.get(name, LONG_TEXT_MAX_LENGTH)
            if limit and len(values[name]) > limit:
                errors.append(f"{name}: must be {limit:,} characters or fewer")
            try:
                refuse_pasted_password(values[name])
            except ValidationError as exc:
                errors.append(f"{name}: {exc.messages[0]}")
    if len(values.get("url", "")) > _MAX_LENGTHS["url"]:
        errors.append("url: must be 500 characters or fewer")
    if values.get("admin_mailbox") and not values.get("admin_mailbox_is_shared"):
        errors.append(
            "mailbox_is_shared: the administering mailbox must be a shared mailbox (000 §11); "
            "write yes if it is"
        )
    if (
        values.get("launch_date")
        and values.get("planned_end_date")
        and values["planned_end_date"] < values["launch_date"]
    ):
        errors.append("planned_end_date: must be after the launch date")


def _changes(account: SocialMediaAccount, values: dict) -> list[str]:
    changed = []
    for name, value in values.items():
        if name in {"platform", "handle"}:
            continue
        current = getattr(account, name)
        if name == "service":
            current, value = account.service_id, value.pk
        if current != value:
            changed.append(name)
    return changed


def plan_import(columns: list[str], rows: list) -> ImportPlan:
    """What importing these rows would do, row by row, with every error. Reads, never writes.

    A row updates the account with the same platform and handle (ignoring case and ``@``) and
    creates one otherwise. Blank cells in an update leave the account's value as it is. A row is
    refused when it repeats an earlier row of the file, or when its address is already another
    account's on the register. Runs a fixed number of queries whatever the number of rows.
    """
    known = [c for c in columns if c in COLUMNS_BY_NAME]
    ignored = [c for c in columns if c and c not in COLUMNS_BY_NAME]
    services = _Services()
    personal_addresses = sign_in_addresses()
    checked = []
    for number, row in rows:
        cells = {name: value for name, value in zip(columns, row, strict=False) if name in COLUMNS_BY_NAME}
        values, errors, label = _check_row(cells, services, personal_addresses)
        checked.append((number, values, errors, label))
    registered = _Registered(checked)
    return ImportPlan(known, [registered.plan_row(*row) for row in checked], ignored)


class _Registered:
    """The register's accounts the file's rows name (by platform and handle, or by address: one
    query each), and the rows of the file seen so far, to find repeats."""

    def __init__(self, checked: list) -> None:
        keys = {(v["platform"], v["handle"].lower()) for _, v, _, _ in checked if "handle" in v}
        urls = {v["url"].lower() for _, v, _, _ in checked if "url" in v}
        self.by_key: dict[tuple, SocialMediaAccount] = {}
        if keys:
            for account in (
                SocialMediaAccount.objects.select_related("service")
                .annotate(handle_key=Lower("handle"))
                .filter(platform__in={p for p, _ in keys}, handle_key__in={h for _, h in keys})
            ):
                self.by_key[(account.platform, account.handle_key)] = account
        self.by_url: dict[str, SocialMediaAccount] = {}
        if urls:
            for account in SocialMediaAccount.objects.annotate(url_key=Lower("url")).filter(url_key__in=urls):
                self.by_url.setdefault(account.url_key, account)
        self.seen_keys: dict[tuple, int] = {}
        self.seen_urls: dict[str, int] = {}

    def plan_row(self, number: int, values: dict, errors: list[str], label: str) -> RowPlan:
        """What this row will do: create, update (naming what changes) or nothing, for its errors."""
        key = (values.get("platform"), values["handle"].lower()) if "handle" in values else None
        account = self.by_key.get(key) if key else None
        self._check_repeats(number, key, account, values, errors)
        if account is None:
            for name in ("display_name", "service"):
                if name not in values and not any(e.startswith(f"{name}:") for e in errors):
                    errors.append(f"{name}: enter the {name.replace('_', ' ')} for a new account")
        if errors:
            return RowPlan(number, ERROR, label, values, errors, account.pk if account else None)
        if account is None:
            return RowPlan(number, CREATE, label, values)
        changes = _changes(account, values)
        return RowPlan(
            number,
            UPDATE,
            f"{account.get_platform_display()} {account.display_handle}",
            values,
            [],
            account.pk,
            changes,
            {name: account.service if name == "service" else getattr(account, name) for name in changes},
        )

    def _check_repeats(self, number: int, key, account, values: dict, errors: list[str]) -> None:
        """A row repeating an earlier row's account or address, or whose address is another
        account's on the register; a derived address is dropped for an update."""
        if key:
            if key in self.seen_keys:
                errors.append(f"duplicate: row {self.seen_keys[key]} of this file is the same account")
            else:
                self.seen_keys[key] = number
        if values.pop(_DERIVED_URL, False) and (account is not None or not values["url"]):
            del values["url"]
            if account is None:
                errors.append("url: enter the web address of the blog, forum or site")
        url_key = values.get("url", "").lower()
        if url_key:
            if url_key in self.seen_urls and not (key and self.seen_keys.get(key) != number):
                errors.append(f"duplicate: row {self.seen_urls[url_key]} of this file has the same address")
            self.seen_urls.setdefault(url_key, number)
            other = self.by_url.get(url_key)
            if other is not None and (account is None or other.pk != account.pk):
                errors.append(
                    f"duplicate: the address is already on the register as {other} (account {other.pk})"
                )


# --- Step 3: writing ------------------------------------------------------------------------------
def import_batch_create(
    *, by, file_name: str, columns: list[str], rows: list, plan: ImportPlan, now: datetime.datetime
) -> ImportBatch:
    """Keep an upload's cells on the server until it is confirmed or cancelled.

    Unconfirmed uploads older than a day are removed at the same time.
    """
    ImportBatch.objects.filter(
        applied_at__isnull=True, created_at__lt=now - datetime.timedelta(days=1)
    ).delete()
    return ImportBatch.objects.create(
        id=uuid.uuid4(),
        created_by=by,
        created_at=now,
        file_name=file_name[:255],
        columns=columns,
        rows=rows,
        plan_digest=plan.digest(),
    )


def get_batch_for_user(user, batch_id, *, write: bool = False) -> ImportBatch:
    """The person's own upload that is still waiting (``ImportBatch.objects.visible_to``); anything
    else is a 404. Whoever uploaded it both reads and confirms it, so ``write`` asks nothing more."""
    from django.http import Http404

    try:
        return ImportBatch.objects.visible_to(user).get(pk=batch_id)
    except (ImportBatch.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such import") from exc


def batch_plan(batch: ImportBatch) -> ImportPlan:
    return plan_import(batch.columns, batch.rows)


@dataclass
class ImportResult:
    created: int
    updated: int
    skipped: int


def import_apply(*, batch: ImportBatch, by, expected_digest: str, now: datetime.datetime) -> ImportResult:
    """Write every valid row of the upload in ONE transaction: all of them or none.

    ``expected_digest`` is the fingerprint of the plan the person confirmed; if the register has
    changed since (someone added one of the accounts, say), nothing is written and ``PlanChanged``
    carries the new plan to show them. Rows with errors are skipped, and counted.
    """
    reason = f"Imported from {batch.file_name}"[:100]
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.applied_at or locked.cancelled_at:
            raise PlanChanged(batch_plan(locked))
        plan = batch_plan(locked)
        if plan.digest() != expected_digest:
            raise PlanChanged(plan)
        new_accounts = [
            SocialMediaAccount(**row.values, status=AccountStatus.PROPOSED)
            for row in plan.rows
            if row.action == CREATE
        ]
        accounts, changed_fields = _apply_updates(plan, now=now, reason=reason)
        try:
            _write_with_history(new_accounts, accounts, changed_fields, by=by, reason=reason, now=now)
        except IntegrityError as exc:
            # Someone added one of the accounts at the same moment; show the new plan.
            raise PlanChanged(plan) from exc
        # The counts are of what was written: a row that matched an account and changed nothing is
        # not an update.
        result = ImportResult(created=len(new_accounts), updated=len(accounts), skipped=plan.errors)
        locked.applied_at = now
        locked.result = {"created": result.created, "updated": result.updated, "skipped": result.skipped}
        locked.rows = []  # the cells are on the register now (or were refused); keep only the counts
        locked.save(update_fields=["applied_at", "result", "rows"])
    return result


def _apply_updates(plan: ImportPlan, *, now: datetime.datetime, reason: str) -> tuple[list, set[str]]:
    """The matched accounts that change, locked and changed in memory, and the fields that changed."""
    updates = {row.account_id: row for row in plan.rows if row.action == UPDATE and row.changes}
    changed_fields: set[str] = set()
    accounts = list(SocialMediaAccount.objects.select_for_update().filter(pk__in=updates))
    for account in accounts:
        row = updates[account.pk]
        for name in row.changes:
            setattr(account, name, row.values[name])
            changed_fields.add(name)
        account.updated_at = now
        account._change_reason = reason
    return accounts, changed_fields


def _write_with_history(
    new_accounts: list, accounts: list, changed_fields: set[str], *, by, reason: str, now: datetime.datetime
) -> None:
    """Insert and update in batches of 1,000, each with its history row (who, when, why)."""
    history = {"batch_size": 1000, "default_user": by, "default_change_reason": reason, "default_date": now}
    if new_accounts:
        bulk_create_with_history(new_accounts, SocialMediaAccount, **history)
    if accounts:
        bulk_update_with_history(
            accounts, SocialMediaAccount, sorted(changed_fields | {"updated_at"}), **history
        )


def import_cancel(*, batch: ImportBatch, now: datetime.datetime) -> None:
    """Throw an upload away without writing anything."""
    ImportBatch.objects.filter(pk=batch.pk, applied_at__isnull=True).update(cancelled_at=now, rows=[])


def template_rows() -> list[dict]:
    """The one example row of the downloadable template."""
    return [{column.name: column.example for column in COLUMNS}]
