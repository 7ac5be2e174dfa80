import uuid
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts_register.models import Directorate, Service, leads
from accounts_register.selectors import SERVICE_CHOICES_LIMIT, flags_visible_to, get_flag_for_user
from councilsocial.calendar.rules import deadline_in_words
from councilsocial.calendar.selectors import calendar_current
from councilsocial.flags import services as flag_services
from councilsocial.flags.models import FlagKind
from councilsocial.lib.spreadsheets import columns_of, export_csv
from councilsocial.permissions import COMMUNICATIONS, ROLE_GROUPS, is_communications

from . import charts, dashboard, imports, services
from .api import accounts_for_sender
from .connections import platform_reply_state
from .flag_guidance import flag_row
from .forms import (
    ActivityUploadForm,
    EnquiryForm,
    FlagAssignForm,
    FlagNoteForm,
    NoResponseForm,
    ResponseTextForm,
)
from .models import DutyDay, Response, ResponseKind, ResponseTimeMonth
from .selectors import get_enquiry_for_user, inbox_enquiries
from .services import UNDO_MINUTES, duty_officer_on


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
    on_duty = duty_officer_on(timezone.localdate(now)) == request.user
    page = Paginator(inbox_enquiries(request.user, service_id=service_id, duty_first=on_duty), 50).get_page(
        request.GET.get("page")
    )
    undoable = (
        Response.objects.filter(
            recorded_by=request.user,
            undone_at__isnull=True,
            recorded_at__gte=now - timedelta(minutes=UNDO_MINUTES),
            platform_id="",  # a reply posted on the platform is public: services.response_undo refuses it
        )
        .select_related("enquiry__account")
        .order_by("-recorded_at")[:10]
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
            "services": _inbox_services(services, service_id),
            "is_comms": is_communications(request.user),
            "service_id": service_id,
            "query": f"service={service_id}" if service_id else "",
            "on_duty": on_duty,
            "undoable": undoable,
            "undo_minutes": UNDO_MINUTES,
        },
    )


def _inbox_services(services, chosen: int) -> list:
    """The services to narrow the inbox to: all of them up to ``SERVICE_CHOICES_LIMIT``; past that
    (a deployment serving many councils) only the chosen one, so the page stays small (issue 16)."""
    listed = list(services.order_by("name")[: SERVICE_CHOICES_LIMIT + 1])
    if len(listed) > SERVICE_CHOICES_LIMIT:
        return [service for service in listed if service.pk == chosen]
    return listed


