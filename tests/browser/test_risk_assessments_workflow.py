"""A service completes its pre-filled risk assessment; Communications return it, then accept it.

000 §6e: once approved, the service completes the risk assessment and returns it to Communications.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import conftest
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory


@pytest.fixture
def account(service):
    return AccountFactory(service=service, handle="ccdc_countryside", display_name="Countryside Rangers")


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def score_risk(page, index, *, before=("3", "3"), after=("2", "2"), owner="Countryside manager"):
    page.get_by_role("link", name="Change").nth(index).click()
    page.get_by_label("Likelihood", exact=True).select_option(before[0])
    page.get_by_label("Impact", exact=True).select_option(before[1])
    page.get_by_label("Likelihood after mitigation").select_option(after[0])
    page.get_by_label("Impact after mitigation").select_option(after[1])
    page.get_by_label("Risk owner").fill(owner)
    page.get_by_role("button", name="Save the risk").click()


def test_service_completes_comms_returns_service_fixes_comms_accepts(
    live_server, page, screenshot, account, officer, comms
):
    # The service starts from the council's standard risks and scores each one.
    sign_in(page, live_server, "officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Risk assessments").click()
    page.get_by_role("button", name="Start the risk assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ccdc_countryside")
    rows = page.get_by_role("region", name="Risks, scored before and after mitigation").locator("tbody tr")
    expect(rows).to_have_count(9)
    expect(page.locator("main")).to_contain_text("signed parental consent form (004 Don't 9)")

    # A residual score above the inherent one is refused with a message, not saved.
    score_risk(page, 0, before=("2", "2"), after=("3", "3"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "cannot be higher than the score before mitigation"
    )
    screenshot("risk-item-residual-error")
    page.get_by_role("link", name="Back to the risk assessment").click()

    score_risk(page, 0, before=("4", "4"), after=("2", "3"))  # reputation
    score_risk(page, 3, before=("3", "5"), after=("1", "5"))  # safeguarding
    for index in (1, 2, 4, 5, 6, 7, 8):
        score_risk(page, index)
    page.get_by_role("button", name="Submit to Communications").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted to Communications")
    sign_out(page)

    # Communications return it with a comment.
    sign_in(page, live_server, "comms")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Risk assessments").click()
    page.get_by_role("link", name=re.compile("ccdc_countryside")).click()
    page.get_by_label("What does the service need to change?").fill(
        "Safeguarding: name the signed consent form and who keeps it."
    )
    page.get_by_role("button", name="Return it to the service").click()
    expect(page.locator("main")).to_contain_text("Returned")
    sign_out(page)

    # The service reads the comment, fixes the risk and submits again.
    sign_in(page, live_server, "officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Risk assessments").click()
    page.get_by_role("link", name=re.compile("ccdc_countryside")).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("name the signed consent form")
    page.get_by_role("button", name="Make the changes").click()
    page.get_by_role("link", name="Change").nth(3).click()
    page.get_by_label("Mitigations").fill(
        "Signed parental consent form for every picture of a child (004 Don't 9), kept by the "
        "Countryside manager for two years."
    )
    page.get_by_role("button", name="Save the risk").click()
    page.get_by_role("button", name="Submit to Communications").click()
    sign_out(page)

    # Communications accept it; the heat maps show where the risks sit.
    sign_in(page, live_server, "comms")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Risk assessments").click()
    page.get_by_role("link", name=re.compile("ccdc_countryside")).click()
    page.get_by_role("button", name="Accept the assessment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Risk assessment accepted")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Next review")
    heatmaps = page.locator(".app-heatmap svg[role='img']")
    expect(heatmaps).to_have_count(2)
    expect(page.locator("#assessment-residual-table")).to_have_count(1)
    page.locator(".app-heatmap").first.scroll_into_view_if_needed()
    screenshot("risk-assessment-accepted")
    page.locator(".govuk-grid-row:has(.app-heatmap)").screenshot(
        path=str(conftest.SCREENSHOTS / "risk-assessment-heatmaps.png")
    )

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Risk assessments").click()
    page.get_by_role("link", name="See where the council's risks sit").click()
    cell = page.locator(".app-heatmap g[data-likelihood='2'][data-impact='2']")
    expect(cell).to_have_attribute("data-count", "7")
    screenshot("risk-council-heatmap")
    page.locator(".app-heatmap a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Risks in force")


def test_print_view_prints_on_a4(live_server, page, account, officer, comms):
    from risk_assessments import services
    from tests.risk_assessments.helpers import NOW, score_all

    assessment = services.risk_assessment_start(account=account, by=officer, now=NOW)
    score_all(assessment, officer)
    services.risk_assessment_submit(assessment=assessment, by=officer, now=NOW)
    services.risk_assessment_accept(assessment=assessment, by=comms, now=NOW)

    sign_in(page, live_server, "comms")
    page.goto(f"{live_server.url}/risk-assessments/{assessment.pk}/print/")
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the risk assessment")).to_be_hidden()
    expect(page.locator("svg[role='img']")).to_have_count(2)
    page.screenshot(path=str(conftest.SCREENSHOTS / "risk-assessment-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (conftest.SCREENSHOTS / "risk-assessment-print.pdf").write_bytes(pdf)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 5


def test_service_reviews_an_accepted_assessment_and_compares_versions(
    live_server, page, screenshot, account, officer, comms
):
    from risk_assessments import services
    from tests.risk_assessments.helpers import NOW, score_all

    accepted = services.risk_assessment_start(account=account, by=officer, now=NOW)
    score_all(accepted, officer)
    services.risk_assessment_submit(assessment=accepted, by=officer, now=NOW)
    services.risk_assessment_accept(assessment=accepted, by=comms, now=NOW)

    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/risk-assessments/{accepted.pk}/")
    page.get_by_role("button", name="Review the assessment").click()
    expect(page.get_by_text("Risk assessment, version 2")).to_be_visible()
    expect(page.locator("main")).to_contain_text("stays in force until this version is accepted")
    score_risk(page, 0, before=("5", "4"), after=("3", "3"), owner="Head of Countryside")
    page.get_by_role("link", name="Remove").nth(8).click()
    page.get_by_label("Why does this risk not apply?").fill("Only two officers post; time is monitored.")
    page.get_by_role("button", name="Remove the risk").click()
    page.get_by_role("link", name="Compare with version 1", exact=True).click()
    expect(page.locator("main")).to_contain_text("0 added, 1 removed, 1 changed.")
    expect(page.locator("tr[data-change='changed']")).to_contain_text("Head of Countryside")
    screenshot("risk-assessment-compare")
