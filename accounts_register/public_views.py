"""The public register of the council's official accounts (000 §24), with no sign-in.

``/register/`` (HTML), ``/register.json`` and ``/register.csv`` list the active accounts with exactly
six fields: platform, handle, link, display name, owning service and kind. Nothing else is read from
the database, so no mailbox, vault reference, recovery contact, authorised user or internal note can
ever appear. ``/register/check/?q=`` answers "is this really the council's account?" and, when it is
not, says how to report an impostor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from councilsocial.lib.spreadsheets import export_csv_bytes

from .models import AccountKind, SocialMediaAccount
from .platforms import Platform, display_handle, normalise_url, parse_reference, reference_problem

# The only columns the public register reads (000 §24). Private fields are never selected.
PUBLIC_FIELDS = ("platform", "handle", "url", "display_name", "service_name", "kind")
PUBLIC_JSON_KEYS = ("platform", "handle", "url", "display_name", "service", "kind")
# The rendered register is kept this long at most (it is rebuilt at once when an account changes).
PUBLIC_REGISTER_CACHE_SECONDS = 300
PUBLIC_CSV_HEADER = ("Platform", "Handle (without @)", "Link", "Display name", "Owning service", "Kind")

_PLATFORM_LABELS = dict(Platform.choices)
_KIND_LABELS = dict(AccountKind.choices)

# Where a member of the public reports a fake account on each platform (it is the platform that
# can take it down). Generic wording, so it stays right when the platforms move their help pages.
REPORT_TO_PLATFORM = {
    Platform.X: "On the account's profile, select the three dots (…), then Report, then the account "
    "is pretending to be someone else.",
    Platform.FACEBOOK: "On the page, select the three dots (…), then Report Page, then Scam or fake page.",
    Platform.INSTAGRAM: "On the profile, select the three dots (…), then Report, then it's pretending to "
    "be someone else.",
    Platform.THREADS: "On the profile, select the three dots (…), then Report, then it's pretending to "
    "be someone else.",
    Platform.YOUTUBE: "On the channel's About page, select Report user, then Impersonation.",
    Platform.LINKEDIN: "On the page, select More, then Report, then it's a fake page.",
    Platform.TIKTOK: "On the profile, select Share, then Report, then Pretending to be someone.",
    Platform.BLUESKY: "On the profile, select the three dots (…), then Report account, then Misleading "
    "account.",
}
REPORT_TO_PLATFORM_DEFAULT = (
    "Use the platform's own Report option on the account, choosing impersonation or a fake account."
)


def public_accounts():
    """The active accounts as plain rows of the six public fields, in one query."""
    return (
        SocialMediaAccount.objects.public()
        .annotate(service_name=F("service__name"))
        .order_by("platform", "handle")
        .values(*PUBLIC_FIELDS)
    )


def _public_row(row: dict) -> dict:
    return {
        "platform": row["platform"],
        "platform_label": _PLATFORM_LABELS.get(row["platform"], row["platform"]),
        "handle": display_handle(row["platform"], row["handle"]),
        "raw_handle": row["handle"],
        "url": row["url"],
        "display_name": row["display_name"],
        "service": row["service_name"],
        "kind": row["kind"],
        "kind_label": _KIND_LABELS.get(row["kind"], row["kind"]),
    }


def register_version() -> str:
    """A cheap fingerprint of the register: how many accounts there are and the latest change.

    Any change to any account (a status change included: an account leaving the public register
    changes too) moves the latest ``updated_at``; a service renamed shows within
    ``PUBLIC_REGISTER_CACHE_SECONDS`` at most, as the cached copies expire.
    """
    summary = SocialMediaAccount.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    latest = summary["latest"].isoformat() if summary["latest"] else "-"
    return f"{summary['count']}:{latest}"


def _cached(kind: str, build):
    """The rendered register ``kind`` for the current version, built at most once per version."""
    key = f"public-register:{kind}:{register_version()}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, PUBLIC_REGISTER_CACHE_SECONDS)
    return body


def _report_email() -> str:
    return getattr(settings, "IMPOSTOR_REPORT_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


@require_GET
@cache_control(public=True, max_age=60)
def register_html(request):
    """The register as a web page, one table per platform."""

    def build() -> str:
        rows = [_public_row(row) for row in public_accounts()]
        groups = [
            {
                "platform": platform,
                "label": _PLATFORM_LABELS.get(platform, platform),
                "accounts": list(accounts),
            }
            for platform, accounts in groupby(rows, key=lambda r: r["platform"])
        ]
        return render_to_string(
            "accounts_register/public/register_tables.html", {"groups": groups, "total": len(rows)}
        )

    return render(
        request,
        "accounts_register/public/register.html",
        {"tables": _cached("html", build), "report_email": _report_email()},
    )


@require_GET
@cache_control(public=True, max_age=60)
def register_json(request):
    """The register as JSON: ``{"council", "generated_at", "count", "accounts": [...]}``.

    Each account has exactly the keys ``PUBLIC_JSON_KEYS``; platform and kind are the codes
    listed on the register page.
    """

    def build() -> bytes:
        accounts = [
            {
                "platform": platform,
                "handle": display_handle(platform, handle),
                "url": url,
                "display_name": display_name,
                "service": service_name,
                "kind": kind,
            }
            for platform, handle, url, display_name, service_name, kind in public_accounts().values_list(
                *PUBLIC_FIELDS
            )
        ]
        document = {
            "council": settings.COUNCIL_NAME,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "count": len(accounts),
            "accounts": accounts,
        }
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()

    response = HttpResponse(_cached("json", build), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=60)
def register_csv(request):
    """The register as CSV with the header ``PUBLIC_CSV_HEADER``, through the one spreadsheet writer.

    Handles are written as stored, without the "@" that the page and the JSON show, in a column
    named so: a cell starting "@" is read as a formula by Excel and LibreOffice, so "@CannockChaseDC"
    would have to be written "'@CannockChaseDC" (a stray apostrophe for every reader of the file),
    while "CannockChaseDC" is both safe and clean. Any cell that still looks like a formula is
    neutralised by the writer.
    """
    accessors = ("platform_label", "raw_handle", "url", "display_name", "service", "kind_label")
    columns = list(zip(PUBLIC_CSV_HEADER, accessors, strict=True))

    def build() -> bytes:
        return export_csv_bytes((_public_row(row) for row in public_accounts()), columns)

    response = HttpResponse(_cached("csv", build), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="official-social-media-accounts.csv"'
    return response


@dataclass
class CheckResult:
    query: str
    platform: str | None
    handle: str
    matches: list[dict]
    error: str = ""
    # Why the handle or address cannot be the council's: it uses look-alike or hidden characters.
    lookalike: str = ""

    @property
    def official(self) -> bool:
        return bool(self.matches)


def check_reference(query: str) -> CheckResult:
    """Whether what someone typed (a handle, ``@handle`` or an address) is an active council account.

    The handle is compared without case, ``@`` or trailing slash, the same way the register stores it;
    an address on a known platform is checked on that platform only, and any other address (a blog or
    forum) is compared with the register's addresses. A handle or address with a look-alike or
    hidden character (``@CannockChaſeDC``, a Cyrillic letter in the host) is never official, whatever
    the database's case-insensitive comparison would say (issue 11 item 12).
    """
    query = (query or "").strip()[:500]
    if not query:
        return CheckResult(query, None, "", [], error="Enter a handle or web address to check")
    platform, handle = parse_reference(query)
    lookalike = reference_problem(query)
    if lookalike:
        return CheckResult(query, platform, handle, [], lookalike=lookalike)
    accounts = public_accounts()
    if handle:
        accounts = accounts.filter(handle__iexact=handle)
        if platform:
            accounts = accounts.filter(platform=platform)
    else:
        try:
            address = normalise_url(Platform.OTHER, query)
        except ValidationError:
            return CheckResult(
                query, None, "", [], error="Enter a handle, like @CannockChaseDC, or a web address"
            )
        accounts = accounts.filter(url__iexact=address)
    return CheckResult(query, platform, handle, [_public_row(row) for row in accounts])


ECHO_MAX_CHARS = 60


@require_GET
def register_check(request):
    """The "is this account really the council's?" page (000 §24)."""
    query = request.GET.get("q", "")
    result = check_reference(query) if "q" in request.GET else None
    # What was typed, as the answer repeats it: without surrounding space, and cut short so a
    # pasted page of text does not fill the answer (issue 13 item 5).
    echo = Truncator(" ".join(query.split())).chars(ECHO_MAX_CHARS)
    platform = (result.platform if result else None) or ""
    return render(
        request,
        "accounts_register/public/check.html",
        {
            "result": result,
            "query": query,
            "echo": echo,
            "report_email": _report_email(),
            "report_to_platform": REPORT_TO_PLATFORM.get(platform, REPORT_TO_PLATFORM_DEFAULT),
            "platform_label": _PLATFORM_LABELS.get(platform, ""),
        },
        status=200,
    )