@login_required
def enquiry_respond(request, pk: int):
    """Record a response: the inbox's link, then one button (a holding reply or a full answer), or
    "no response needed" with a reason. The response time is now."""
    enquiry = get_enquiry_for_user(request.user, pk, write=True)
    form, said = NoResponseForm(), ResponseTextForm()
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind == ResponseKind.NO_RESPONSE_NEEDED:
            form = NoResponseForm(request.POST)
            chosen = {"reason": form.cleaned_data["reason"]} if form.is_valid() else None
        else:
            said = ResponseTextForm(request.POST)
            chosen = {"text": said.cleaned_data["text"].strip()} if said.is_valid() else None
        if chosen is not None:
            try:
                services.enquiry_record_response(
                    enquiry=enquiry,
                    kind=kind,
                    responded_at=timezone.now(),
                    by=request.user,
                    now=timezone.now(),
                    **chosen,
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
            "people": _enquiry_people(enquiry),
            "form": form,
            "said": said,
            "responses": enquiry.responses.filter(undone_at__isnull=True).select_related("recorded_by"),
            "platform_reply": platform_reply_state(enquiry=enquiry, by=request.user),
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


# --- Dashboards (issue 6 item 8; bounded at any size of council, issue 16) -------------------------
def _dashboard(request, *, service=None, title: str):
    """The council's dashboard (``service`` None) or one service's.

    The council's summarises response times by month and by directorate (a page of directorates at
    a time, each a link to its services), and lists the first inactive and posting accounts; every
    table's full detail is in its CSV download, streamed. So the page and its queries are the same
    size for a council of 30 accounts or 100,000.
    """
    now = timezone.now()
    export = request.GET.get("export")
    if export:
        return _dashboard_csv(export, now=now, service=service)
    flags = dashboard.flags_by_kind(service)
    figures_at = dashboard.figures_computed_at()
    context, by_month = _response_times(request, service=service, now=now, figures_at=figures_at)
    accounts = dashboard.accounts_by_platform_and_status(service)
    platform_totals: dict[str, int] = {}
    for row in accounts:
        platform_totals[row["platform"]] = platform_totals.get(row["platform"], 0) + row["count"]
    limit = dashboard.LIST_LIMIT
    inactive = dashboard.inactive_accounts_queryset(now=now, service=service)
    inactive_total = dashboard.count_up_to(inactive)
    posting_total = dashboard.count_up_to(dashboard.posting_guideline_accounts(now=now, service=service))
    return render(
        request,
        "monitoring/dashboard.html",
        {
            **context,
            "title": title,
            "now": now,
            "figures_at": figures_at or now,
            "flags": flags,
            "flags_chart": dashboard.bar_chart(
                "Open governance flags by kind",
                "Bar chart of open governance flags by kind.",
                [(row["label"], row["count"]) for row in flags],
            ),
            "by_month": by_month,
            "posting_charts": _posting_charts(now=now, service=service),
            "accounts": accounts,
            "accounts_chart": dashboard.bar_chart(
                "Accounts by platform",
                "Bar chart of the number of accounts on each platform, all statuses.",
                sorted(platform_totals.items()),
            ),
            "inactive": list(inactive[:limit]),
            "inactive_total": inactive_total,
            "inactive_total_text": dashboard.count_text(inactive_total),
            "inactive_days": settings.MONITORING_INACTIVE_DAYS,
            "posting": dashboard.posting_against_guideline(now=now, service=service, limit=limit),
            "posting_total": posting_total,
            "posting_total_text": dashboard.count_text(posting_total),
            "window_days": settings.MONITORING_POSTING_WINDOW_DAYS,
        },
    )


def _response_times(request, *, service, now, figures_at) -> tuple[dict, list]:
    """Response times by month, as a line chart against the target, and the council's by directorate
    (a page of them) or the service's own figures. Read from the stored monthly figures once they
    have been computed, else live."""
    live = None if figures_at is not None else dashboard.response_performance(now=now, service=service)
    if service is not None:
        if live is None:
            performance, _ = dashboard.stored_response_performance(now=now, service=service)
        else:
            performance = live
        months = dashboard.window_months(now)
        line = dashboard.percent_lines(performance, key="service_id", months=months).get(service.pk)
        chart = _line_chart_of(
            months, [charts.Series(service.name, line or [None] * len(months))], chart_id="response-chart"
        )
        context = {"is_council": False, "performance": performance, "response_chart": chart}
        return context, dashboard.performance_by_month(performance)
    if live is None:
        by_month = dashboard.stored_by_month(now=now, computed_at=figures_at)
    else:
        by_month = dashboard.performance_by_month(live)
    directorates = _summary_page(
        request,
        Directorate.objects.order_by("name", "pk"),
        by="service__directorate_id",
        now=now,
        live=live,
        computed_at=figures_at,
    )
    chart = _response_chart(
        now=now,
        page=directorates,
        by="service__directorate_id",
        by_month=by_month,
        whole="The whole council",
        noun="directorates",
        live=live,
        computed_at=figures_at,
    )
    return {"is_council": True, "directorates": directorates, "response_chart": chart}, by_month


RESPONSE_CHART_TITLE = "Enquiries answered within their deadline, by month"


def _line_chart_of(months, series, *, chart_id: str, notes=()) -> charts.LineChart:
    target = settings.MONITORING_RESPONSE_TARGET_PERCENT
    return charts.LineChart(
        title=RESPONSE_CHART_TITLE,
        description=(
            "Line chart of the percentage of enquiries answered by their deadline, by the month they "
            "were received."
        ),
        months=months,
        series=series,
        y_max=100,
        y_min=charts.percent_floor([v for line in series for v in line.values], target),
        unit="%",
        target=charts.Target(target, f"Target: {target}% answered by the deadline"),
        chart_id=chart_id,
        notes=list(notes),
        partial_last=True,
    )


def _response_chart(*, now, page, by: str, by_month, whole: str, noun: str, live, computed_at):
    """A line for the whole council (or directorate) and one for each of the first
    ``CHART_SERIES_LIMIT`` rows of the page: one grouped query, whatever the size of the council."""
    months = dashboard.window_months(now)
    shown = list(page.object_list)[: dashboard.CHART_SERIES_LIMIT]
    ids = [row.pk for row in shown]
    if live is None:
        lines = dashboard.stored_lines(now=now, by=by, ids=ids, computed_at=computed_at) if ids else {}
    else:
        lines = dashboard.live_lines(live, by=by, ids=ids, now=now)
    total = dashboard.percent_lines(
        [{**row, "whole": 0} for row in by_month], key="whole", months=months
    ).get(0, [None] * len(months))
    series = [charts.Series(whole, total)]
    series += [charts.Series(row.name, lines.get(row.pk, [None] * len(months))) for row in shown]
    notes = []
    if page.paginator.count > len(shown):
        notes.append(
            f"The chart shows the first {len(shown)} {noun} of this page; the table below lists "
            f"all {page.paginator.count}."
        )
    return _line_chart_of(months, series, chart_id="response-chart", notes=notes)


def _posting_charts(*, now, service=None) -> dict:
    """A chart for each of the first ``CHART_SERIES_LIMIT`` corporate accounts: its original posts a
    week, month by month, against its platform's guideline (003 D5.2). Two queries."""
    listed = list(dashboard.posting_chart_accounts(service=service)[: dashboard.CHART_SERIES_LIMIT + 1])
    shown = listed[: dashboard.CHART_SERIES_LIMIT]
    months = dashboard.window_months(now)
    values = dashboard.posting_by_month(now=now, accounts=shown)
    made = []
    for account in shown:
        guideline = dashboard.weekly_guideline(account.platform)
        line = values[account.pk]
        top = max([guideline * 2, *(v for v in line if v is not None)])
        y_max = float(max(4, -(-top // 4) * 4))  # a whole number a gridline
        name = f"{account.display_name} on {account.get_platform_display()}"
        made.append(
            charts.LineChart(
                title=f"{name}: original posts a week",
                description=(
                    "Line chart of the original posts a week (not replies or shares), averaged over "
                    "each month."
                ),
                months=months,
                series=[charts.Series(name, line)],
                y_max=y_max,
                target=charts.Target(
                    guideline, f"Guideline: at least {guideline:g} a week (shaded where it is met)", y_max
                ),
                chart_id=f"posting-chart-{account.pk}",
                partial_last=True,
            )
        )
    return {"charts": made, "more": len(listed) > len(shown)}


def _summary_page(request, rows, *, by: str, now, live, computed_at=None):
    """A page of directorates or services (``rows``) with their figures added up for the window."""
    page = Paginator(rows, dashboard.SUMMARY_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [row.pk for row in page.object_list]
    if live is None:
        figures = dashboard.stored_summary(now=now, by=by, ids=ids, computed_at=computed_at)
    else:
        figures = dashboard.live_summary(live, by=by, ids=ids)
    link = _address_of("directorate-dashboard" if by == "service__directorate_id" else "service-dashboard")
    page.rows = [_summary_row(row, figures.get(row.pk, {}), link(row.pk)) for row in page.object_list]
    return page


def _address_of(name: str):
    """The address of page ``name`` for any id, reversed once for a whole page of rows."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"


def _summary_row(item, figures: dict, url: str) -> dict:
    """One row of a summary table, its words made here: a page of 50 rows costs little more to
    draw than a page of 8."""
    percent = figures.get("percent")
    within = "–" if percent is None else f"{percent}% ({figures['within']:,} of {figures['judged']:,})"
    return {
        "item": item,
        "url": url,
        **figures,
        "received_text": f"{figures.get('received') or 0:,}",
        "within_text": within,
    }


@login_required
def directorate_dashboard(request, pk: int):
    """A directorate's response times by month and by service (a page of services at a time)."""
    directorate = get_object_or_404(Directorate, pk=pk)
    if not (request.user.has_perm("monitoring.view_council_dashboard") or leads(request.user, directorate)):
        raise Http404("No such directorate.")
    now = timezone.now()
    if request.GET.get("export") == "performance":
        columns = columns_of(PERFORMANCE_HEADER)
        rows = _performance_csv_rows(now=now, directorate=directorate)
        return export_csv(rows, columns, filename=f"dashboard-directorate-{directorate.pk}-performance.csv")
    figures_at = dashboard.figures_computed_at()
    live = None if figures_at is not None else dashboard.response_performance(now=now)
    if live is None:
        by_month = dashboard.stored_by_month(now=now, directorate=directorate, computed_at=figures_at)
    else:
        in_directorate = set(directorate.services.values_list("pk", flat=True))
        by_month = dashboard.performance_by_month([r for r in live if r["service_id"] in in_directorate])
    services_page = _summary_page(
        request,
        directorate.services.order_by("name", "pk"),
        by="service_id",
        now=now,
        live=live,
        computed_at=figures_at,
    )
    return render(
        request,
        "monitoring/directorate_dashboard.html",
        {
            "directorate": directorate,
            "now": now,
            "figures_at": figures_at or now,
            "by_month": by_month,
            "response_chart": _response_chart(
                now=now,
                page=services_page,
                by="service_id",
                by_month=by_month,
                whole=f"The whole of {directorate.name}",
                noun="services",
                live=live,
                computed_at=figures_at,
            ),
            "services": services_page,
            "query": "",
        },
    )


PERFORMANCE_HEADER = [
    "Service",
    "Month",
    "Received",
    "Judged",
    "Within deadline",
    "Percent",
    "Median hours",
    "P90 hours",
]


def _performance_csv_rows(*, now, service=None, directorate=None):
    """Every service's figures by month (the full detail behind the summary), read in chunks."""
    figures_at = dashboard.figures_computed_at()
    if figures_at is None:
        rows = dashboard.response_performance(now=now, service=service)
        if directorate is not None:
            in_directorate = set(directorate.services.values_list("pk", flat=True))
            rows = [r for r in rows if r["service_id"] in in_directorate]
    else:
        stored = ResponseTimeMonth.objects.filter(month__gte=dashboard.first_month(now, 12))
        if service is not None:
            stored = stored.filter(service=service)
        if directorate is not None:
            stored = stored.filter(service__directorate=directorate)
        columns = ["service__name", "month", "received", "judged", "within", "median_seconds", "p90_seconds"]
        rows = (
            {
                "service": name,
                "month": month,
                "received": received,
                "judged": judged,
                "within": within,
                "percent": round(100 * within / judged, 1) if judged else None,
                "median_hours": dashboard.hours(median),
                "p90_hours": dashboard.hours(p90),
            }
            for name, month, received, judged, within, median, p90 in stored.order_by(
                "service__name", "service_id", "month"
            )
            .values_list(*columns)
            .iterator(chunk_size=5000)
        )
    for r in rows:
        yield [
            r["service"],
            f"{r['month']:%Y-%m}",
            r["received"],
            r["judged"],
            r["within"],
            r["percent"],
            r["median_hours"],
            r["p90_hours"],
        ]


def _dashboard_csv(export, *, now, service):
    """One table of the dashboard as a streamed CSV: every row, read from the database in chunks,
    so a worker's memory does not grow with the size of the council."""
    tables = {
        "flags": (
            ["Kind", "Open"],
            lambda: ([r["label"], r["count"]] for r in dashboard.flags_by_kind(service)),
        ),
        "performance": (PERFORMANCE_HEADER, lambda: _performance_csv_rows(now=now, service=service)),
        "accounts": (
            ["Platform", "Status", "Accounts"],
            lambda: (
                [r["platform"], r["status"], r["count"]]
                for r in dashboard.accounts_by_platform_and_status(service)
            ),
        ),
        "inactive": (
            ["Account", "Platform", "Service", "Last activity"],
            lambda: (
                [a.display_name, a.get_platform_display(), a.service.name, a.last_activity_at or ""]
                for a in dashboard.inactive_accounts_queryset(now=now, service=service).iterator(
                    chunk_size=2000
                )
            ),
        ),
        "posting": (
            ["Account", "Platform", "Original posts", "Guideline", "Meets it"],
            lambda: (
                [
                    r["account"].display_name,
                    r["account"].get_platform_display(),
                    r["recent"],
                    r["required"],
                    "yes" if r["meets"] else "no",
                ]
                for r in dashboard.posting_rows(
                    dashboard.posting_accounts(now=now, service=service).iterator(chunk_size=2000)
                )
            ),
        ),
    }
    if export not in tables:
        raise Http404("No such table.")
    header, rows = tables[export]
    return export_csv(rows(), columns_of(header), filename=f"dashboard-{export}.csv")


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


# --- Governance flags you can act on (issue 13 item 2) -------------------------------------------
FLAG_AGES = {
    "7": "Raised more than a week ago",
    "30": "Raised more than 30 days ago",
    "90": "Raised more than 90 days ago",
}
FLAG_CSV_COLUMNS = [
    ("Kind", "label"),
    ("Account", lambda row: row.flag.account.display_name if row.flag.account else ""),
    ("Service", lambda row: row.flag.service.name if row.flag.service else ""),
    ("Raised", lambda row: timezone.localtime(row.flag.raised_at)),
    ("Assigned to", lambda row: _person(row.flag.assigned_to)),
    ("How to clear it", "how_to_clear"),
    ("Where", lambda row: f"{settings.SITE_URL}{row.action_url}"),
]


def _person(person) -> str:
    return (person.get_full_name() or person.username) if person else ""


def _flag_people():
    """Who a flag can be assigned to: active people in a role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=ROLE_GROUPS)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@login_required
def flag_list(request):
    """Open governance flags the person may see (their services', or all for Communications).

    Each row links to what the flag is about and says how to clear it; filters by kind, service,
    assignee and age; ``?export=csv`` downloads the filtered list.
    """
    services_seen = Service.objects.visible_to(request.user)
    if not is_communications(request.user) and not services_seen.exists():
        raise PermissionDenied
    flags = flags_visible_to(request.user).open().select_related("account", "service", "assigned_to")
    chosen = {}
    kind = request.GET.get("kind", "")
    if kind in FlagKind.values:
        flags, chosen["kind"] = flags.filter(kind=kind), kind
    service = request.GET.get("service", "")
    if service.isdigit() and len(service) < 12:
        flags, chosen["service"] = flags.filter(service_id=int(service)), service
    assignee = request.GET.get("assignee", "")
    if assignee == "me":
        flags, chosen["assignee"] = flags.filter(assigned_to=request.user), assignee
    elif assignee == "nobody":
        flags, chosen["assignee"] = flags.filter(assigned_to__isnull=True), assignee
    elif assignee.isdigit() and len(assignee) < 12:
        flags, chosen["assignee"] = flags.filter(assigned_to_id=int(assignee)), assignee
    age = request.GET.get("age", "")
    if age in FLAG_AGES:
        flags = flags.filter(raised_at__lte=timezone.now() - timedelta(days=int(age)))
        chosen["age"] = age
    flags = flags.order_by("raised_at", "pk")
    if request.GET.get("export") == "csv":
        return export_csv(
            (flag_row(flag) for flag in flags.iterator(chunk_size=2000)),
            FLAG_CSV_COLUMNS,
            filename="open-flags.csv",
        )
    page = Paginator(flags, 50).get_page(request.GET.get("page"))
    people = list(_flag_people()) if is_communications(request.user) else []
    return render(
        request,
        "monitoring/flag_list.html",
        {
            "page": page,
            "rows": [flag_row(flag) for flag in page.object_list],
            "chosen": chosen,
            "kind": chosen.get("kind", ""),
            "kinds": FlagKind.choices,
            "services": [
                (str(pk), name) for pk, name in services_seen.order_by("name").values_list("pk", "name")
            ],
            "people": [(str(p.pk), _person(p)) for p in people],
            "ages": list(FLAG_AGES.items()),
            "query": urlencode(chosen),
        },
    )


@login_required
def flag_detail(request, pk: int):
    """One flag: what it is about, how to clear it, its history; Communications assign it and add
    notes. Neither clears it: it clears when its condition clears."""
    flag = get_flag_for_user(request.user, pk, write=request.method == "POST")
    comms = is_communications(request.user)
    people = _flag_people()
    assign_form = FlagAssignForm(initial={"assigned_to": flag.assigned_to_id}, people=people)
    note_form = FlagNoteForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "assign":
                assign_form = FlagAssignForm(request.POST, people=people)
                if assign_form.is_valid():
                    to = assign_form.cleaned_data["assigned_to"]
                    flag_services.flag_assign(
                        flag=flag,
                        to=to,
                        by=request.user,
                        note=assign_form.cleaned_data["note"],
                        now=timezone.now(),
                    )
                    messages.success(
                        request, f"Assigned to {_person(to)}." if to else "The flag is now unassigned."
                    )
                    return redirect("flag-detail", pk=flag.pk)
            else:
                note_form = FlagNoteForm(request.POST)
                if note_form.is_valid():
                    flag_services.flag_add_note(
                        flag=flag, by=request.user, note=note_form.cleaned_data["note"], now=timezone.now()
                    )
                    messages.success(request, "Note added.")
                    return redirect("flag-detail", pk=flag.pk)
        except flag_services.FlagRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("flag-detail", pk=flag.pk)
    return render(
        request,
        "monitoring/flag_detail.html",
        {
            "flag": flag,
            "row": flag_row(flag),
            "events": flag.events.select_related("by", "assigned_to"),
            "is_comms": comms,
            "assign_form": assign_form,
            "note_form": note_form,
        },
    )


# --- The duty officer (000 Appendix 2; issue 13 item 3) ------------------------------------------
def _enquiry_people(enquiry):
    """Who an enquiry can be given to: its service's people and Communications."""
    service = enquiry.account.service
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(services_managed=service) | Q(services_worked_in=service) | Q(groups__name=COMMUNICATIONS))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@login_required
@require_POST
def enquiry_assign(request, pk: int):
    """Give an enquiry to a person of its service; they are emailed once."""
    enquiry = get_enquiry_for_user(request.user, pk, write=True)
    person = (
        _enquiry_people(enquiry).filter(pk=request.POST.get("assigned_to") or 0).first()
        if ((request.POST.get("assigned_to") or "").isdigit())
        else None
    )
    if person is None:
        messages.error(request, "Choose who should answer it.")
        return redirect("enquiry-respond", pk=enquiry.pk)
    try:
        services.enquiry_assign(enquiry=enquiry, to=person, by=request.user, now=timezone.now())
    except services.DutyRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("enquiry-respond", pk=enquiry.pk)
    messages.success(request, f"Given to {person.get_full_name() or person.username}.")
    return redirect("inbox")


@login_required
@require_POST
def response_undo(request, pk: int):
    """Undo a response recorded by mistake: its author, within 15 minutes."""
    response = get_object_or_404(Response.objects.select_related("enquiry"), pk=pk, recorded_by=request.user)
    try:
        services.response_undo(response=response, by=request.user, now=timezone.now())
    except services.DutyRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("inbox")
    messages.success(request, "The response was undone. The enquiry is waiting for a response again.")
    return redirect("enquiry-respond", pk=response.enquiry_id)


@login_required
def duty_rota(request):
    """Communications set who is the duty officer on each working day (000 Appendix 2)."""
    if not is_communications(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    calendar = calendar_current()
    days = []
    for day in calendar.working_days_from(today):
        days.append(day)
        if len(days) == 10:
            break
    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=ROLE_GROUPS)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    if request.method == "POST":
        try:
            day = date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            day = None
        officer = (
            people.filter(pk=request.POST.get("officer")).first()
            if request.POST.get("officer", "").isdigit()
            else None
        )
        if day is None or officer is None:
            messages.error(request, "Choose a day and a person.")
        else:
            try:
                services.duty_set(day=day, officer=officer, by=request.user, now=timezone.now())
            except services.DutyRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request, f"{officer.get_full_name() or officer.username} is on duty on {day:%A %-d %B}."
                )
                return redirect("duty-rota")
    rota = {duty.day: duty.officer for duty in DutyDay.objects.filter(day__in=days).select_related("officer")}
    return render(
        request,
        "monitoring/duty_rota.html",
        {
            "rows": [(day, rota.get(day)) for day in days],
            "people": [(str(p.pk), p.get_full_name() or p.username) for p in people],
        },
    )
