import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts_register.models import Service
from councilsocial.calendar.rules import deadline_in_words
from councilsocial.calendar.selectors import calendar_current
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.lib.spreadsheets import columns_of, export_csv
from councilsocial.permissions import is_communications

from . import dashboard, imports, services
from .api import accounts_for_sender
from .forms import ActivityUploadForm, EnquiryForm, NoResponseForm
from .models import ResponseKind
from .selectors import get_enquiry_for_user, inbox_enquiries


# --- The inbox (issue 6 item 5) -------------------------------------------------------------------
def _may_use_inbox(user) -> bool:
    return is_communications(user) or Service.objects.for_member(user).exists()


@login_required
def inbox(request):
    """Each service's open enquiries across its accounts, soonest deadline first (000 §25).

    Service members see their services' enquiries; Communications sees every service's and may
    narrow to one. Overdue ones are marked; the time left is in words, in UK time.
    """
    if not _may_use_inbox(request.user):
        raise PermissionDenied
    services = (
        Service.objects.visible_to(request.user)
        if is_communications(request.user)
        else (Service.objects.for_member(request.user))
    )
    try:
        service_id = int(request.GET.get("service") or 0)
    except ValueError:
        service_id = 0
    now = timezone.now()
    calendar = calendar_current()
    page = Paginator(inbox_enquiries(request.user, service_id=service_id), 50).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "enquiry": enquiry,
            "overdue": enquiry.is_overdue(now),
            "words": deadline_in_words(enquiry.response_due_at, now, calendar),
        }
        for enquiry in page.object_list
    ]
    return render(
        request,
        "monitoring/inbox.html",
        {
            "page": page,
            "rows": rows,
            "services": list(services.order_by("name")),
            "is_comms": is_communications(request.user),
            "service_id": service_id,
            "query": f"service={service_id}" if service_id else "",
        },
    )


@login_required
def enquiry_respond(request, pk: int):
    """Record a response: the inbox's link, then one button (a holding reply or a full answer), or
    "no response needed" with a reason. The response time is now."""
    enquiry = get_enquiry_for_user(request.user, pk, write=True)
    form = NoResponseForm()
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        reason = ""
        if kind == ResponseKind.NO_RESPONSE_NEEDED:
            form = NoResponseForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else None
        if reason is not None:
            try:
                services.enquiry_record_response(
                    enquiry=enquiry,
                    kind=kind,
                    responded_at=timezone.now(),
                    reason=reason,
                    by=request.user,
                    now=timezone.now(),
                )
            except services.ResponseError as error:
                for message in error.errors.values():
                    messages.error(request, message)
                return redirect("enquiry-respond", pk=enquiry.pk)
            label = dict(ResponseKind.choices)[kind].lower()
            messages.success(request, f"Recorded: {label} to {enquiry.author or 'the enquiry'}.")
            return redirect("inbox")
    return render(
        request,
        "monitoring/enquiry_respond.html",
        {
            "enquiry": enquiry,
            "form": form,
            "words": deadline_in_words(enquiry.response_due_at, timezone.now(), calendar_current()),
        },
    )


@login_required
def enquiry_new(request):
    """An enquiry entered by hand by the service (issue 6 item 4c); its deadline is set now."""
    accounts = accounts_for_sender(request.user)
    if not accounts.exists():
        raise PermissionDenied
    form = EnquiryForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.enquiries_ingest(
            items=[
                {
                    "account": data["account"],
                    "platform_id": data["platform_id"].strip() or f"manual-{uuid.uuid4()}",
                    "received_at": data["received_at"],
                    "author": data["author"],
                    "text": data["text"],
                    "channel": data["channel"],
                }
            ],
            now=timezone.now(),
        )
        enquiry = result.records[0]
        if result.created:
            due = deadline_in_words(enquiry.response_due_at, timezone.now(), calendar_current())
            messages.success(request, f"Enquiry recorded: {due}.")
        else:
            messages.info(request, "That enquiry was already recorded; nothing was changed.")
        return redirect("inbox")
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "Record an enquiry", "back_url": reverse("inbox")},
    )


# --- Dashboards (issue 6 item 8) -------------------------------------------------------------------
def _dashboard(request, *, service=None, title: str):
    now = timezone.now()
    flags = dashboard.flags_by_kind(service)
    performance, figures_at = dashboard.stored_response_performance(now=now, service=service)
    if figures_at is None:  # not computed yet (a new installation): small enough to work out now
        performance, figures_at = dashboard.response_performance(now=now, service=service), now
    accounts = dashboard.accounts_by_platform_and_status(service)
    inactive = dashboard.inactive_accounts(now=now, service=service)
    posting = dashboard.posting_against_guideline(now=now, service=service)
    export = request.GET.get("export")
    if export:
        return _dashboard_csv(export, flags, performance, accounts, inactive, posting)
    by_month = dashboard.performance_by_month(performance)
    platform_totals: dict[str, int] = {}
    for row in accounts:
        platform_totals[row["platform"]] = platform_totals.get(row["platform"], 0) + row["count"]
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "title": title,
            "now": now,
            "figures_at": figures_at,
            "flags": flags,
            "flags_chart": dashboard.bar_chart(
                "Open governance flags by kind",
                "Bar chart of open governance flags by kind.",
                [(row["label"], row["count"]) for row in flags],
            ),
            "performance": performance,
            "performance_chart": dashboard.bar_chart(
                "Enquiries answered within their deadline, by month",
                "Bar chart of the percentage of enquiries answered within their deadline, by month received.",
                [(f"{row['month']:%B %Y}", row["percent"]) for row in by_month],
                maximum=100,
                unit="%",
            ),
            "accounts": accounts,
            "accounts_chart": dashboard.bar_chart(
                "Accounts by platform",
                "Bar chart of the number of accounts on each platform, all statuses.",
                sorted(platform_totals.items()),
            ),
            "inactive": inactive,
            "inactive_days": settings.MONITORING_INACTIVE_DAYS,
            "posting": posting,
            "window_days": settings.MONITORING_POSTING_WINDOW_DAYS,
        },
    )


