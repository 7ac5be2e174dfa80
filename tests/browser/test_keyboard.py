"""Keyboard-only use of the business-case form and the inbox in Chromium (issue 8 item 1).

WCAG 2.2 AA 2.1.1 (Keyboard), 2.4.1 (Bypass blocks), 2.4.3 (Focus order) and 3.3.1 (Error
identification): after signing in, every step here is a key press — Tab to move, Enter or Space to
follow a link or press a button, the arrow keys to choose an option, and typing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from business_cases import services as case_services
from business_cases.models import BusinessCase
from monitoring.models import Enquiry
from monitoring.services import enquiries_ingest
from tests.browser.conftest import sign_in_page
from tests.business_cases.helpers import emailed_link_path
from tests.factories import AccountFactory, BusinessCaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
MAX_TABS = 120  # more stops than any page here has; a missing target fails instead of looping


def sign_in(page, live_server, username):
    sign_in_page(page, live_server.url, username, PASSWORD)


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => document.activeElement !== null && document.activeElement.matches(s)", selector
    )


def focused_text(page) -> str:
    return page.evaluate(
        "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
    )


def tab_to(page, selector: str, *, text: str | None = None, key: str = "Tab") -> None:
    """Press Tab (or ``key``) until the focused element matches ``selector`` (and shows ``text``)."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if focused(page, selector) and (text is None or text in focused_text(page)):
            return
    raise AssertionError(f"Tab never reached {selector} {text or ''}")


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(live_server, page, officer):
    sign_in(page, live_server, "officer")

    page.keyboard.press("Tab")
    assert focused(page, "a.govuk-skip-link")
    assert focused_text(page) == "Skip to main content"
    page.keyboard.press("Enter")

    assert focused(page, "#main-content")


def test_an_officer_starts_a_business_case_with_the_keyboard_alone(live_server, page, screenshot, service):
    sign_in(page, live_server, "officer")
    tab_to(page, "a", text="Business cases")
    page.keyboard.press("Enter")
    page.wait_for_url("**/business-cases/")
    tab_to(page, "button, a.govuk-button", text="Start a business case")
    page.keyboard.press("Enter")
    page.wait_for_url("**/business-cases/new/")

    # Saving with nothing filled in: GOV.UK Frontend moves focus to the error summary...
    tab_to(page, "button", text="Save and return to the case")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    page.wait_for_function("() => document.activeElement.matches('.govuk-error-summary')")
    screenshot("keyboard-1-error-summary-focused")
    links = page.locator(".govuk-error-summary__list a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#id_title" in targets

    # ...and each of its links moves focus to the field it names (Shift+Tab back up for the next).
    for target in targets:
        tab_to(page, f'.govuk-error-summary a[href="{target}"]', key="Shift+Tab")
        page.keyboard.press("Enter")
        page.wait_for_function("(id) => document.activeElement.id === id", arg=target.lstrip("#"))

    # Fill the fields, moving between them with Tab.
    tab_to(page, '.govuk-error-summary a[href="#id_title"]', key="Shift+Tab")
    page.keyboard.press("Enter")
    page.keyboard.type("Cannock Chase Walks")
    tab_to(page, "#id_platform")
    page.keyboard.type("Instagram")  # a focused select chooses the option whose label is typed
    tab_to(page, "#id_handle")
    page.keyboard.type("@chasewalks")
    screenshot("keyboard-2-handle-focused")
    tab_to(page, "button", text="Save and return to the case")
    page.keyboard.press("Space")
    page.wait_for_selector(".govuk-task-list")

    case = BusinessCase.objects.get(handle="chasewalks")
    assert case.platform == "instagram"
    assert case.title == "Cannock Chase Walks"

    # A section of questions, answered and saved from the keyboard, back to the task list.
    tab_to(page, "a", text="Purpose and audience")
    page.keyboard.press("Enter")
    page.wait_for_selector("textarea")
    for index in range(page.locator("textarea").count()):
        tab_to(page, "textarea")
        page.keyboard.type(f"Answer {index + 1}: walkers who visit the Chase.")
    tab_to(page, "button", text="Save and return to the case")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-task-list")
    screenshot("keyboard-3-task-list")

    case.refresh_from_db()
    assert case.purpose == "Answer 1: walkers who visit the Chase."
    assert case.section_complete("purpose")


@pytest.fixture
def link_path(service, officer, director):
    """A case the officer has sent to the Director: the path of the emailed link."""
    case = BusinessCaseFactory(
        service=service, author=officer, status="advised", state_entered_at=timezone.now()
    )
    case_services.business_case_send_to_director(case=case, by=officer, now=timezone.now())
    return emailed_link_path(case)  # the outbox never keeps the link (issue 11, defect 7a)


def test_a_director_decides_with_the_keyboard_alone(live_server, page, screenshot, link_path):
    page.goto(f"{live_server.url}{link_path}")

    tab_to(page, "input[type=radio][value=approve]")
    page.keyboard.press("Space")  # choose "Approve the case"
    screenshot("keyboard-5-director-radio-focused")
    assert page.locator("input[value=approve]").is_checked()
    tab_to(page, "button", text="Confirm my decision")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Decision recorded")

    assert BusinessCase.objects.get().status == "awaiting_comms"


def test_a_radios_error_link_moves_focus_to_the_first_radio(live_server, page, link_path):
    page.goto(f"{live_server.url}{link_path}")
    tab_to(page, "button", text="Confirm my decision")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('.govuk-error-summary')")
    tab_to(page, ".govuk-error-summary a")
    page.keyboard.press("Enter")

    assert focused(page, "input[type=radio][value=approve]")


@pytest.fixture
def enquiry(service):
    account = AccountFactory(service=service, display_name="Cannock Chase Countryside", platform="facebook")
    items = [
        {
            "account": account.pk,
            "platform_id": "k1",
            "received_at": timezone.now() - timedelta(minutes=20),
            "author": "dog_walker",
            "text": "Are dogs allowed on the heath trail?",
            "channel": "direct_message",
        }
    ]
    return enquiries_ingest(items=items, now=timezone.now()).records[0]


def test_an_officer_answers_an_enquiry_with_the_keyboard_alone(
    live_server, page, screenshot, officer, enquiry
):
    sign_in(page, live_server, "officer")
    tab_to(page, "a", text="Inbox")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox/")

    tab_to(page, "a", text="Record a response")
    screenshot("keyboard-4-inbox-link-focused")
    page.keyboard.press("Enter")
    page.wait_for_url("**/respond/")
    tab_to(page, "button", text="A holding reply")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox/*")
    assert "Recorded: holding reply" in page.locator("main").inner_text()
    assert Enquiry.objects.get(pk=enquiry.pk).status != "answered"

    tab_to(page, "a", text="Record a response")
    page.keyboard.press("Enter")
    page.wait_for_url("**/respond/")
    tab_to(page, "button", text="A full answer")
    page.keyboard.press("Space")
    page.wait_for_selector("text=Recorded: full answer")

    assert Enquiry.objects.get(pk=enquiry.pk).status == "answered"
