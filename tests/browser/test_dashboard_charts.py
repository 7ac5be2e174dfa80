"""The dashboard's year of charts in Chromium after ``seed_demo`` (issue 13 item 7), and the inbox on
a phone 390 px wide (issue 13 item 3): axe-core clean, nothing wider than the window, screenshots
saved under test-results/ for a person to look at."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts_register.models import Directorate
from tests.browser.conftest import DESKTOP, describe, layout_problems, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--password", PASSWORD, "--allow-production", stdout=StringIO())
    return live_server


def shot(page, name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_the_council_dashboard_draws_a_year_a_line_per_directorate_and_is_accessible(demo, page, axe):
    page.set_viewport_size(DESKTOP)
    sign_in_page(page, demo.url, "comms", PASSWORD)
    page.goto(f"{demo.url}/dashboard/")

    chart = page.locator("#response-times ~ figure svg").first
    series = chart.locator("g.app-line-chart__series")
    names = series.evaluate_all("gs => gs.map(g => g.dataset.series)")
    assert names[0] == "The whole council"
    assert set(names[1:]) == set(Directorate.objects.values_list("name", flat=True))
    # Twelve months, every one with a figure, on the council's line.
    assert series.first.locator("circle").count() == 12
    assert chart.locator("line.app-line-chart__target").count() == 1
    assert "Target: 95% answered by the deadline" in chart.inner_html()
    posting = page.locator("svg[aria-labelledby^='posting-chart-']")
    assert posting.count() == 4  # the corporate accounts on X, Facebook and Instagram
    assert axe() == [], describe(axe())
    assert layout_problems(page) == []
    shot(page, "dashboard-year-1280")
    RESULTS.mkdir(exist_ok=True)
    figures = page.locator("figure.app-chart--line")
    figures.nth(0).screenshot(path=str(RESULTS / "dashboard-response-chart.png"))
    figures.nth(1).screenshot(path=str(RESULTS / "dashboard-posting-chart.png"))


def test_a_directorates_dashboard_draws_a_line_per_service_and_is_accessible(demo, page, axe):
    page.set_viewport_size(DESKTOP)
    directorate = Directorate.objects.get(name="Place and Economy")
    sign_in_page(page, demo.url, "comms", PASSWORD)
    page.goto(f"{demo.url}/dashboard/directorates/{directorate.pk}/")

    names = page.locator("g.app-line-chart__series").evaluate_all("gs => gs.map(g => g.dataset.series)")
    assert names == [
        "The whole of Place and Economy",
        "Building Control",
        "Countryside Service",
        "Economic Development",
    ]
    page.get_by_text("Enquiries answered within their deadline, by month: the figures as a table").click()
    assert page.locator("details table tbody tr").count() == 12
    assert axe() == [], describe(axe())
    assert layout_problems(page) == []
    shot(page, "dashboard-directorate-1280")


def test_the_inbox_fits_a_phone_390_px_wide(demo, page, axe):
    page.set_viewport_size(PHONE)
    sign_in_page(page, demo.url, "comms", PASSWORD)
    page.goto(f"{demo.url}/inbox/")

    cards = page.locator(".app-cards .govuk-summary-card")
    assert cards.count() > 0 and cards.first.is_visible()
    assert not page.locator("table.app-inbox").is_visible()
    assert layout_problems(page) == []
    assert axe() == [], describe(axe())
    shot(page, "inbox-390")
    page.screenshot(path=str(RESULTS / "inbox-390-first-screen.png"))
