"""Every page a person uses passes axe-core's WCAG 2.2 AA rules in Chromium (issue 8 item 1).

Each page is visited as the role that uses it, with the demo data, including forms showing errors.
Pages added by later features get their checks in their own browser tests, with the same `axe`
fixture (tests/browser/conftest.py).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts_register.models import SocialMediaAccount
from tests.browser.conftest import sign_in_page

from .conftest import describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"
ROLES = ["officer", "manager", "director", "comms", "admin"]


@pytest.fixture
def demo(live_server):
    call_command(
        "seed_demo", "--password", PASSWORD, "--allow-production", "--without-history", stdout=StringIO()
    )
    return live_server


@pytest.fixture
def sign_in(demo, page):
    def as_user(username: str) -> None:
        sign_in_page(page, demo.url, username, PASSWORD)

    return as_user


def assert_accessible(axe) -> None:
    violations = axe()
    assert violations == [], describe(violations)


def test_axe_finds_a_known_violation(page, axe):
    """The check itself works: an image with no text alternative is reported."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><img src="a.png"></main></body></html>'
    )

    assert "image-alt" in [violation["id"] for violation in axe()]


@pytest.mark.parametrize("path", ["/sign-in/", "/password-reset/", "/accessibility/"])
def test_public_pages_are_accessible(demo, page, axe, screenshot, path):
    page.goto(f"{demo.url}{path}")

    assert_accessible(axe)
    screenshot("a11y" + path.rstrip("/").replace("/", "-"))


def test_sign_in_with_errors_is_accessible(demo, page, axe):
    page.goto(f"{demo.url}/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".govuk-error-summary").wait_for()

    assert_accessible(axe)


def test_the_sign_in_lock_out_page_is_accessible(demo, page, axe, screenshot):
    page.goto(f"{demo.url}/sign-in/")
    for _ in range(5):
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="You cannot sign in at the moment").wait_for()

    assert_accessible(axe)
    screenshot("a11y-sign-in-locked-out")


def test_password_reset_with_errors_is_accessible(demo, page, axe):
    page.goto(f"{demo.url}/password-reset/")
    page.get_by_role("button", name="Send the link").click()
    page.locator(".govuk-error-summary").wait_for()

    assert_accessible(axe)


@pytest.mark.parametrize("username", ROLES)
def test_home_is_accessible_for_each_role(sign_in, axe, username):
    sign_in(username)

    assert_accessible(axe)


@pytest.mark.parametrize("username", ["comms", "officer"])
def test_the_register_list_is_accessible(demo, sign_in, page, axe, username):
    sign_in(username)
    page.goto(f"{demo.url}/accounts/")

    assert_accessible(axe)


@pytest.mark.parametrize("username", ["comms", "officer"])
def test_an_account_page_is_accessible(demo, sign_in, page, axe, username):
    sign_in(username)
    account = SocialMediaAccount.objects.visible_to(User.objects.get(username=username)).first()
    page.goto(f"{demo.url}/accounts/{account.pk}/")

    assert_accessible(axe)
