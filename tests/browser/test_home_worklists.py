"""Each role's home page in Chromium: what needs them now, each item a link that opens its page,
axe-core clean (issue 13 item 1). Screenshots in var/screenshots/home-work-<role>.png."""

from io import StringIO

import pytest
from django.core.management import call_command

from .conftest import describe, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"
# The lists each role's home page promises (their headings).
LISTS = {
    "officer": [
        "Enquiries to answer today",
        "Business cases waiting for you",
        "Risk assessments due or returned",
        "Your access ending soon",
        "Your services' open flags",
        "Policy and training",
    ],
    "director": ["Business cases waiting for your decision", "Recently decided", "Policy and training"],
    "comms": [
        "Overdue replies by service",
        "Business cases waiting for advice or approval",
        "Risk assessments waiting for acceptance",
        "Open flags by kind",
        "Accounts with no owner",
        "Policy and training",
    ],
    "admin": ["Policy and training"],
}


@pytest.fixture
def demo(live_server):
    call_command(
        "seed_demo", "--password", PASSWORD, "--allow-production", "--without-history", stdout=StringIO()
    )
    return live_server


@pytest.mark.parametrize("username", list(LISTS))
def test_each_role_home_page_is_a_work_list(demo, page, axe, screenshot, username):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, demo.url, username, PASSWORD)
    main = page.locator("main")
    headings = [text.strip() for text in main.locator("h3").all_inner_texts()]
    for title in LISTS[username]:
        assert any(heading.startswith(title) for heading in headings), (title, headings)
    violations = axe()
    assert not violations, describe(violations)
    screenshot(f"home-work-{username}")
    # The navigation fits on one line at 1280 px (issue 13): every item at the same height.
    tops = {
        round(box["y"])
        for box in (item.bounding_box() for item in page.locator(".govuk-service-navigation__item").all())
    }
    assert len(tops) == 1, tops
    # ...and every link and the "Sign out" button on the same line, not pushed below it.
    links = [
        item.bounding_box()
        for item in page.locator(".govuk-service-navigation__item .govuk-service-navigation__link").all()
    ]
    assert max(box["y"] for box in links) - min(box["y"] for box in links) < 4, links
    # Every list either links to its items or says in words that there is nothing to do.
    for section in main.locator("section.app-worklist").all():
        assert section.locator("li a").count() or section.locator("p.govuk-hint").count()
    # The first item of the first list with one opens its page.
    first = main.locator("section.app-worklist li a").first
    if first.count():
        href = first.get_attribute("href")
        first.click()
        page.wait_for_load_state()
        assert page.url.endswith(href)
        assert page.locator("h1").count() == 1


def test_the_public_start_page(demo, page, axe, screenshot):
    """A visitor at "/" sees the council's accounts, the lookup and the answer times (issue 13)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{demo.url}/")
    main = page.locator("main")
    assert "on social media" in main.locator("h1").inner_text()
    violations = axe()
    assert not violations, describe(violations)
    screenshot("start-page")
    page.get_by_label("The account's handle or web address").fill("  @CannockChaseDC  ")
    page.get_by_role("button", name="Check the account").click()
    page.wait_for_url("**/register/check/**")
    assert "Yes, this is an official council account" in page.locator("main").inner_text()
    page.goto(f"{demo.url}/")
    page.get_by_role("link", name="Sign in").click()
    assert "/sign-in/" in page.url
