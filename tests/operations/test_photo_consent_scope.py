"""Photo consent references are matched within the service only (issue 11 item 15; 004 Don't 9).

Another service's consent form must not satisfy the children check or be linked to an incident,
and a reference that exists elsewhere gets exactly the answer of one that exists nowhere, so the
answers do not reveal which references other services hold.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from operations import services as ops
from operations.models import Incident, IncidentKind, PhotoConsent, Severity

pytestmark = pytest.mark.django_db

CHILDREN_POST = "Our reading challenge winners! Sign up at cannockchasedc.gov.uk/read"


@pytest.fixture
def theirs(other_service):
    """A consent form held by another service."""
    return PhotoConsent.objects.create(
        reference="PC-THEIRS-1",
        covers="Community Safety fun day",
        service=other_service,
        signed_on=date(2026, 1, 1),
        recorded_by=other_service.officers.get(),
    )


@pytest.fixture
def ours(service, officer):
    return PhotoConsent.objects.create(
        reference="PC-OURS-1",
        covers="Library summer reading",
        service=service,
        signed_on=date(2026, 1, 1),
        recorded_by=officer,
    )


def _same_page(html: str, reference: str) -> str:
    """The page with the reference typed, and the per-response CSRF token, taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return html.replace(reference, "REF")


def _check_page(client, account, reference):
    return client.post(
        "/check-a-post/",
        {
            "text": CHILDREN_POST,
            "account": account.pk,
            "shows_children": "on",
            "consent_reference": reference,
        },
    ).content.decode()


def test_another_services_reference_does_not_satisfy_the_children_check(client, officer, account, theirs):
    client.force_login(officer)

    page = _check_page(client, account, theirs.reference)

    assert "not a current signed parental consent form" in page


def test_a_wrong_reference_reads_exactly_like_a_missing_one(client, officer, account, theirs):
    client.force_login(officer)

    existing_elsewhere = _same_page(_check_page(client, account, theirs.reference), theirs.reference)
    missing = _same_page(_check_page(client, account, "PC-NOWHERE"), "PC-NOWHERE")

    assert existing_elsewhere == missing


def test_the_services_own_reference_satisfies_the_children_check(client, officer, account, ours):
    client.force_login(officer)

    page = _check_page(client, account, ours.reference.lower())

    assert "not a current signed parental consent form" not in page
    assert "give the reference of the signed parental consent form" not in page


def test_the_checker_api_matches_only_the_accounts_service(officer, account, theirs, ours):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer)

    def codes(reference):
        body = {"text": CHILDREN_POST, "account": account.pk, "shows_children": True}
        response = api.post("/api/content-check/", {**body, "consent_reference": reference}, format="json")
        return [finding["code"] for finding in response.json()["findings"]]

    assert codes(theirs.reference) == ["children_without_consent"]
    assert codes(ours.reference) == []


def _report(client, account, reference):
    return client.post(
        "/operations/incidents/new/",
        {
            "kind": IncidentKind.SAFEGUARDING,
            "account": account.pk,
            "severity": Severity.LOW,
            "what_happened": "A picture of children was shared.",
            "photo_consent_reference": reference,
        },
    )


def test_another_services_reference_cannot_be_linked_to_an_incident(client, officer, account, theirs):
    client.force_login(officer)

    existing_elsewhere = _report(client, account, theirs.reference).content.decode()
    missing = _report(client, account, "PC-NOWHERE").content.decode()

    assert not Incident.objects.exists()
    assert _same_page(existing_elsewhere, theirs.reference) == _same_page(missing, "PC-NOWHERE")


def test_the_accounts_services_reference_is_linked_to_the_incident(client, officer, account, ours):
    client.force_login(officer)

    _report(client, account, ours.reference)

    assert Incident.objects.get().photo_consent == ours


def test_the_incident_service_refuses_another_services_consent(officer, account, theirs):
    with pytest.raises(ops.OperationRefused):
        ops.incident_report(
            by=officer,
            kind=IncidentKind.SAFEGUARDING,
            severity=Severity.LOW,
            account=account,
            what_happened="x",
            photo_consent=theirs,
            now=timezone.now(),
        )
    assert not Incident.objects.exists()


def test_recording_a_reference_another_service_uses_does_not_reveal_it(client, officer, service, theirs):
    client.force_login(officer)

    client.post(
        "/operations/photo-consent/",
        {
            "reference": theirs.reference,
            "covers": "Our own fun day",
            "service": service.pk,
            "signed_on_0": "1",
            "signed_on_1": "7",
            "signed_on_2": "2026",
        },
    )

    assert PhotoConsent.objects.filter(service=service, reference=theirs.reference).exists()
