"""Communications imports accounts from a spreadsheet: upload, preview, confirm (issue 3 item 7).

The work is in ``imports.py``; these views only move between its steps. Nothing is written until the
person confirms, and the confirmation writes what the server read from the file, never what the
browser sends back.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from councilsocial.permissions import is_communications

from . import imports
from .exports import export_csv

PREVIEW_VALID_ROWS_SHOWN = 500


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Select a CSV or Excel file of accounts"},
    )


def _require_communications(user) -> None:
    if not is_communications(user):
        raise PermissionDenied


def _register_url() -> str:
    try:
        return reverse("register-list")
    except NoReverseMatch:
        return reverse("account-import")


@login_required
@require_http_methods(["GET", "POST"])
def account_import(request):
    """Step 1: the upload page, which documents the columns; a good file goes on to its preview."""
    _require_communications(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # An oversized upload is refused on its size, before it is read into memory.
            imports.check_upload_size(upload.size)
            columns, rows = imports.read_register_file(upload.name, upload.read())
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            plan = imports.plan_import(columns, rows)
            batch = imports.import_batch_create(
                by=request.user,
                file_name=upload.name,
                columns=columns,
                rows=rows,
                plan=plan,
                now=timezone.now(),
            )
            return redirect("account-import-preview", batch_id=batch.pk)
    return render(
        request,
        "accounts_register/import/upload.html",
        {"form": form, "columns": imports.COLUMNS, "max_rows": f"{settings.REGISTER_IMPORT_MAX_ROWS:,}"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, batch_id):
    """Step 2: row by row, what the import will do; confirming writes it, cancelling throws it away."""
    _require_communications(request.user)
    batch = imports.get_batch_for_user(request.user, batch_id)
    changed = False
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            imports.import_cancel(batch=batch, now=timezone.now())
            messages.info(request, f"The import of {batch.file_name} was cancelled. Nothing was changed.")
            return redirect("account-import")
        try:
            result = imports.import_apply(
                batch=batch,
                by=request.user,
                expected_digest=request.POST.get("digest", ""),
                now=timezone.now(),
            )
        except imports.PlanChanged as exc:
            plan, changed = exc.plan, True
        else:
            parts = [f"{result.created} account{'s' if result.created != 1 else ''} added"]
            parts.append(f"{result.updated} updated")
            if result.skipped:
                parts.append(f"{result.skipped} row{'s' if result.skipped != 1 else ''} with errors skipped")
            messages.success(request, f"Imported {batch.file_name}: " + ", ".join(parts) + ".")
            return redirect(_register_url())
    else:
        plan = imports.batch_plan(batch)
    valid_rows = plan.valid_rows
    return render(
        request,
        "accounts_register/import/preview.html",
        {
            "batch": batch,
            "plan": plan,
            "digest": plan.digest(),
            "changed": changed,
            "valid_rows": valid_rows[:PREVIEW_VALID_ROWS_SHOWN],
            "valid_rows_hidden": max(0, len(valid_rows) - PREVIEW_VALID_ROWS_SHOWN),
        },
    )


@login_required
@require_GET
def import_template(request):
    """The template CSV: every column, with one example row."""
    _require_communications(request.user)
    columns = [(column.name, column.name) for column in imports.COLUMNS]
    return export_csv(imports.template_rows(), columns, filename="register-import-template.csv")
