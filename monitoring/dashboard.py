"""The monitoring dashboard's figures (reads) and its server-rendered SVG charts (pure functions).

Every figure is one grouped query over indexed columns, for the whole council or one service's
accounts. Charts are computed here as plain shapes and drawn by the template as accessible SVG, each
with a table alternative that also exports to CSV.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from accounts_register.models import AccountKind, AccountStatus, Service, SocialMediaAccount
from accounts_register.platforms import Platform
from councilsocial.calendar.rules import LONDON
from councilsocial.flags.models import FlagKind, GovernanceFlag

from .models import Enquiry, EnquiryStatus, Post, PostKind, Response, ResponseTimeMonth, ResponseTimeRefresh
from .models.activity import overdue_q


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _accounts(service=None):
    accounts = SocialMediaAccount.objects.all()
    return accounts.filter(service=service) if service is not None else accounts


# --- The activity rules (003 D5.1–5.2): written once, used by the checks and the dashboard --------
def inactive_q(now: datetime) -> Q:
    """003 D5.1: no activity for more than ``MONITORING_INACTIVE_DAYS``; an account that has never
    posted counts from when it was registered. Applies to live accounts."""
    cutoff = now - timedelta(days=settings.MONITORING_INACTIVE_DAYS)
    return Q(last_activity_at__lt=cutoff) | Q(last_activity_at__isnull=True, created_at__lt=cutoff)


def posting_guideline_accounts(*, now: datetime, service=None):
    """003 D5.2: the accounts judged against a posting guideline, each annotated with
    ``recent_originals`` (original posts — not replies or shares — over the last
    ``MONITORING_POSTING_WINDOW_DAYS``) and ``required_originals`` (the platform's guideline over
    that window, rounded up). Judged: live corporate accounts on a platform with a guideline,
    registered at least a whole window ago (a newer account has not had the chance).
    Below the guideline: ``recent_originals < required_originals``.
    """
    window = settings.MONITORING_POSTING_WINDOW_DAYS
    since = now - timedelta(days=window)
    guidelines = settings.MONITORING_POSTING_GUIDELINES
    required = Case(
        *[
            When(platform=platform, then=Value(-(-posts * window // per_days)))
            for platform, (posts, per_days) in guidelines.items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        _accounts(service)
        .live()
        .filter(kind=AccountKind.CORPORATE, platform__in=list(guidelines), created_at__lt=since)
        .annotate(recent_originals=original_posts_since(since, now), required_originals=required)
    )


def flags_by_kind(service=None) -> list[dict]:
    """Open governance flags by kind, every kind listed (zero included)."""
    flags = GovernanceFlag.objects.open()
    if service is not None:
        flags = flags.filter(service=service)
    counts = dict(flags.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return [{"kind": kind, "label": label, "count": counts.get(kind, 0)} for kind, label in FlagKind.choices]


def _month_start(month: date) -> datetime:
    return datetime.combine(month, time(0), tzinfo=LONDON)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def response_performance(
    *, now: datetime, service=None, months: int = 12, only_months: Iterable[date] | None = None
) -> list[dict]:
    """Response times by service and month of receipt (000 §25).

    ``within`` of ``judged`` enquiries had a first response by their deadline; ``judged`` counts the
    enquiries with a first response plus those still unanswered past their deadline. Median and
    90th percentile are of the time to first response, in working hours. ``only_months`` (first
    days of months) narrows the work to those months of the window.
    """
    since = _month_start(first_month(now, months))
    enquiries = Enquiry.objects.filter(received_at__gte=since, received_at__lt=now)
    if only_months is not None:
        ranges = Q(pk__in=[])
        for month in only_months:
            ranges |= Q(
                received_at__gte=_month_start(month), received_at__lt=_month_start(_next_month(month))
            )
        enquiries = enquiries.filter(ranges)
    if service is not None:
        enquiries = enquiries.filter(account__service=service)
    late_unanswered = overdue_q(now)
    grouped = enquiries.annotate(month=TruncMonth("received_at", tzinfo=LONDON)).values(
        "account__service_id", "account__service__name", "month"
    )
    counts = {
        "received": Count("pk"),
        "judged": Count("pk", filter=Q(met_deadline__isnull=False) | late_unanswered),
        "within": Count("pk", filter=Q(met_deadline=True)),
    }
    if connection.vendor == "postgresql":
        rows = grouped.annotate(
            **counts,
            median=Percentile("first_response_working_seconds", 0.5),
            p90=Percentile("first_response_working_seconds", 0.9),
        ).order_by("account__service__name", "month")
    else:  # SQLite (``make run``): the same figures, percentiles worked out here
        rows = _with_percentiles(
            grouped.annotate(**counts).order_by("account__service__name", "month"), enquiries
        )
    return [
        {
            "service_id": row["account__service_id"],
            "service": row["account__service__name"],
            "month": row["month"],
            "received": row["received"],
            "judged": row["judged"],
            "within": row["within"],
            "percent": round(100 * row["within"] / row["judged"], 1) if row["judged"] else None,
            "median_seconds": row["median"],
            "p90_seconds": row["p90"],
            "median_hours": hours(row["median"]),
            "p90_hours": hours(row["p90"]),
        }
        for row in rows
    ]


def months_changed_since(*, since: datetime, now: datetime, months: int) -> set[date]:
    """The months of the window whose response-time figures may have changed after ``since``.

    An enquiry's month changes when it is recorded (``enquiry_recorded_idx``), when it is received
    (``enquiry_received_idx``), when a response to it is recorded (``response_recorded_idx``), and
    when it passes its deadline unanswered, which makes it count as judged
    (``enquiry_unanswered_due_idx``). Four small index range scans: the cost follows the changes.
    """
    in_window = Enquiry.objects.filter(
        received_at__gte=_month_start(first_month(now, months)), received_at__lt=now
    )
    changed = [
        in_window.filter(recorded_at__gte=since),
        in_window.filter(received_at__gte=since),
        in_window.filter(status=EnquiryStatus.OPEN, response_due_at__gte=since, response_due_at__lt=now),
        in_window.filter(pk__in=Response.objects.filter(recorded_at__gte=since).values("enquiry_id")),
    ]
    found: set[date] = set()
    for enquiries in changed:
        found.update(
            month.date() if isinstance(month, datetime) else month
            for month in enquiries.annotate(month=TruncMonth("received_at", tzinfo=LONDON))
            .order_by()
            .values_list("month", flat=True)
            .distinct()
        )
    return found


def _percentile(values: list[float], fraction: float) -> float | None:
    """``percentile_cont``: linear interpolation between the closest ranks."""
    if not values:
        return None
    values = sorted(values)
    position = (len(values) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


def _with_percentiles(rows, enquiries) -> list[dict]:
    seconds: dict[tuple, list[float]] = {}
    timed = enquiries.filter(first_response_working_seconds__isnull=False).annotate(
        month=TruncMonth("received_at", tzinfo=LONDON)
    )
    for service_id, month, value in timed.values_list(
        "account__service_id", "month", "first_response_working_seconds"
    ):
        seconds.setdefault((service_id, month), []).append(value)
    result = []
    for row in rows:
        values = seconds.get((row["account__service_id"], row["month"]), [])
        result.append({**row, "median": _percentile(values, 0.5), "p90": _percentile(values, 0.9)})
    return result


def hours(seconds: float | None) -> float | None:
    """Seconds as working hours to one decimal place, as the dashboard shows them."""
    return None if seconds is None else round(seconds / 3600, 1)


def first_month(now: datetime, months: int):
    local = now.astimezone(LONDON)
    index = local.year * 12 + local.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def stored_response_performance(
    *, now: datetime, service=None, months: int = 12
) -> tuple[list[dict], datetime | None]:
    """The pre-aggregated figures (``ResponseTimeMonth``) and when they were computed: one query."""
    stored = ResponseTimeMonth.objects.filter(month__gte=first_month(now, months)).select_related("service")
    if service is not None:
        stored = stored.filter(service=service)
    rows, computed = [], None
    for row in stored.order_by("service__name", "month"):
        computed = max(computed, row.computed_at) if computed else row.computed_at
        rows.append(
            {
                "service_id": row.service_id,
                "service": row.service.name,
                "month": row.month,
                "received": row.received,
                "judged": row.judged,
                "within": row.within,
                "percent": round(100 * row.within / row.judged, 1) if row.judged else None,
                "median_hours": hours(row.median_seconds),
                "p90_hours": hours(row.p90_seconds),
            }
        )
    return rows, computed


# --- The council's summary: by directorate, drilling down to services (issue 16) ------------------
# The council and directorate pages list at most this many directorates or services a page, and
# their figures are added up for that page's rows only, so a page costs the same whatever the
# number of services; the full detail is in the CSV downloads.
SUMMARY_PAGE_SIZE = 50
# The inactive and posting tables show this many accounts; the CSV downloads hold all of them.
LIST_LIMIT = 50
COUNT_LIMIT = 1000


def count_up_to(queryset) -> int:
    """How many rows ``queryset`` has, counting no further than ``COUNT_LIMIT + 1``: a page says
    "more than 1,000" without counting 100,000 rows (the download lists them all)."""
    return queryset.values("pk")[: COUNT_LIMIT + 1].count()


def count_text(number: int) -> str:
    """``count_up_to``'s answer in words: "more than 1,000" past the limit."""
    return f"more than {COUNT_LIMIT:,}" if number > COUNT_LIMIT else f"{number:,}"


