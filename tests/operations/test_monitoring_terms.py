"""Monitoring terms (003 D11.2): services ask, Communications decides, the approved list is exported."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework.test import APIClient

from councilsocial.notifications.models import Notification
from operations import services as ops
from operations.models import MonitoringTerm

pytestmark = pytest.mark.django_db


def ask(by, service, term="Cannock Chase wildfire"):
    return ops.monitoring_term_request(
        by=by, service=service, term=term, reason="Summer fire risk", now=timezone.now()
    )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("officer", True), ("manager", True), ("comms", True), ("director", False), ("outsider", False)],
)
def test_who_may_ask_for_a_term_for_a_service(request, persona, allowed, service):
    user = request.getfixturevalue(persona)
    if allowed:
        assert ask(user, service).status == "requested"
        assert Notification.objects.filter(subject__contains="Cannock Chase wildfire").exists()
    else:
        with pytest.raises(PermissionDenied):
            ask(user, service)


def test_an_officer_cannot_ask_for_another_service(officer, other_service):
    with pytest.raises(PermissionDenied):
        ask(officer, other_service)


@pytest.mark.parametrize(
    ("persona", "allowed"), [("comms", True), ("officer", False), ("manager", False), ("director", False)]
)
def test_only_communications_approves_or_declines(request, persona, allowed, officer, service):
    term = ask(officer, service)
    user = request.getfixturevalue(persona)
    if allowed:
        decided = ops.monitoring_term_decide(
            term=term, by=user, approve=True, comment="Yes", now=timezone.now()
        )
        assert decided.status == "approved" and decided.decided_by == user
    else:
        with pytest.raises(PermissionDenied):
            ops.monitoring_term_decide(term=term, by=user, approve=True, comment="Yes", now=timezone.now())
        assert MonitoringTerm.objects.get().status == "requested"


def test_a_decision_is_made_once_and_the_requester_told(comms, officer, service):
    term = ask(officer, service)
    ops.monitoring_term_decide(term=term, by=comms, approve=False, comment="Too broad", now=timezone.now())
    with pytest.raises(ops.OperationRefused):
        ops.monitoring_term_decide(
            term=term, by=comms, approve=True, comment="Changed my mind", now=timezone.now()
        )
    told = Notification.objects.get(to=officer.email)
    assert "declined" in told.subject.lower() and "Too broad" in told.body


def test_an_approved_term_cannot_be_asked_for_again(comms, officer, service):
    ops.monitoring_term_decide(
        term=ask(officer, service), by=comms, approve=True, comment="", now=timezone.now()
    )
    with pytest.raises(ops.OperationRefused, match="already monitored"):
        ask(officer, service, term="cannock chase  WILDFIRE")


def test_the_csv_and_api_list_only_approved_terms(client, comms, officer, service):
    ops.monitoring_term_decide(
        term=ask(officer, service, "Hednesford Park"), by=comms, approve=True, comment="", now=timezone.now()
    )
    ops.monitoring_term_decide(
        term=ask(officer, service, "Bins"), by=comms, approve=False, comment="", now=timezone.now()
    )
    ask(officer, service, "Chase Leisure Centre")
    client.force_login(comms)
    csv_text = client.get("/operations/monitoring-terms.csv").content.decode()
    assert "Hednesford Park,Countryside Service" in csv_text
    assert "Bins" not in csv_text and "Chase Leisure Centre" not in csv_text
    api = APIClient()
    api.force_authenticate(comms)
    assert [row["term"] for row in api.get("/api/monitoring-terms/").json()] == ["Hednesford Park"]


@pytest.mark.parametrize("persona", ["officer", "director", "outsider"])
def test_only_communications_exports_the_terms(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get("/operations/monitoring-terms.csv").status_code == 403
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/monitoring-terms/").status_code == 403


def test_an_officer_sees_only_their_services_requests(client, officer, service, other_service):
    ask(officer, service, "Cannock Chase wildfire")
    ask(other_service.officers.get(), other_service, "Antisocial behaviour")
    client.force_login(officer)
    page = client.get("/operations/monitoring-terms/").content.decode()
    assert "Cannock Chase wildfire" in page and "Antisocial behaviour" not in page


def test_deciding_through_the_page(client, comms, officer, service):
    term = ask(officer, service)
    client.force_login(comms)
    client.post(
        f"/operations/monitoring-terms/{term.pk}/decide/", {"decision": "approve", "comment": "Agreed"}
    )
    assert MonitoringTerm.objects.get().status == "approved"
