"""Incidents (003 Section B; 000 §22; 004 Do 3): checklists per type, the register, notifications."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from councilsocial.notifications.models import Notification
from operations import services as ops
from operations.models import Incident, IncidentAction, IncidentKind, Severity

pytestmark = pytest.mark.django_db

EXPECTED_FIRST_STEPS = {
    IncidentKind.POST_IN_ERROR: "keep_record",
    IncidentKind.COMPROMISED: "change_password",
    IncidentKind.ABUSE: "keep_evidence",
    IncidentKind.MEDIA: "refer_to_comms",
    IncidentKind.POLICY_BREACH: "remove_content",
    IncidentKind.SAFEGUARDING: "tell_safeguarding_lead",
}


def report(by, account, kind=IncidentKind.COMPROMISED, severity=Severity.MEDIUM):
    return ops.incident_report(
        by=by,
        kind=kind,
        severity=severity,
        account=account,
        what_happened="Odd posts overnight.",
        now=timezone.now(),
    )


@pytest.mark.parametrize("kind", IncidentKind.values)
def test_each_incident_type_has_its_own_checklist(kind):
    steps = ops.checklist_for(kind)
    assert steps[0].key == EXPECTED_FIRST_STEPS[kind]
    assert all(step.policy for step in steps)


def test_the_compromised_account_checklist_follows_the_policy():
    keys = [step.key for step in ops.checklist_for(IncidentKind.COMPROMISED)]
    assert keys == ["change_password", "check_mfa_recovery", "review_access", "warn_followers", "tell_comms"]


def test_changing_the_password_is_recorded_in_the_register(officer, account):
    incident = report(officer, account)
    ops.incident_step_done(
        incident=incident,
        step="change_password",
        by=officer,
        now=timezone.now(),
        password_changed_on=date(2026, 11, 23),
    )
    account.refresh_from_db()
    assert account.password_changed_on == date(2026, 11, 23)
    latest = account.history.latest("history_date")
    assert latest.history_change_reason == f"Incident #{incident.pk}: password changed"


def test_checking_mfa_and_recovery_is_recorded_in_the_register(officer, account):
    incident = report(officer, account)
    ops.incident_step_done(
        incident=incident,
        step="check_mfa_recovery",
        by=officer,
        now=timezone.now(),
        mfa_enabled=True,
        recovery_contact="socialmedia@cannockchasedc.gov.uk",
    )
    account.refresh_from_db()
    assert account.mfa_enabled is True
    assert account.recovery_contact == "socialmedia@cannockchasedc.gov.uk"


def test_mfa_step_without_answers_is_refused_and_records_nothing(officer, account):
    incident = report(officer, account)
    with pytest.raises(ops.OperationRefused):
        ops.incident_step_done(incident=incident, step="check_mfa_recovery", by=officer, now=timezone.now())
    assert not IncidentAction.objects.exists()


def test_other_incident_types_do_not_touch_the_register(officer, account):
    incident = report(officer, account, kind=IncidentKind.POST_IN_ERROR)
    ops.incident_step_done(incident=incident, step="remove_post", by=officer, now=timezone.now())
    account.refresh_from_db()
    assert account.password_changed_on is None


def test_a_step_not_on_the_checklist_is_refused(officer, account):
    incident = report(officer, account, kind=IncidentKind.MEDIA)
    with pytest.raises(ops.OperationRefused):
        ops.incident_step_done(incident=incident, step="change_password", by=officer, now=timezone.now())


def test_a_step_is_done_once(officer, account):
    incident = report(officer, account)
    ops.incident_step_done(incident=incident, step="review_access", by=officer, now=timezone.now())
    with pytest.raises(ops.OperationRefused, match="already been done"):
        ops.incident_step_done(incident=incident, step="review_access", by=officer, now=timezone.now())


def test_communications_is_told_at_once(officer, account):
    incident = report(officer, account)
    notes = Notification.objects.filter(dedupe_key__startswith=f"incident:{incident.pk}:")
    assert list(notes.values_list("to", flat=True)) == [settings.COMMUNICATIONS_EMAIL]


def test_high_severity_also_tells_the_services_director(officer, account, director):
    incident = report(officer, account, severity=Severity.HIGH)
    to = set(
        Notification.objects.filter(dedupe_key__startswith=f"incident:{incident.pk}:").values_list(
            "to", flat=True
        )
    )
    assert to == {settings.COMMUNICATIONS_EMAIL, director.email}


def test_a_person_cannot_report_on_an_account_they_cannot_see(officer, other_account):
    with pytest.raises(PermissionDenied):
        report(officer, other_account)
    assert not Incident.objects.exists()


@pytest.mark.parametrize(("persona", "may_close"), [("comms", True), ("officer", False), ("director", False)])
def test_only_communications_closes_an_incident(request, persona, may_close, officer, account):
    incident = report(officer, account)
    user = request.getfixturevalue(persona)
    if may_close:
        assert (
            ops.incident_close(incident=incident, by=user, outcome="Sorted", now=timezone.now()).status
            == "closed"
        )
    else:
        with pytest.raises(PermissionDenied):
            ops.incident_close(incident=incident, by=user, outcome="Sorted", now=timezone.now())


@pytest.mark.parametrize(
    ("persona", "status"),
    [("comms", 200), ("officer", 200), ("director", 200), ("other_officer", 404), ("outsider", 404)],
)
def test_who_may_see_an_incident(client, request, persona, status, officer, account, other_service):
    incident = report(officer, account)
    user = other_service.officers.get() if persona == "other_officer" else request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(f"/operations/incidents/{incident.pk}/").status_code == status


def test_the_director_may_read_but_not_tick_steps(client, director, officer, account):
    incident = report(officer, account)
    client.force_login(director)
    response = client.post(f"/operations/incidents/{incident.pk}/steps/review_access/", {})
    assert response.status_code == 404
    assert not IncidentAction.objects.exists()


def test_reporting_and_ticking_the_password_step_through_the_pages(client, officer, account):
    client.force_login(officer)
    response = client.post(
        "/operations/incidents/new/",
        {"kind": "compromised", "account": account.pk, "severity": "high", "what_happened": "Spam posted"},
    )
    incident = Incident.objects.get()
    assert response.headers["Location"] == f"/operations/incidents/{incident.pk}/"
    client.post(
        f"/operations/incidents/{incident.pk}/steps/change_password/", {"password_changed_on": "23/11/2026"}
    )
    account.refresh_from_db()
    assert account.password_changed_on == date(2026, 11, 23)
    page = client.get(f"/operations/incidents/{incident.pk}/").content.decode()
    assert "Change the password now" in page and "Done" in page


def test_the_report_form_shows_errors_not_a_crash(client, officer, account):
    client.force_login(officer)
    response = client.post("/operations/incidents/new/", {"photo_consent_reference": "PC-NOPE"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose what kind of incident it is" in body and "There is no consent form" in body


def test_the_incident_list_has_a_fixed_number_of_queries(
    client, comms, officer, account, django_assert_max_num_queries
):
    for _ in range(30):
        report(officer, account, kind=IncidentKind.ABUSE)
    client.force_login(comms)
    with django_assert_max_num_queries(10):
        response = client.get("/operations/incidents/")
    assert response.content.decode().count("Abuse or threats received") == 30


def test_a_password_date_in_the_future_is_refused(client, officer, account):
    incident = report(officer, account)
    client.force_login(officer)
    client.post(
        f"/operations/incidents/{incident.pk}/steps/change_password/", {"password_changed_on": "01/01/2099"}
    )
    account.refresh_from_db()
    assert account.password_changed_on is None
    assert not IncidentAction.objects.exists()