def figures_computed_at() -> datetime | None:
    """When the stored figures were last brought up to date (the latest refresh), or None."""
    return ResponseTimeRefresh.objects.aggregate(at=Max("refreshed_at"))["at"]


def _totals(rows) -> dict:
    received = sum(r["received"] for r in rows)
    judged = sum(r["judged"] for r in rows)
    within = sum(r["within"] for r in rows)
    return {
        "received": received,
        "judged": judged,
        "within": within,
        "percent": round(100 * within / judged, 1) if judged else None,
    }


def _cache_key(*parts) -> str:
    """A short cache key without spaces (any cache backend takes it) for ``parts``."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"monitoring:dashboard:{parts[0]}:{digest}"


def stored_by_month(*, now: datetime, months: int = 12, directorate=None, computed_at=None) -> list[dict]:
    """The stored figures added up by month, for the council or one directorate: one grouped query
    over every service's rows, so it is kept in the cache until the figures are next refreshed
    (``computed_at``, from ``figures_computed_at``)."""
    computed_at = computed_at or figures_computed_at()
    scope = directorate.pk if directorate else "all"
    key = _cache_key("by-month", scope, first_month(now, months), computed_at)
    return cache.get_or_set(
        key, lambda: _stored_by_month(now=now, months=months, directorate=directorate), 3600
    )


def _stored_by_month(*, now: datetime, months: int, directorate) -> list[dict]:
    stored = ResponseTimeMonth.objects.filter(month__gte=first_month(now, months))
    if directorate is not None:
        stored = stored.filter(service__directorate=directorate)
    grouped = (
        stored.values("month").annotate(r=Sum("received"), j=Sum("judged"), w=Sum("within")).order_by("month")
    )
    return [
        {"month": row["month"], **_totals([{"received": row["r"], "judged": row["j"], "within": row["w"]}])}
        for row in grouped
    ]


def stored_summary(
    *, now: datetime, by: str, ids: list[int], months: int = 12, computed_at=None
) -> dict[int, dict]:
    """The stored figures of the window added up for each of ``ids`` (directorates or services,
    ``by`` = "service__directorate_id" or "service_id"): one grouped query over those rows only,
    kept in the cache until the figures are next refreshed (``computed_at``)."""
    computed_at = computed_at or figures_computed_at()
    key = _cache_key("summary", by, first_month(now, months), computed_at, *ids)
    return cache.get_or_set(key, lambda: _stored_summary(now=now, by=by, ids=ids, months=months), 3600)


def _stored_summary(*, now: datetime, by: str, ids: list[int], months: int) -> dict[int, dict]:
    grouped = (
        ResponseTimeMonth.objects.filter(month__gte=first_month(now, months), **{f"{by}__in": ids})
        .values(by)
        .annotate(r=Sum("received"), j=Sum("judged"), w=Sum("within"))
        .order_by()
    )
    return {
        row[by]: _totals([{"received": row["r"], "judged": row["j"], "within": row["w"]}]) for row in grouped
    }


def live_summary(rows: list[dict], *, by: str, ids: list[int]) -> dict[int, dict]:
    """The same as ``stored_summary`` from figures worked out live (before the first refresh)."""
    if by == "service_id":
        key_of = {pk: pk for pk in ids}
    else:
        key_of = dict(Service.objects.filter(directorate_id__in=ids).values_list("pk", "directorate_id"))
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        if row["service_id"] in key_of:
            grouped.setdefault(key_of[row["service_id"]], []).append(row)
    return {key: _totals(group) for key, group in grouped.items()}


def performance_by_month(rows: list[dict]) -> list[dict]:
    """The same figures added up across services, by month (for the chart)."""
    months: dict = {}
    for row in rows:
        month = months.setdefault(
            row["month"], {"month": row["month"], "received": 0, "judged": 0, "within": 0}
        )
        month["received"] += row["received"]
        month["judged"] += row["judged"]
        month["within"] += row["within"]
    for month in months.values():
        month["percent"] = round(100 * month["within"] / month["judged"], 1) if month["judged"] else None
    return [months[key] for key in sorted(months)]


def accounts_by_platform_and_status(service=None) -> list[dict]:
    """Accounts by platform and status: the council's from the register's own tally (a few rows at
    any size), a service's counted."""
    platform_names = dict(Platform.choices)
    status_names = dict(AccountStatus.choices)
    return [
        {
            "platform": platform_names.get(platform, platform),
            "status": status_names.get(status, status),
            "count": number,
        }
        for platform, status, number in _accounts(service).counts_by_platform_and_status()
    ]


