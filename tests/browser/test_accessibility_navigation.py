"""Every page in each demo role's navigation passes axe-core's WCAG 2.2 AA rules (issue 8 item 1).

The pages are read from the navigation itself, so a page added to `navigation_for` is checked too.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.browser.conftest import sign_in_page

from .conftest import describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"

SKIP = ("/admin/", "/sign-out/", "/static/", "/api/")
SKIP_ENDINGS = (".csv", ".json", ".xlsx", ".pdf")
MAX_PAGES = 40
# Known failures, reported to the page's owner; each has an xfail(strict) test below, so fixing it
# fails that test until the entry is removed here.
KNOWN_VIOLATIONS: dict[str, set[str]] = {}


def sign_in(live_server, page, username: str) -> None:
    call_command("seed_demo", "--password", PASSWORD, "--allow-production", stdout=StringIO())
    sign_in_page(page, live_server.url, username, PASSWORD)


@pytest.mark.parametrize("username", ["officer", "manager", "director", "comms", "admin"])
def test_every_page_in_the_navigation_is_accessible(live_server, page, axe, username):
    sign_in(live_server, page, username)
    menu = page.get_by_role("navigation", name="Menu").locator("li a")
    paths = [href for href in menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    paths = [path for path in paths if not path.startswith("/admin/")]  # Django admin: see the statement

    failures = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        violations = axe()
        if violations:
            failures[path] = describe(violations)

    assert failures == {}, "\n".join(f"{path}:\n{text}" for path, text in failures.items())


@pytest.mark.parametrize("username", ["officer", "director", "comms"])
def test_pages_one_link_from_the_navigation_are_accessible(live_server, page, axe, username):
    """Detail pages and forms reached from the navigation pages: one page of each kind (the first
    account, the first enquiry's reply form, and so on)."""
    sign_in(live_server, page, username)
    menu = page.get_by_role("navigation", name="Menu").locator("li a")
    starts = menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")

    found: list[str] = []
    kinds: set[str] = set()
    for start in starts:
        if start.startswith(SKIP):
            continue
        page.goto(f"{live_server.url}{start}")
        hrefs = page.locator("main a[href^='/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        for href in hrefs:
            path = href.split("#")[0]
            kind = re.sub(r"\d+", "N", path)
            if not path or path in starts or kind in kinds or path.startswith(SKIP):
                continue
            if not path.split("?")[0].endswith(SKIP_ENDINGS):
                kinds.add(kind)
                found.append(path)

    failures = {}
    for path in found[:MAX_PAGES]:
        response = page.goto(f"{live_server.url}{path}")
        if response is None or response.status != 200:
            continue
        known = KNOWN_VIOLATIONS.get(path, set())
        violations = [violation for violation in axe() if violation["id"] not in known]
        if violations:
            failures[path] = describe(violations)

    assert failures == {}, "\n".join(f"{path}:\n{text}" for path, text in failures.items())


def test_the_council_heat_map_is_accessible(live_server, page, axe):
    sign_in(live_server, page, "comms")
    page.goto(f"{live_server.url}/risk-assessments/heat-map/")

    violations = axe()

    assert violations == [], describe(violations)


FORMS = [
    ("comms", "account-create"),
    ("officer", "business-case-start"),
    ("officer", "enquiry-new"),
    ("officer", "incident-report"),
    ("officer", "monitoring-term-list"),
    ("officer", "content-check"),
]


@pytest.mark.parametrize(("username", "url_name"), FORMS)
def test_forms_showing_their_errors_are_accessible(live_server, page, axe, username, url_name):
    """Each form sent empty shows the GOV.UK error summary and field errors, which must pass too."""
    sign_in(live_server, page, username)
    page.goto(f"{live_server.url}{reverse(url_name)}")
    page.locator("main form[method='post']").last.locator("button, input[type='submit']").first.click()
    page.locator(".govuk-error-summary").wait_for()

    violations = axe()

    assert violations == [], describe(violations)
