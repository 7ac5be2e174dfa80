"""Each role's day, in the browser (issue 11, safeguard 3).

One journey per role, through the pages only: after the real ``seed_demo`` command nothing is
created by factories or by the ORM; the database is only read, to check what the pages did.

1. The service officer: from a new business case to a live account on the public register, through
   Communications' advice, the Corporate Director's emailed link, Communications' approval and the
   risk assessment (000 §6 a–g, 001 §19). Segregation of duties needs three different people in
   Communications: advice (``comms``), approval (``comms.approver``) and acceptance of the risk
   assessment (``comms.risk``).
2. Communications: adding and editing a register entry, recording the Director's approval of an
   account that existed before the app, and making it active once each requirement is met
   (000 §6, §9–§11).
3. The Corporate Director deciding from the email, signed out (000 §6c): what the page shows, that
   opening it changes nothing, and that a used link says so.
4. The public: the register and "Is this official?" (000 §24), including a look-alike handle.

Each person works in their own browser context, as they would at their own desk. Screenshots go to
``var/screenshots/journey-<role>-<step>.png``.
"""

from __future__ import annotations

import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts_register.models import AccountStatus, SocialMediaAccount
from business_cases.models import BusinessCase, CaseStatus
from councilsocial.management.commands.seed_demo import DEMO_PASSWORD
from risk_assessments.models import RiskAssessment, RiskAssessmentStatus
from tests.browser.conftest import sign_in_page
from tests.business_cases.helpers import emailed_link_path
from tests.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIRECTOR_EMAIL = "director@cannockchasedc.gov.uk"
ADVICE = "Worth doing: post the ranger walks weekly and link to the booking page."


# --- Set-up: the demo council, and one browser per person ------------------------------------------
@pytest.fixture
def demo(live_server, settings):
    """The demo council from the real command, with emailed links pointing at the test server."""
    call_command("seed_demo", "--password", DEMO_PASSWORD, "--allow-production", stdout=StringIO())
    settings.SITE_URL = live_server.url
    return live_server.url


class Desks:
    """A browser context per person, each signed in once through the sign-in page."""

    def __init__(self, browser, base: str):
        self.browser = browser
        self.base = base
        self.contexts = []
        self.pages: dict[str, Page] = {}

    def fresh(self) -> Page:
        """A new browser with no cookies: someone who is not signed in."""
        context = self.browser.new_context()
        self.contexts.append(context)
        return context.new_page()

    def of(self, username: str) -> Page:
        if username not in self.pages:
            page = self.fresh()
            sign_in_page(page, self.base, username, DEMO_PASSWORD)
            self.pages[username] = page
        return self.pages[username]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def desks(demo, browser):
    desks = Desks(browser, demo)
    yield desks
    desks.close()


def shot(page: Page, role: str, step: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"journey-{role}-{step}.png"), full_page=True)


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()


def banner(page: Page) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def case_action(page: Page, button: str, comment: str | None = None) -> None:
    """Press an action on the case page, then confirm it (with a comment) on its own page."""
    page.get_by_role("button", name=button).first.click()
    if comment is not None:
        page.locator("#id_comment").fill(comment)
    page.locator("main form button.govuk-button").last.click()


def case_status(page: Page) -> str:
    return page.locator("#case-status").inner_text().strip()


def score_every_risk(page: Page) -> None:
    """Score each of the standard risks the assessment starts from, and name its owner."""
    count = page.get_by_role("link", name=re.compile(r"^Change R\d")).count()
    assert count >= 9, "a new assessment starts from the council's standard risks"
    for index in range(count):
        page.get_by_role("link", name=re.compile(r"^Change R\d")).nth(index).click()
        page.get_by_label("Likelihood", exact=True).select_option("3")
        page.get_by_label("Impact", exact=True).select_option("3")
        page.get_by_label("Likelihood after mitigation").select_option("2")
        page.get_by_label("Impact after mitigation").select_option("2")
        page.get_by_label("Risk owner").fill("Countryside Service manager")
        page.get_by_role("button", name="Save the risk").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()