def inactive_accounts_queryset(*, now: datetime, service=None):
    """Live accounts inactive under ``inactive_q`` (003 D5.1, the rule the inactivity check uses),
    silent longest first. Read through ``account_silent_since_idx``: a page of them costs the same
    whatever the number of accounts."""
    return (
        _accounts(service)
        .live()
        .filter(inactive_q(now))
        .annotate(silent_since=Coalesce("last_activity_at", "created_at"))
        .select_related("service")
        .order_by("silent_since", "pk")
    )


def inactive_accounts(*, now: datetime, service=None, limit: int = 200) -> list[SocialMediaAccount]:
    """The first ``limit`` inactive accounts, longest silent first."""
    return list(inactive_accounts_queryset(now=now, service=service)[:limit])


def posting_accounts(*, now: datetime, service=None):
    """``posting_guideline_accounts`` by platform and handle: exactly what the posting check judges."""
    return (
        posting_guideline_accounts(now=now, service=service)
        .select_related("service")
        .order_by("platform", "handle")
    )


def posting_rows(accounts) -> Iterator[dict]:
    """Each account of ``posting_accounts`` against its platform's guideline (003 D5.2)."""
    for account in accounts:
        yield {
            "account": account,
            "recent": account.recent_originals,
            "required": account.required_originals,
            "meets": account.recent_originals >= account.required_originals,
        }


