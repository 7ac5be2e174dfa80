"""The register's downloads: Communications' export of the filtered list and the import template.

The writing itself, and the neutralising of anything a spreadsheet would read as a formula, is the
one writer in ``councilsocial.lib.spreadsheets`` (OWASP "CSV injection"); this module only says
which columns the register exports. The names below are kept for the register's callers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from councilsocial.lib.spreadsheets import (
    FORMULA_PREFIXES,
    XLSX_CONTENT_TYPE,
    Column,
    export_csv,
    export_csv_bytes,
    export_rows,
    export_xlsx,
    export_xlsx_bytes,
    neutralise,
)

__all__ = [
    "ACCOUNT_EXPORT_COLUMNS",
    "FORMULA_PREFIXES",
    "XLSX_CONTENT_TYPE",
    "Column",
    "export_accounts_csv",
    "export_accounts_xlsx",
    "export_csv",
    "export_csv_bytes",
    "export_rows",
    "export_xlsx",
    "export_xlsx_bytes",
    "neutralise",
]


# The register's columns, for Communications' export of the filtered list (issue 3 item 5).
# Rows are SocialMediaAccount objects with ``service__directorate`` selected.
ACCOUNT_EXPORT_COLUMNS: list[Column] = [
    ("platform", lambda a: a.get_platform_display()),
    ("handle", "handle"),
    ("url", "url"),
    ("display_name", "display_name"),
    ("service", "service__name"),
    ("directorate", "service__directorate__name"),
    ("kind", lambda a: a.get_kind_display()),
    ("status", lambda a: a.get_status_display()),
    ("launch_date", "launch_date"),
    ("planned_end_date", "planned_end_date"),
    ("review_date", "review_date"),
    ("admin_mailbox", "admin_mailbox"),
    ("mailbox_is_shared", "admin_mailbox_is_shared"),
    ("comms_has_admin_access", "comms_has_admin_access"),
    ("mfa_enabled", "mfa_enabled"),
    ("vault_reference", "vault_reference"),
    ("recovery_contact", "recovery_contact"),
    ("password_changed_on", "password_changed_on"),
    ("followers", "followers"),
    ("last_activity_at", "last_activity_at"),
]


def export_accounts_csv(
    rows: Iterable[Any], columns: Sequence[Column] = ACCOUNT_EXPORT_COLUMNS, *, filename: str = "accounts.csv"
):
    """The register export as CSV: ``rows`` are accounts (or dicts), ``columns`` (header, accessor)."""
    return export_csv(rows, columns, filename=filename)


def export_accounts_xlsx(
    rows: Iterable[Any],
    columns: Sequence[Column] = ACCOUNT_EXPORT_COLUMNS,
    *,
    filename: str = "accounts.xlsx",
):
    """The register export as XLSX: ``rows`` are accounts (or dicts), ``columns`` (header, accessor)."""
    return export_xlsx(rows, columns, filename=filename, sheet_title="Accounts")