def check_handle(page: Page, base: str, handle: str) -> str:
    """Ask "Is this official?" from the public register, as a visitor does; return the answer."""
    page.goto(f"{base}/register/")
    page.get_by_role("link", name="Check whether an account is ours").click()
    page.get_by_label("Handle or web address").fill(handle)
    page.get_by_role("button", name="Check").click()
    return page.locator("#check-result").inner_text()


# --- 1. The service officer -------------------------------------------------------------------------
def test_the_officers_day_a_new_case_becomes_a_live_official_account(desks, demo):
    base = demo
    officer = desks.of("officer")

    # The officer starts a case and answers every page of it.
    menu(officer, "Business cases")
    officer.get_by_role("button", name="Start a business case").click()
    officer.get_by_label("Name of the proposed account").fill("Cannock Chase Rangers")
    officer.get_by_label("Platform").select_option("x")
    officer.get_by_label("Proposed handle").fill("@ChaseRangers")
    officer.get_by_role("button", name="Save and return to the case").click()
    shot(officer, "officer", "1-new-case")
    first_sections = [
        "Purpose and audience",
        "Alternatives",
        "Commitment and resources",
        "Risks and responses",
    ]
    for section in first_sections:
        officer.get_by_role("link", name=section).click()
        for textarea in officer.locator("textarea").all():
            textarea.fill(f"The Countryside Service's answer on {section.lower()}.")
        officer.get_by_role("button", name="Save and return to the case").click()
    officer.get_by_role("link", name="Success and exit").click()
    for textarea in officer.locator("textarea").all():
        textarea.fill("Followers and answered questions, reviewed after six months; closed if unused.")
    officer.get_by_role("button", name="Save and return to the case").click()
    assert "Every question is answered" in officer.locator("main").inner_text()
    case_pk = int(re.search(r"/business-cases/(\d+)/", officer.url).group(1))
    case_action(officer, "Submit the case to Communications for advice", comment="Ready for your advice.")
    assert case_status(officer) == "Advice requested"
    assert "Ready for your advice." in officer.locator("#timeline").inner_text()
    shot(officer, "officer", "2-submitted")

    # Communications give advice, from their list of cases.
    comms = desks.of("comms")
    menu(comms, "Business cases")
    comms.get_by_role("link", name="Cannock Chase Rangers").first.click()
    case_action(comms, "Give advice", comment=ADVICE)
    assert case_status(comms) == "Advised"

    # The officer sends it to the Corporate Director.
    officer.reload()
    assert ADVICE in officer.locator("main").inner_text()
    case_action(officer, "Send the case to the Corporate Director", comment="Before the summer, please.")
    assert case_status(officer) == "Waiting for the Corporate Director"
    shot(officer, "officer", "3-sent-to-director")

    # The Director decides from the emailed link, signed out, in a browser of their own.
    link = director_decides_from_email(desks, base, case_pk)

    # Whoever gave the advice may not also approve for Communications; a second person does.
    comms.reload()
    assert "another member of Communications" in comms.locator("#next-step").inner_text()
    assert comms.get_by_role("button", name="Approve").count() == 0
    approver = desks.of("comms.approver")
    approver.goto(f"{base}/business-cases/{case_pk}/")
    assert "By the emailed approval link" in approver.locator("#timeline").inner_text()
    case_action(approver, "Approve", comment="Approved for Communications.")
    assert case_status(approver) == "Approved"

    # The officer's next step is on the case page: the risk assessment.
    officer.reload()
    assert case_status(officer) == "Approved"
    shot(officer, "officer", "4-approved-next-step")
    officer.locator("#next-step").get_by_role("button", name="Start the risk assessment").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Cannock Chase Rangers")
    score_every_risk(officer)
    officer.get_by_role("button", name="Submit to Communications").click()
    assert "submitted to Communications" in banner(officer)
    shot(officer, "officer", "5-risk-assessment-submitted")

    # A third person in Communications accepts the assessment, through its pages.
    risk = desks.of("comms.risk")
    menu(risk, "Risk assessments")
    risk.get_by_role("link", name=re.compile("Cannock Chase Rangers")).first.click()
    risk.get_by_role("button", name="Accept the assessment").click()
    assert "Risk assessment accepted" in banner(risk)
    shot(risk, "comms.risk", "1-risk-assessment-accepted")
    assessment = RiskAssessment.objects.get(business_case_id=case_pk)
    assert assessment.status == RiskAssessmentStatus.ACCEPTED
    assert assessment.decided_by.username == "comms.risk"

    # Communications set the account live from the case page: no manual "accepted" step.
    comms.goto(f"{base}/business-cases/{case_pk}/")
    assert "The risk assessment is accepted. Set the account live" in comms.locator("#next-step").inner_text()
    shot(comms, "comms", "1-case-ready-to-go-live")
    assert "Record that the risk assessment is accepted" not in comms.content()
    comms.get_by_role("button", name="Set the account live").click()
    comms.get_by_label("Administering mailbox").fill("countryside@cannockchasedc.gov.uk")
    comms.get_by_label(re.compile("Communications holds admin access")).check()
    comms.locator("main form button.govuk-button").last.click()
    assert case_status(comms) == "Live"
    shot(comms, "comms", "2-case-live")

    # The officer sees it live; the public see it on the register, and it checks as official.
    officer.goto(f"{base}/business-cases/{case_pk}/")
    assert case_status(officer) == "Live"
    shot(officer, "officer", "6-live")
    public = desks.fresh()
    public.goto(f"{base}/register/")
    assert "ChaseRangers" in public.locator("main").inner_text()
    answer = check_handle(public, base, "@ChaseRangers")
    assert "Yes, this is an official council account" in answer
    shot(public, "officer", "7-public-check-yes")

    account = SocialMediaAccount.objects.get(handle="ChaseRangers")
    assert account.status == AccountStatus.ACTIVE
    assert account.business_case.pk == case_pk
    assert link  # used once, by the Director


