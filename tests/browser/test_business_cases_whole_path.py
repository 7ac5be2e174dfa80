"""The whole path in Chromium: from an officer's draft to a live account on the public register.

An officer drafts and submits the case, Communications advise, the officer sends it to the
Director, the Director follows the link from the email and approves, Communications approve,
the risk assessment is accepted, and the account goes live (000 §6 a–g).
"""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from business_cases.models import KEY_QUESTIONS, BusinessCase
from councilsocial.notifications.models import Notification
from tests.browser.conftest import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"


@pytest.fixture
def demo(live_server, settings):
    call_command(
        "seed_demo", "--password", PASSWORD, "--allow-production", "--without-history", stdout=StringIO()
    )
    settings.SITE_URL = live_server.url  # the emailed links point at the test server
    return live_server


def sign_in(page, base, username):
    sign_in_page(page, base, username, PASSWORD)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def do_action(page, link_text, comment=None):
    page.get_by_role("button", name=link_text).first.click()
    if comment is not None:
        page.locator("#id_comment").fill(comment)
    page.locator("form button.govuk-button").last.click()


def status_of(page) -> str:
    return page.locator("#case-status").inner_text().strip()


def test_an_officers_idea_becomes_a_live_account_on_the_register(demo, page, screenshot):
    base = demo.url

    # 1. The officer drafts the case, section by section, and submits it.
    sign_in(page, base, "officer")
    page.get_by_role("link", name="Business cases").click()
    page.get_by_role("button", name="Start a business case").click()
    page.get_by_label("Name of the proposed account").fill("Cannock Chase Walks")
    page.get_by_label("Platform").select_option("instagram")
    page.get_by_label("Proposed handle").fill("@chasewalks")
    page.get_by_role("button", name="Save and return to the case").click()
    screenshot("business-case-1-task-list")
    assert "Incomplete" in page.locator(".govuk-task-list").inner_text()

    first_sections = ["Purpose and audience", "Alternatives", "Commitment and resources"]
    first_sections.append("Risks and responses")
    for section in first_sections:
        page.get_by_role("link", name=section).click()
        for textarea in page.locator("textarea").all():
            textarea.fill(f"Our answer for {section.lower()}.")
        page.get_by_role("button", name="Save and return to the case").click()

    # Submitting with the last section empty is refused with an error summary.
    do_action(page, "Submit the case to Communications for advice")
    assert "Exit strategy" in page.locator(".govuk-error-summary").inner_text()
    screenshot("business-case-2-missing-answers")
    page.get_by_role("link", name="Back to the case").click()

    page.get_by_role("link", name="Success and exit").click()
    labels = [label for _name, section, label, _help in KEY_QUESTIONS if section == "success"]
    for label in labels:
        page.get_by_label(label).fill(f"Our answer: {label.lower()}.")
    page.get_by_role("button", name="Save and return to the case").click()
    do_action(page, "Submit the case to Communications for advice")
    assert status_of(page) == "Advice requested"
    case = BusinessCase.objects.get(handle="chasewalks")
    sign_out(page)

    # 2. Communications advise.
    sign_in(page, base, "comms")
    page.goto(f"{base}/business-cases/")
    assert "Cannock Chase Walks" in page.locator("table").first.inner_text()
    screenshot("business-case-queue-comms")
    page.get_by_role("link", name="Cannock Chase Walks").click()
    do_action(page, "Give advice", comment="Worth doing: post walks weekly, link to the booking page.")
    assert status_of(page) == "Advised"
    sign_out(page)

    # 3. The officer sends it to the Corporate Director, with a comment.
    sign_in(page, base, "officer")
    page.goto(f"{base}/business-cases/{case.pk}/")
    do_action(page, "Send the case to the Corporate Director", comment="We would like it before the summer.")
    assert status_of(page) == "Waiting for the Corporate Director"
    assert "We would like it before the summer." in page.locator("#timeline").inner_text()
    sign_out(page)

    # 4. The Director follows the link in the email, without signing in, reads Communications'
    # advice and approves. The outbox never shows the link.
    emails = [m for m in mail.outbox if m.to == ["director@cannockchasedc.gov.uk"] and "/decide/" in m.body]
    assert len(emails) == 1
    assert "Worth doing: post walks weekly" in emails[0].body
    link = re.search(r"(http\S+/decide/\S+/)", emails[0].body).group(1)
    assert link.startswith(base)
    assert not Notification.objects.filter(body__contains=link.rstrip("/").rsplit("/", 1)[1]).exists()
    page.goto(link)
    assert "You are deciding as Chris Walker" in page.locator("#deciding-as").inner_text()
    assert "Worth doing: post walks weekly" in page.locator("#communications-advice").inner_text()
    screenshot("business-case-3-director-link")
    assert BusinessCase.objects.get(pk=case.pk).status == "awaiting_director"  # opening changed nothing
    page.get_by_label("Approve the case").check()
    page.get_by_role("button", name="Confirm my decision").click()
    assert "Decision recorded" in page.locator("h1").inner_text()
    screenshot("business-case-4-decision-recorded")
    page.goto(link)
    assert "This link has already been used" in page.locator("h1").inner_text()
    screenshot("business-case-link-used")

    # 5. Whoever gave the advice cannot also approve for Communications: a second person approves.
    sign_in(page, base, "comms")
    page.goto(f"{base}/business-cases/{case.pk}/")
    assert "By the emailed approval link" in page.locator("#timeline").inner_text()
    assert "another member of Communications" in page.locator("#next-step").inner_text()
    assert page.get_by_role("button", name="Approve").count() == 0
    sign_out(page)
    sign_in(page, base, "comms.approver")
    page.goto(f"{base}/business-cases/{case.pk}/")
    do_action(page, "Approve")
    assert status_of(page) == "Approved"
    sign_out(page)

    # 6. The officer's next step is the risk assessment, started from the case page.
    sign_in(page, base, "officer")
    page.goto(f"{base}/business-cases/{case.pk}/")
    screenshot("business-case-5-next-step-risk-assessment")
    page.locator("#next-step").get_by_role("button", name="Start the risk assessment").click()
    assert "/risk-assessments/" in page.url
    sign_out(page)

    from risk_assessments.models import RiskAssessment

    # Scoring and accepting the assessment is the risk assessment pages' own journey; here it is
    # recorded as accepted by a third person in Communications.
    RiskAssessment.objects.filter(business_case=case).update(
        status="accepted",
        accepted_at=timezone.now(),
        decided_at=timezone.now(),
        decided_by=get_user_model().objects.get(username="comms.risk"),
    )

    # 7. No manual "risk assessment accepted" step: Communications set the account live.
    sign_in(page, base, "comms.approver")
    page.goto(f"{base}/business-cases/{case.pk}/")
    assert "Record that the risk assessment is accepted" not in page.content()
    page.get_by_role("button", name="Set the account live").click()
    page.get_by_label("Administering mailbox").fill("countryside@cannockchasedc.gov.uk")
    page.get_by_label(re.compile("Communications holds admin access")).check()
    screenshot("business-case-6-go-live")
    page.locator("form button.govuk-button").last.click()
    assert status_of(page) == "Live"
    timeline = page.locator("#timeline").inner_text()
    assert "From Risk assessment accepted, by Taylor Brooks" in timeline
    assert "The risk assessment was accepted by Casey Lin" in timeline
    screenshot("business-case-7-live")

    # The account is on the register, and on the public register.
    page.goto(f"{base}/accounts/")
    assert "chasewalks" in page.locator("main").inner_text()
    sign_out(page)
    page.goto(f"{base}/register/")
    assert "chasewalks" in page.locator("main").inner_text()
    screenshot("business-case-8-public-register")

    live_emails = {m.to[0] for m in mail.outbox if m.subject.startswith("New social media account live")}
    assert live_emails == {"director@cannockchasedc.gov.uk", "edp.chair@cannockchasedc.gov.uk"}
