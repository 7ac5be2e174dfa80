"""Recording and undoing a response are the enquiry's transitions: the people who may write the
enquiry (its service's, or Communications) may make them, the platform itself may record a reply it
saw, and each is logged with who and why (issue 12 item 3; 003 D4.6, 004 Don't 5–6)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_fsm_log.models import StateLog

from monitoring import services
from monitoring.models import EnquiryStatus, NoResponseReason, Response, ResponseKind
from tests.factories import AccountFactory, EnquiryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enquiry(service):
    return EnquiryFactory(account=AccountFactory(service=service))


def record(enquiry, by, kind=ResponseKind.FULL, reason=""):
    return services.enquiry_record_response(
        enquiry=enquiry,
        kind=kind,
        reason=reason,
        responded_at=timezone.now(),
        by=by,
        now=timezone.now(),
    )


@pytest.mark.parametrize("persona", ["officer", "manager", "comms"])
def test_whoever_may_write_the_enquiry_records_a_response(request, enquiry, persona):
    person = request.getfixturevalue(persona)
    record(enquiry, person)
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANSWERED
    log = StateLog.objects.for_(enquiry).get()
    assert (log.transition, log.by, log.description) == ("answer", person, "Full answer")


@pytest.mark.parametrize("persona", ["outsider", "director"])
def test_someone_who_may_not_write_the_enquiry_cannot_record_a_response(
    request, enquiry, persona, other_service
):
    with pytest.raises(PermissionDenied):
        record(enquiry, request.getfixturevalue(persona))
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.OPEN
    assert not Response.objects.exists()
    assert not StateLog.objects.for_(enquiry).exists()


def test_another_services_officer_cannot_record_a_response(enquiry, other_service):
    with pytest.raises(PermissionDenied):
        record(enquiry, other_service.officers.get())
    assert not Response.objects.exists()


def test_the_platform_itself_records_a_reply_it_saw(enquiry):
    """``by=None``: a connector saw the council's reply on the platform."""
    response = record(enquiry, None, kind=ResponseKind.HOLDING)
    assert response.recorded_by is None
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.HOLDING
    log = StateLog.objects.for_(enquiry).get()
    assert (log.transition, log.by, log.description) == ("send_holding_reply", None, "Holding reply")


def test_no_response_needed_is_logged_with_its_reason(enquiry, officer):
    record(enquiry, officer, kind=ResponseKind.NO_RESPONSE_NEEDED, reason=NoResponseReason.SPAM)
    log = StateLog.objects.for_(enquiry).get()
    assert log.description == f"No response needed: {NoResponseReason.SPAM.label}"


def test_undoing_a_response_is_logged_as_the_enquirys_move_back(enquiry, officer):
    response = record(enquiry, officer)
    services.response_undo(response=response, by=officer, now=timezone.now())
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.OPEN
    undo = StateLog.objects.for_(enquiry).order_by("-pk").first()
    assert (undo.transition, undo.by, undo.state) == ("undo_to_open", officer, EnquiryStatus.OPEN)
    assert "undone" in undo.description


def test_an_officer_moved_off_the_service_cannot_undo(enquiry, officer, service):
    response = record(enquiry, officer)
    service.officers.remove(officer)
    with pytest.raises(services.DutyRefused, match="You cannot undo responses to this enquiry"):
        services.response_undo(response=response, by=officer, now=timezone.now())
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANSWERED
    assert Response.objects.get().undone_at is None
