"""Every page each role reaches passes axe-core's WCAG 2.2 AA rules and reflows, at 1280 px and at
320 px (issue 8 item 1, issue 17).

The pages are read from the navigation itself, then one page of each kind linked from those pages
(the first account, the first enquiry's reply form, and so on), so a page added to `navigation_for`,
or linked from a list, joins the walk by itself. The public pages are walked the same way.

At each page, one visit:
- at 1280 px: axe-core, no sideways scroll, and text at 200% (WCAG 1.4.4) neither widens the page
  nor is clipped;
- at 320 px (WCAG 1.4.10, the same as 400% zoom): axe-core, the page no wider than the window, and
  the text spacing of WCAG 1.4.12 neither widens the page nor is clipped.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.browser.conftest import (
    DESKTOP,
    NARROW,
    TEXT_200,
    TEXT_SPACING,
    layout_problems,
    sign_in_page,
)

from .conftest import describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"
ROLES = ["officer", "manager", "director", "comms", "admin"]
PUBLIC_PAGES = ["/sign-in/", "/password-reset/", "/accessibility/", "/register/", "/register/check/"]

SKIP = ("/admin/", "/sign-out/", "/static/", "/api/")  # Django admin: see the accessibility statement
SKIP_ENDINGS = (".csv", ".json", ".xlsx", ".pdf")
MAX_PAGES = 40
# Known failures, reported to the page's owner; each has an xfail(strict) test below, so fixing it
# fails that test until the entry is removed here.
KNOWN_VIOLATIONS: dict[str, set[str]] = {}


def seed_demo() -> None:
    call_command(
        "seed_demo", "--password", PASSWORD, "--allow-production", "--without-history", stdout=StringIO()
    )


def sign_in(live_server, page, username: str) -> None:
    seed_demo()
    sign_in_page(page, live_server.url, username, PASSWORD)


def links(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")


def discover(page, base_url: str, starts: list[str]) -> list[str]:
    """``starts``, then the first page of each kind linked from their main content."""
    starts = [path for path in starts if not path.startswith(SKIP)]
    found: list[str] = []
    kinds: set[str] = set()
    for start in starts:
        page.goto(f"{base_url}{start}")
        for href in links(page, "main a[href^='/']"):
            path = href.split("#")[0]
            kind = re.sub(r"\d+", "N", path.split("?")[0])
            if not path or path in starts or kind in kinds or path.startswith(SKIP):
                continue
            if not path.split("?")[0].endswith(SKIP_ENDINGS):
                kinds.add(kind)
                found.append(path)
    return starts + found[:MAX_PAGES]


def navigation(page) -> list[str]:
    return links(page, "nav[aria-label='Menu'] li a")


def problems_on(page, axe, base_url: str, path: str) -> list[str]:
    """Everything wrong with the page at both widths (nothing for a link that isn't a page)."""
    page.set_viewport_size(DESKTOP)
    response = page.goto(f"{base_url}{path}")
    if response is None or response.status != 200:
        return []
    known = KNOWN_VIOLATIONS.get(path, set())
    problems = []
    for width, extra, label in ((DESKTOP, TEXT_200, "text at 200%"), (NARROW, TEXT_SPACING, "text spacing")):
        page.set_viewport_size(width)
        at = f"at {width['width']}px"
        violations = [violation for violation in axe() if violation["id"] not in known]
        if violations:
            problems.append(f"axe {at}:\n{describe(violations)}")
        problems.extend(f"{at}: {line}" for line in layout_problems(page))
        problems.extend(f"{at} with {label}: {line}" for line in layout_problems(page, user_css=extra))
    return problems


def walk(page, axe, base_url: str, paths: list[str]) -> dict[str, str]:
    failures = {}
    for path in paths:
        problems = problems_on(page, axe, base_url, path)
        if problems:
            failures[path] = "\n".join(problems)
    return failures


def report(failures: dict[str, str]) -> str:
    return "\n".join(f"{path}:\n{text}" for path, text in failures.items())


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_is_accessible_and_reflows_at_1280_and_320_px(
    live_server, page, axe, username
):
    """The role's navigation and one page deeper from each of its pages: one browser context and
    one sign-in per role."""
    sign_in(live_server, page, username)
    paths = discover(page, live_server.url, navigation(page))
    assert len(paths) >= 2  # the walk found the navigation

    failures = walk(page, axe, live_server.url, paths)

    assert failures == {}, report(failures)


def test_every_public_page_is_accessible_and_reflows_at_1280_and_320_px(live_server, page, axe):
    seed_demo()
    paths = discover(page, live_server.url, PUBLIC_PAGES) + ["/register/check/?q=%40not-the-council"]

    failures = walk(page, axe, live_server.url, paths)

    assert failures == {}, report(failures)


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
