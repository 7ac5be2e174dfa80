"""The monitoring dashboard's figures (reads) and its server-rendered SVG charts (pure functions).

Every figure is one grouped query over indexed columns, for the whole council or one service's
accounts. Charts are computed here as plain shapes and drawn by the template as accessible SVG, each
with a table alternative that also exports to CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from accounts_register.models import AccountKind, AccountStatus, SocialMediaAccount
from accounts_register.platforms import Platform
from councilsocial.calendar.rules import LONDON
from councilsocial.flags.models import FlagKind, GovernanceFlag

from .models import Enquiry, Post, PostKind, ResponseTimeMonth
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


def response_performance(*, now: datetime, service=None, months: int = 12) -> list[dict]:
    """Response times by service and month of receipt (000 §25).

    ``within`` of ``judged`` enquiries had a first response by their deadline; ``judged`` counts the
    enquiries with a first response plus those still unanswered past their deadline. Median and
    90th percentile are of the time to first response, in working hours.
    """
    since = datetime.combine(first_month(now, months), time(0), tzinfo=LONDON)
    enquiries = Enquiry.objects.filter(received_at__gte=since, received_at__lt=now)
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
            "median_hours": _hours(row["median"]),
            "p90_hours": _hours(row["p90"]),
        }
        for row in rows
    ]


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


def _hours(seconds: float | None) -> float | None:
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
                "median_hours": _hours(row.median_seconds),
                "p90_hours": _hours(row.p90_seconds),
            }
        )
    return rows, computed


def performance_by_month(rows: list[dict]) -> list[dict]:
    """The same figures added up across services, by month (for the chart)."""
    months: dict = {}
    for row in rows:
        month = months.setdefault(row["month"], {"month": row["month"], "judged": 0, "within": 0})
        month["judged"] += row["judged"]
        month["within"] += row["within"]
    for month in months.values():
        month["percent"] = round(100 * month["within"] / month["judged"], 1) if month["judged"] else None
    return [months[key] for key in sorted(months)]


def accounts_by_platform_and_status(service=None) -> list[dict]:
    platform_names = dict(Platform.choices)
    status_names = dict(AccountStatus.choices)
    rows = (
        _accounts(service).values("platform", "status").annotate(n=Count("pk")).order_by("platform", "status")
    )
    return [
        {
            "platform": platform_names.get(row["platform"], row["platform"]),
            "status": status_names.get(row["status"], row["status"]),
            "count": row["n"],
        }
        for row in rows
    ]


def inactive_accounts(*, now: datetime, service=None, limit: int = 200) -> list[SocialMediaAccount]:
    """Live accounts with no activity for more than ``MONITORING_INACTIVE_DAYS`` (003 D5.1)."""
    return list(
        _accounts(service)
        .live()
        .filter(inactive_q(now))
        .select_related("service")
        .order_by("last_activity_at", "pk")[:limit]
    )


def posting_against_guideline(*, now: datetime, service=None) -> list[dict]:
    """The accounts ``posting_guideline_accounts`` judges, with their posts against the guideline:
    exactly the accounts the posting check flags when ``meets`` is false (003 D5.2)."""
    accounts = (
        posting_guideline_accounts(now=now, service=service)
        .select_related("service")
        .order_by("platform", "handle")
    )
    return [
        {
            "account": account,
            "recent": account.recent_originals,
            "required": account.required_originals,
            "meets": account.recent_originals >= account.required_originals,
        }
        for account in accounts
    ]


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


# --- Charts ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float


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
        return max(len(self.bars), 1) * self.row_height + 10

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
    bars = []
    for index, (label, value) in enumerate(items):
        width = 0 if value is None else max(plot_width * value / top, 0)
        text = "no data" if value is None else f"{value:g}{unit}"
        bars.append(Bar(label=label, value=value or 0, text=text, y=5 + index * 30, width=round(width, 1)))
    return BarChart(title=title, description=description, bars=bars, plot_width=plot_width)
