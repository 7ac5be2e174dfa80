"""Bad input in people's forms gets a plain error, never a 500 (issue 11 items 21 and 25).

The GOV.UK date input lives once (``councilsocial.forms.GovukDateField``) and every form's free text
and dates are bounded by one mixin (``InputLimitsMixin``), so each case below is tried on several real
forms, submitted through their pages by the people who use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings

from accounts_register.models import SocialMediaAccount, TrainingRecord
from business_cases.models import BusinessCase
from councilsocial.notifications.models import Notification
from monitoring.models import Enquiry
from operations.models import Incident, MonitoringTerm, PhotoConsent, PurdahPeriod
from tests.factories import AccountFactory, BusinessCaseFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class DateForm:
    url: str
    persona: str
    field: str  # the date field's name: its parts are <field>_0, _1, _2
    model: type
    data: object  # (request) -> the rest of a valid submission


def _enquiry(request):
    account = AccountFactory(service=request.getfixturevalue("service"))
    return {"account": account.pk, "received_time": "10:30", "channel": "comment", "text": "Open?"}


def _purdah(request):
    return {"name": "Parish elections", "elections": "Parish", "ends_on_0": "1", "ends_on_1": "1"} | {
        "ends_on_2": "2027",
        "instructions": "No posts that name a candidate until the count is declared.",
    }


def _training(request):
    return {"person": request.getfixturevalue("officer").pk, "module": settings.SOCIAL_MEDIA_ELEARNING_MODULE}


def _photo_consent(request):
    return {"reference": "PC-9", "covers": "Fun day", "service": request.getfixturevalue("service").pk}


def _account(request):
    return {
        "platform": "x",
        "handle": "@CCDCParks",
        "url": "https://x.com/CCDCParks",
        "display_name": "Parks",
        "service": request.getfixturevalue("service").pk,
        "kind": "departmental",
        "admin_mailbox": "parks.social@cannockchasedc.gov.uk",
        "admin_mailbox_is_shared": "on",
    }


DATE_FORMS = {
    "enquiry": DateForm("/inbox/new/", "officer", "received_on", Enquiry, _enquiry),
    "purdah": DateForm("/operations/purdah/", "comms", "starts_on", PurdahPeriod, _purdah),
    "training": DateForm("/operations/training/", "comms", "completed_on", TrainingRecord, _training),
    "photo consent": DateForm(
        "/operations/photo-consent/", "officer", "signed_on", PhotoConsent, _photo_consent
    ),
    "account": DateForm("/accounts/new/", "comms", "launch_date", SocialMediaAccount, _account),
}


def submit_date(client, request, name, day, month, year):
    form = DATE_FORMS[name]
    client.force_login(request.getfixturevalue(form.persona))
    data = form.data(request) | {f"{form.field}_0": day, f"{form.field}_1": month, f"{form.field}_2": year}
    return client.post(form.url, data)


@pytest.mark.parametrize("name", list(DATE_FORMS))
def test_a_real_date_in_range_is_saved(client, request, name):
    response = submit_date(client, request, name, "1", "6", "2026")

    assert response.status_code == 302
    assert DATE_FORMS[name].model.objects.count() == 1


@pytest.mark.parametrize("name", list(DATE_FORMS))
@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("99999999999999999999", "1", "2026", "must be a real date"),
        ("1", "99999999999999999999", "2026", "must be a real date"),
        ("1", "1", "99999999999999999999", "must be a real date"),
        ("31", "2", "2026", "must be a real date"),
        ("-1", "1", "2026", "must be a real date"),
        ("1", "-6", "2026", "must be a real date"),
        ("x", "1", "2026", "must be a real date"),
        ("\x00", "1", "2026", "must be a real date"),
        ("1", "1", "20\x0026", "must be a real date"),
        ("1", "1", "1", "must be between 1 January 2000 and 31 December 2100"),
        ("1", "1", "0001", "must be between 1 January 2000 and 31 December 2100"),
        ("1", "1", "2101", "must be between 1 January 2000 and 31 December 2100"),
    ],
)
def test_a_bad_date_is_a_form_error_and_nothing_is_saved(client, request, name, day, month, year, message):
    response = submit_date(client, request, name, day, month, year)

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    assert not DATE_FORMS[name].model.objects.exists()


def test_a_typed_date_out_of_range_is_refused_too(client, comms, service):
    """The incident checklist's one typed date (not the GOV.UK input) keeps the same range."""
    from operations.forms import IncidentStepForm

    form = IncidentStepForm({"password_changed_on": "01/01/0001"})

    assert not form.is_valid()
    assert "must be between 1 January 2000 and 31 December 2100" in str(form.errors)


# --- Free text (issue 11 item 25) -----------------------------------------------------------------
TWO_MB = "a" * (2 * 1024 * 1024)


def test_an_incident_of_2_mb_is_refused_and_nobody_is_emailed(client, officer, service):
    account = AccountFactory(service=service)
    client.force_login(officer)

    response = client.post(
        "/operations/incidents/new/",
        {"kind": "abuse", "account": account.pk, "severity": "high", "what_happened": TWO_MB},
    )

    assert response.status_code == 200
    assert "Tell us what happened must be 10,000 characters or fewer" in response.content.decode()
    assert not Incident.objects.exists()
    assert not Notification.objects.exists()


def test_an_incident_of_10_000_characters_is_accepted(client, officer, service):
    account = AccountFactory(service=service)
    client.force_login(officer)

    response = client.post(
        "/operations/incidents/new/",
        {"kind": "abuse", "account": account.pk, "severity": "high", "what_happened": "a" * 10_000},
    )

    assert response.status_code == 302
    assert Incident.objects.get().what_happened == "a" * 10_000


def test_an_emergency_holding_message_of_2_mb_is_refused(client, comms):
    client.force_login(comms)

    response = client.post(
        "/operations/emergency/declare/",
        {"title": "Flood", "reason": "Flood", "named_officers": [comms.pk], "holding_message": TWO_MB},
    )

    assert response.status_code == 200
    assert "must be 10,000 characters or fewer" in response.content.decode()
    assert not Notification.objects.exists()


def test_a_monitoring_term_reason_of_2_mb_is_refused(client, officer, service):
    client.force_login(officer)

    response = client.post(
        "/operations/monitoring-terms/", {"term": "Chase", "service": service.pk, "reason": TWO_MB}
    )

    assert response.status_code == 200
    assert "must be 10,000 characters or fewer" in response.content.decode()
    assert not MonitoringTerm.objects.exists()


def test_a_business_case_answer_of_2_mb_is_refused(client, officer, service):
    case = BusinessCaseFactory(service=service, author=officer, risks="Old")
    client.force_login(officer)

    response = client.post(
        f"/business-cases/{case.pk}/section/risks/", {"risks": TWO_MB, "negative_responses": "x"}
    )

    assert response.status_code == 200
    assert "must be 10,000 characters or fewer" in response.content.decode()
    assert BusinessCase.objects.get().risks == "Old"