def posting_against_guideline(*, now: datetime, service=None, limit: int | None = None) -> list[dict]:
    """The accounts the posting check judges, with their posts against the guideline: exactly the
    accounts it flags when ``meets`` is false (003 D5.2); the first ``limit`` of them with a limit
    (the correlated counts run for those only)."""
    accounts = posting_accounts(now=now, service=service)
    return list(posting_rows(accounts[:limit] if limit else accounts))


def original_posts_since(since: datetime, now: datetime):
    """Each account's original posts in ``[since, now)``: a correlated count over
    ``post_account_time_idx`` (one short index range per account, not a join of every post)."""
    counted = (
        Post.objects.filter(
            account=OuterRef("pk"), kind=PostKind.ORIGINAL, posted_at__gte=since, posted_at__lt=now
        )
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- Month-by-month lines for the charts (issue 13 item 7) -----------------------------------------
# A chart draws at most this many lines (directorates, services or accounts); the table beside it
# and the downloads hold every one.
CHART_SERIES_LIMIT = 8


def window_months(now: datetime, months: int = 12) -> list[date]:
    """The first days of the window's months, oldest first, the current month last."""
    start = first_month(now, months)
    found = [start]
    while len(found) < months:
        found.append(_next_month(found[-1]))
    return found


def _as_date(month) -> date:
    if isinstance(month, datetime):
        return (month.astimezone(LONDON) if month.tzinfo else month).date()
    return month


def percent_lines(rows: Iterable[dict], *, key: str, months: list[date]) -> dict:
    """``rows`` (``month``, ``judged``, ``within`` and ``key``) as each key's percentage answered
    within the deadline, month by month (None for a month with nothing judged)."""
    totals: dict = {}
    for row in rows:
        cell = totals.setdefault(row[key], {}).setdefault(_as_date(row["month"]), [0, 0])
        cell[0] += row["within"]
        cell[1] += row["judged"]
    return {
        group: [
            round(100 * cells[m][0] / cells[m][1], 1) if m in cells and cells[m][1] else None for m in months
        ]
        for group, cells in totals.items()
    }


def stored_lines(*, now: datetime, by: str, ids: list[int], months: int = 12, computed_at=None) -> dict:
    """The stored figures (``ResponseTimeMonth``) as a percentage line for each of ``ids``
    (directorates or services; ``by`` as for ``stored_summary``): one grouped query over those
    rows, kept in the cache until the figures are next refreshed."""
    computed_at = computed_at or figures_computed_at()
    key = _cache_key("lines", by, first_month(now, months), computed_at, *ids)
    return cache.get_or_set(key, lambda: _stored_lines(now=now, by=by, ids=ids, months=months), 3600)


def _stored_lines(*, now: datetime, by: str, ids: list[int], months: int) -> dict:
    rows = (
        ResponseTimeMonth.objects.filter(month__gte=first_month(now, months), **{f"{by}__in": ids})
        .values(by, "month")
        .annotate(judged=Sum("judged"), within=Sum("within"))
        .order_by()
    )
    return percent_lines(rows, key=by, months=window_months(now, months))


def live_lines(rows: list[dict], *, by: str, ids: list[int], now: datetime, months: int = 12) -> dict:
    """The same as ``stored_lines`` from figures worked out live (before the first refresh)."""
    if by == "service_id":
        key_of = {pk: pk for pk in ids}
    else:
        key_of = dict(Service.objects.filter(directorate_id__in=ids).values_list("pk", "directorate_id"))
    keyed = [{**row, "group": key_of[row["service_id"]]} for row in rows if row["service_id"] in key_of]
    return percent_lines(keyed, key="group", months=window_months(now, months))


def posting_chart_accounts(*, service=None):
    """The corporate accounts whose posting the dashboard draws against their platform's guideline
    (003 D5.2): live, on a platform with a guideline, by platform and handle."""
    guidelines = settings.MONITORING_POSTING_GUIDELINES
    return (
        _accounts(service)
        .live()
        .filter(kind=AccountKind.CORPORATE, platform__in=list(guidelines))
        .order_by("platform", "handle", "pk")
    )


def weekly_guideline(platform: str) -> float:
    """003 D5.2's guideline for ``platform`` as original posts a week."""
    posts, per_days = settings.MONITORING_POSTING_GUIDELINES[platform]
    return round(posts * 7 / per_days, 1)


def posting_by_month(*, now: datetime, accounts: list, months: int = 12) -> dict[int, list[float | None]]:
    """Each account's original posts a week, averaged over each month of the window (the current
    month over its days so far); None before the account was registered. One grouped query over
    ``post_account_time_idx``."""
    window = window_months(now, months)
    since = _month_start(window[0])
    counts: dict[tuple[int, date], int] = {}
    grouped = (
        Post.objects.filter(
            account__in=[a.pk for a in accounts],
            kind=PostKind.ORIGINAL,
            posted_at__gte=since,
            posted_at__lt=now,
        )
        .annotate(month=TruncMonth("posted_at", tzinfo=LONDON))
        .values("account_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in grouped:
        counts[(row["account_id"], _as_date(row["month"]))] = row["n"]
    result = {}
    for account in accounts:
        registered = account.created_at.astimezone(LONDON).date()
        values: list[float | None] = []
        for month in window:
            end = min(_month_start(_next_month(month)), now)
            if registered >= _next_month(month):  # not yet registered that month
                values.append(None)
                continue
            days = max((end - _month_start(month)).total_seconds() / 86400, 1)
            values.append(round(counts.get((account.pk, month), 0) * 7 / days, 1))
        result[account.pk] = values
    return result


# --- Charts ------------------------------------------------------------------------------------------
# A bar's label wraps at this many characters (about the label column's width at 14px), each line
# this far below the last.
LABEL_WRAP = 40
LABEL_LINE = 17


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float
    # The label wrapped onto as many lines as it needs: never cut off (issue 13).
    lines: tuple[str, ...] = ()
    row_height: int = 30

    @property
    def label_lines(self) -> list[tuple[int, str]]:
        """Each line of the label with its baseline."""
        return [(self.y + 15 + n * LABEL_LINE, line) for n, line in enumerate(self.lines or (self.label,))]


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart: the template draws ``bars`` inside a ``width`` × ``height`` SVG."""

    title: str
    description: str
    bars: list[Bar]
    label_width: int = 330
    plot_width: int = 380
    row_height: int = 30

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + 70

    @property
    def height(self) -> int:
        return max((bar.y + bar.row_height for bar in self.bars), default=self.row_height) + 5

    @property
    def bar_height(self) -> int:
        return self.row_height - 10

    @property
    def text_x(self) -> int:
        return self.label_width - 8


def bar_chart(
    title: str, description: str, items: list[tuple[str, float | None]], *, maximum=None, unit=""
) -> BarChart:
    """Scale ``items`` (label, value) to bars; a missing value is drawn as no bar and said as "no data"."""
    top = maximum or max((value or 0 for _, value in items), default=0) or 1
    plot_width = 380
    bars, y = [], 5
    for label, value in items:
        width = 0 if value is None else max(plot_width * value / top, 0)
        text = "no data" if value is None else f"{value:g}{unit}"
        lines = tuple(textwrap.wrap(label, LABEL_WRAP)) or ("",)
        height = 30 + LABEL_LINE * (len(lines) - 1)
        bars.append(
            Bar(
                label=label,
                value=value or 0,
                text=text,
                y=y,
                width=round(width, 1),
                lines=lines,
                row_height=height,
            )
        )
        y += height
    return BarChart(title=title, description=description, bars=bars, plot_width=plot_width)
