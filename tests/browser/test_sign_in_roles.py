"""Each demo role signs in with Chromium, sees its navigation, and the home page is captured."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"
NAVIGATION = {
    "officer": ["Home", "Register", "Business cases", "Risk assessments", "Inbox", "Check a post"],
    "manager": ["Home", "Register", "Business cases", "Risk assessments", "Inbox", "Check a post"],
    "director": ["Home", "Register", "Business cases", "Risk assessments"],
    "comms": [
        "Home",
        "Register",
        "Business cases",
        "Risk assessments",
        "Inbox",
        "Dashboard",
        "Operations",
    ],
    "admin": ["Home", "Access", "Administration"],
}
HOME_TEXT = {
    "officer": "Countryside Service",
    "manager": "Economic Development",
    "director": "Place and Economy",
    "comms": "Communications and Marketing",
    "admin": "You look after people",
}


@pytest.fixture
def demo(live_server):
    call_command(
        "seed_demo", "--password", PASSWORD, "--allow-production", "--without-history", stdout=StringIO()
    )
    return live_server


@pytest.mark.parametrize("username", list(NAVIGATION))
def test_each_demo_role_signs_in_and_sees_its_navigation(demo, page, screenshot, username):
    page.goto(f"{demo.url}/")  # the public start page (issue 13): staff follow "Sign in"
    page.get_by_role("link", name="Sign in").click()
    assert page.url.startswith(f"{demo.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{demo.url}/")
    menu = page.get_by_role("navigation", name="Menu")
    labels = [text.strip() for text in menu.locator("li a").all_inner_texts()]
    assert labels == NAVIGATION[username]
    assert HOME_TEXT[username] in page.locator("main").inner_text()
    assert page.locator(".govuk-generic-header").inner_text().strip() == "Cannock Chase Council"
    # GOV.UK Frontend's JavaScript ran (no inline script: it is loaded as a module).
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
    screenshot(f"home-{username}")


def test_a_wrong_password_shows_the_error_summary(demo, page, screenshot):
    page.goto(f"{demo.url}/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct username and password" in summary.inner_text()
    screenshot("sign-in-error")