def director_decides_from_email(desks, base: str, case_pk: int) -> str:
    """Journey 3: the Corporate Director decides from the email, signed out. Returns the link."""
    path = emailed_link_path(SimpleNamespace(pk=case_pk))  # runs the outbox sender first
    email = next(m for m in reversed(mail.outbox) if path in m.body)
    assert email.to == [DIRECTOR_EMAIL]
    assert f"{base}{path}" in email.body, "the emailed link points at this site"
    assert ADVICE in email.body, "the email carries Communications' advice (issue 11 item 9)"

    director = desks.fresh()
    director.goto(f"{base}{path}")
    assert "You are deciding as Chris Walker" in director.locator("#deciding-as").inner_text()
    assert ADVICE in director.locator("#communications-advice").inner_text()
    shot(director, "director", "1-link-opened")
    # Opening the link (as a mail scanner would) changes nothing.
    assert BusinessCase.objects.get(pk=case_pk).status == CaseStatus.AWAITING_DIRECTOR
    director.reload()
    assert BusinessCase.objects.get(pk=case_pk).status == CaseStatus.AWAITING_DIRECTOR

    director.get_by_label("Approve the case").check()
    director.get_by_label("Comment").fill("Approved: a good use of the Rangers' time.")
    director.get_by_role("button", name="Confirm my decision").click()
    assert "Decision recorded" in director.locator("h1").inner_text()
    shot(director, "director", "2-decision-recorded")
    assert BusinessCase.objects.get(pk=case_pk).status == CaseStatus.AWAITING_COMMS

    # The link is single-use: opening it again says so and changes nothing.
    director.goto(f"{base}{path}")
    assert "This link has already been used" in director.locator("h1").inner_text()
    assert director.get_by_role("button", name="Confirm my decision").count() == 0
    shot(director, "director", "3-link-used")
    assert BusinessCase.objects.get(pk=case_pk).status == CaseStatus.AWAITING_COMMS
    return path