def _dashboard_csv(export, flags, performance, accounts, inactive, posting) -> HttpResponse:
    tables = {
        "flags": (["Kind", "Open"], [[r["label"], r["count"]] for r in flags]),
        "performance": (
            [
                "Service",
                "Month",
                "Received",
                "Judged",
                "Within deadline",
                "Percent",
                "Median hours",
                "P90 hours",
            ],
            [
                [
                    r["service"],
                    f"{r['month']:%Y-%m}",
                    r["received"],
                    r["judged"],
                    r["within"],
                    r["percent"],
                    r["median_hours"],
                    r["p90_hours"],
                ]
                for r in performance
            ],
        ),
        "accounts": (
            ["Platform", "Status", "Accounts"],
            [[r["platform"], r["status"], r["count"]] for r in accounts],
        ),
        "inactive": (
            ["Account", "Platform", "Service", "Last activity"],
            [
                [a.display_name, a.get_platform_display(), a.service.name, a.last_activity_at or ""]
                for a in inactive
            ],
        ),
        "posting": (
            ["Account", "Platform", "Original posts", "Guideline", "Meets it"],
            [
                [
                    r["account"].display_name,
                    r["account"].get_platform_display(),
                    r["recent"],
                    r["required"],
                    "yes" if r["meets"] else "no",
                ]
                for r in posting
            ],
        ),
    }
    if export not in tables:
        raise Http404("No such table.")
    header, rows = tables[export]
    return export_csv(rows, columns_of(header), filename=f"dashboard-{export}.csv", stream=False)


@login_required
def council_dashboard(request):
    """Communications' dashboard for the whole council."""
    if not request.user.has_perm("monitoring.view_council_dashboard"):
        raise PermissionDenied
    return _dashboard(request, title="Council dashboard")


@login_required
def service_dashboard(request, pk: int):
    """A service's own dashboard: the same figures for its accounts."""
    service = get_object_or_404(Service.objects.visible_to(request.user), pk=pk)
    return _dashboard(request, service=service, title=f"{service.name} dashboard")


# --- CSV upload of enquiries and posts (issue 6 item 4b) -------------------------------------------
@login_required
def activity_import(request):
    """Step 1: upload a CSV of enquiries or posts; a readable file goes on to its preview."""
    if not accounts_for_sender(request.user).exists():
        raise PermissionDenied
    form = ActivityUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        try:
            if upload.size > imports.MAX_BYTES:
                raise imports.ImportFileError(
                    "The file must be smaller than 5 MB. Split it into smaller files"
                )
            rows = imports.read_upload(upload.name, upload.read(), kind)
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            batch = imports.batch_create(
                user=request.user, kind=kind, file_name=upload.name, rows=rows, now=timezone.now()
            )
            return redirect("activity-import-preview", batch_id=batch.pk)
    return render(request, "monitoring/import_upload.html", {"form": form, "columns": imports.COLUMNS})


@login_required
def activity_import_preview(request, batch_id):
    """Step 2: row by row, what the upload will do; confirming writes the valid rows."""
    batch = imports.get_batch_for_user(request.user, batch_id)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            batch.delete()
            messages.info(request, f"The upload of {batch.file_name} was cancelled. Nothing was recorded.")
            return redirect("activity-import")
        result = imports.batch_apply(batch=batch, user=request.user, now=timezone.now())
        messages.success(
            request,
            f"Uploaded {batch.file_name}: {result['created']} new, {result['repeated']} already recorded, "
            f"{result['skipped']} row{'s' if result['skipped'] != 1 else ''} with errors skipped.",
        )
        return redirect("inbox")
    plan = imports.plan_import(batch=batch, user=request.user)
    return render(request, "monitoring/import_preview.html", {"batch": batch, "plan": plan})


@login_required
def flag_list(request):
    """Open governance flags the person may see (their services', or all for Communications)."""
    services_seen = Service.objects.visible_to(request.user)
    if not is_communications(request.user) and not services_seen.exists():
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    flags = GovernanceFlag.objects.open().select_related("account", "service").order_by("-raised_at", "-pk")
    if not is_communications(request.user):
        flags = flags.filter(service__in=services_seen.values("pk"))
    if kind in FlagKind.values:
        flags = flags.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(flags, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/flag_list.html",
        {"page": page, "kind": kind, "kinds": FlagKind.choices, "query": f"kind={kind}" if kind else ""},
    )
