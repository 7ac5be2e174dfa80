"""Reflow at 320 CSS px (WCAG 2.2 1.4.10), text spacing (1.4.12) and text resize (1.4.4) (issue 17).

The walk of every page at both widths is in test_accessibility_navigation.py; here: the checks
themselves catch what they should, a table's scroll region works from the keyboard, the work
lists turn into summary cards on a phone, and screenshots at 320 px to look at
(var/screenshots/reflow-320-*.png).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.conftest import DESKTOP, NARROW, TEXT_200, TEXT_SPACING, layout_problems, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"
MAX_TABS = 80


@pytest.fixture
def demo(live_server):
    call_command(
        "seed_demo", "--password", PASSWORD, "--allow-production", "--without-history", stdout=StringIO()
    )
    return live_server


def test_the_reflow_check_fails_a_page_wider_than_the_window(page):
    page.set_viewport_size(NARROW)
    page.set_content('<html lang="en"><body><main><div style="width: 400px">wide</div></main></body></html>')

    problems = layout_problems(page)

    assert problems and problems[0].startswith("the page is 4")


def test_the_reflow_check_passes_a_wide_table_scrolling_in_its_own_region(page):
    page.set_viewport_size(NARROW)
    page.set_content(
        '<html lang="en"><body><main><div style="overflow-x: auto">'
        '<table style="width: 900px"><tr><td>a</td></tr></table></div></main></body></html>'
    )

    assert layout_problems(page) == []


@pytest.mark.parametrize("user_css", [TEXT_SPACING, TEXT_200])
def test_the_text_checks_fail_text_clipped_by_a_fixed_height_box(page, user_css):
    page.set_viewport_size(NARROW)
    page.set_content(
        '<html lang="en"><body><main><p style="width: 250px; height: 21px; overflow: hidden;'
        ' font: 1rem/1.25 arial">Reply to the enquiry</p></main></body></html>'
    )

    assert layout_problems(page) == []
    assert any("clips its content" in line for line in layout_problems(page, user_css=user_css))


def test_a_table_scroll_region_is_reached_with_tab_and_scrolled_with_the_arrow_keys(demo, page):
    page.set_viewport_size(NARROW)
    sign_in_page(page, demo.url, "comms", PASSWORD)
    page.goto(f"{demo.url}/risk-assessments/")

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('.app-table-scroll')"):
            break
    else:
        raise AssertionError("Tab never reached a table's scroll region")
    region = page.locator(".app-table-scroll:focus")
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # there is something to scroll
    assert region.evaluate("el => el.scrollLeft") == 0

    for _ in range(5):
        page.keyboard.press("ArrowRight")

    page.wait_for_function("() => document.querySelector('.app-table-scroll:focus').scrollLeft > 0")
    assert layout_problems(page) == []  # the region scrolled, not the page


@pytest.mark.parametrize(
    ("path", "username"),
    [("/inbox/", "officer"), ("/accounts/", "comms"), ("/register/", None)],
)
def test_work_lists_are_summary_cards_at_320_px_and_tables_at_1280_px(demo, page, path, username):
    if username:
        sign_in_page(page, demo.url, username, PASSWORD)
    page.set_viewport_size(NARROW)
    page.goto(f"{demo.url}{path}")

    cards = page.locator("main .app-cards .govuk-summary-card")
    table = page.locator("main .app-cards-table table").first
    assert cards.first.is_visible()
    assert not table.is_visible()
    assert layout_problems(page) == []

    page.set_viewport_size(DESKTOP)

    assert table.is_visible()
    assert not cards.first.is_visible()


def test_screenshots_at_320_px_of_the_inbox_register_dashboard_and_public_register(demo, page, screenshot):
    """Saved under var/screenshots/ for a person to look at; each page also reflows."""
    page.set_viewport_size(NARROW)
    page.goto(f"{demo.url}/register/")
    assert layout_problems(page) == []
    screenshot("reflow-320-public-register")

    sign_in_page(page, demo.url, "comms", PASSWORD)
    for name, path in [("inbox", "/inbox/"), ("register-list", "/accounts/"), ("dashboard", "/dashboard/")]:
        page.goto(f"{demo.url}{path}")
        assert layout_problems(page) == [], path
        screenshot(f"reflow-320-{name}")