# --- 2. Communications ------------------------------------------------------------------------------
def fill_date(page: Page, label: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_communications_day_add_edit_approve_and_activate_a_register_entry(desks, demo):
    base = demo
    comms = desks.of("comms")

    # Communications add an account that the Countryside Service has run since before the app.
    menu(comms, "Register")
    comms.get_by_role("link", name="Add an account").click()
    assert comms.url == f"{base}/accounts/new/"
    comms.get_by_label("Platform", exact=True).select_option(label="Instagram")
    comms.get_by_label("Handle", exact=True).fill("cannockchaseparks")
    comms.get_by_label("Web address").fill("https://www.instagram.com/cannockchaseparks")
    comms.get_by_label("Display name").fill("Cannock Chase Parks")
    comms.get_by_label("Service", exact=True).select_option(label="Countryside Service")
    comms.get_by_label("Kind", exact=True).select_option(label="Departmental")
    comms.get_by_label("Purpose", exact=True).fill("Photographs and news from the district's parks.")
    fill_date(comms, "Launch date", "1", "3", "2019")
    fill_date(comms, "Next review date", "1", "3", "2027")
    comms.get_by_label("Exit plan").fill("Archived and closed if the parks team no longer posts.")
    comms.get_by_label("Password manager reference").fill("Comms vault / Social media / instagram-parks")
    comms.get_by_label("Multi-factor authentication is on").check()
    comms.get_by_label("Who holds account recovery").fill("socialmedia@cannockchasedc.gov.uk")
    fill_date(comms, "Password last changed", "2", "1", "2026")
    shot(comms, "comms", "3-add-account-form")
    comms.get_by_role("button", name="Save the account").click()
    assert "added to the register" in banner(comms), comms.locator("main").inner_text()
    account_pk = int(re.search(r"/accounts/(\d+)/", comms.url).group(1))
    missing = comms.locator("#activation-missing").inner_text()
    assert "It has no approval" in missing
    shot(comms, "comms", "4-added-proposed")

    # They correct its details.
    comms.get_by_role("link", name="Change details").click()
    assert comms.url == f"{base}/accounts/{account_pk}/edit/"
    comms.get_by_label("Purpose", exact=True).fill("Photographs, events and news from the district's parks.")
    comms.get_by_role("button", name="Save the account").click()
    assert "The account's details have been saved." in banner(comms)
    assert "events and news" in comms.get_by_role("list", name="Changes to the account").inner_text()

    # They record the Corporate Director's approval of the existing account.
    comms.get_by_role("link", name="Record the Director's approval of an existing account").click()
    assert comms.url == f"{base}/accounts/{account_pk}/existing-approval/"
    comms.get_by_label("The Corporate Director who approved the account").select_option(
        label="Chris Walker (director)"
    )
    fill_date(comms, "Date of the Director's approval", "14", "2", "2019")
    comms.get_by_label("Where the approval is recorded").fill("Email from Chris Walker, 14 February 2019")
    comms.get_by_role("button", name="Record the approval").click()
    assert "The Director's approval has been recorded." in banner(comms)

    # The status page says what is still missing, and does not offer "Make active" until it is done.
    comms.get_by_role("link", name="Change status").click()
    missing = comms.locator("#activation-missing").inner_text()
    assert "It has no approval" not in missing
    assert "risk assessment has not been accepted" in missing
    assert "Communications do not yet hold admin access" in missing
    assert "shared council mailbox" in missing
    shot(comms, "comms", "5-status-what-is-missing")
    assert comms.get_by_label("Make active").count() == 0, "not offered until every requirement holds"
    assert SocialMediaAccount.objects.get(pk=account_pk).status == AccountStatus.PROPOSED

    # Admin access and the shared mailbox are recorded on the account's details.
    comms.get_by_role(
        "link", name=re.compile("Record the shared mailbox and Communications' admin access")
    ).click()
    assert comms.url == f"{base}/accounts/{account_pk}/edit/"
    comms.get_by_label("Administering mailbox").fill("countryside@cannockchasedc.gov.uk")
    comms.get_by_label("The mailbox is a shared mailbox").check()
    comms.get_by_label("Communications holds admin access").check()
    comms.get_by_role("button", name="Save the account").click()
    assert "The account's details have been saved." in banner(comms)
    missing = comms.locator("#activation-missing").inner_text()
    assert "admin access" not in missing and "shared council mailbox" not in missing
    assert "risk assessment has not been accepted" in missing

    # The service officer writes the risk assessment and submits it.
    officer = desks.of("officer")
    menu(officer, "Register")
    officer.get_by_role("link", name="@cannockchaseparks").click()
    shot(officer, "officer", "8-proposed-account-start-risk-assessment")
    officer.get_by_role("button", name="Start the risk assessment").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("cannockchaseparks")
    score_every_risk(officer)
    officer.get_by_role("button", name="Submit to Communications").click()
    assert "submitted to Communications" in banner(officer)

    # Communications accept it through the risk assessment pages.
    menu(comms, "Risk assessments")
    comms.get_by_role("link", name=re.compile("cannockchaseparks")).first.click()
    comms.get_by_role("button", name="Accept the assessment").click()
    assert "Risk assessment accepted" in banner(comms)
    shot(comms, "comms", "6-risk-assessment-accepted")

    # Nothing is missing now: "Make active" succeeds and the account is public.
    comms.goto(f"{base}/accounts/{account_pk}/status/")
    assert comms.locator("#activation-missing").count() == 0
    comms.get_by_label("Make active").check()
    comms.get_by_label("Reason").fill("An existing council account, approved in 2019.")
    comms.get_by_role("button", name="Change the status").click()
    assert "The status has been changed." in banner(comms)
    assert "Proposed → Active" in comms.get_by_role("list", name="Status changes").inner_text()
    shot(comms, "comms", "7-account-active")
    assert SocialMediaAccount.objects.get(pk=account_pk).status == AccountStatus.ACTIVE

    public = desks.fresh()
    public.goto(f"{base}/register/")
    assert "cannockchaseparks" in public.locator("main").inner_text()
    assert "Yes, this is an official" in check_handle(
        public, base, "https://www.instagram.com/cannockchaseparks"
    )


# --- 4. The public ----------------------------------------------------------------------------------
def test_the_publics_visit_the_register_and_is_this_official(desks, demo):
    base = demo
    public = desks.fresh()
    public.goto(f"{base}/register/")
    assert public.get_by_role("heading", level=1).inner_text().endswith("official social media accounts")
    register = public.locator("main").inner_text()
    assert "CannockChaseDC" in register and "visitcannockchase" in register
    assert "socialmedia@" not in register, "nothing private on the public register"
    shot(public, "public", "1-register")

    # Find an account on the register and follow its link's details.
    x_table = public.locator("table", has=public.locator("caption", has_text="X (Twitter)"))
    assert "@CannockChaseDC" in x_table.inner_text()

    answer = check_handle(public, base, "@CannockChaseDC")
    assert "Yes, this is an official council account" in answer
    shot(public, "public", "2-check-official")

    # A look-alike with a long s (ſ) is not the council's, and the page says why.
    answer = check_handle(public, base, "@CannockChaſeDC")
    assert "is not an official council account" in answer
    assert public.locator("#check-lookalike").count() == 1
    assert "How to report an impostor" in public.locator("main").inner_text()
    shot(public, "public", "3-check-lookalike")

    answer = check_handle(public, base, "@CannockChaseDC_Official")
    assert "is not an official council account" in answer
    assert public.locator("#check-lookalike").count() == 0
    shot(public, "public", "4-check-unknown")
