"""The duty officer's inbox (000 Appendix 2; issue 13 item 3): the rota on working days, who sees what
first, handing an enquiry on (emailed once), and undoing a response recorded by mistake."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from councilsocial.notifications.models import Notification
from monitoring.models import DutyDay, Enquiry, Response
from tests.factories import AccountFactory, EnquiryFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
WORKING_DAY = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)  # a Tuesday
BANK_HOLIDAY = datetime(2026, 12, 25, 10, 0, tzinfo=LONDON)  # Christmas Day, a Friday


@pytest.fixture
def two_enquiries(service):
    """A departmental account's enquiry due first, and a corporate account's due later."""
    departmental = AccountFactory(service=service, kind="departmental", display_name="Rangers")
    corporate = AccountFactory(service=service, kind="corporate", display_name="The council")
    return {
        "departmental": EnquiryFactory(
            account=departmental,
            author="dept_resident",
            received_at=WORKING_DAY - timedelta(days=7),
            response_due_at=WORKING_DAY - timedelta(days=6),
        ),
        "corporate": EnquiryFactory(
            account=corporate,
            author="corp_resident",
            received_at=WORKING_DAY - timedelta(days=1),
            response_due_at=WORKING_DAY + timedelta(hours=6),
        ),
    }


def _inbox_order(client):
    return [row["enquiry"].author for row in client.get(reverse("inbox")).context["rows"]]


def test_comms_sets_the_duty_officer_on_a_working_day(client, comms, officer):
    with time_machine.travel(WORKING_DAY, tick=False):
        client.force_login(comms)
        response = client.post(reverse("duty-rota"), {"day": "2026-12-02", "officer": officer.pk})
        assert response.status_code == 302
        assert DutyDay.objects.get(day=date(2026, 12, 2)).officer == officer
        assert officer.username in client.get(reverse("duty-rota")).content.decode()


def test_nobody_can_be_put_on_duty_on_a_bank_holiday(client, comms, officer):
    with time_machine.travel(WORKING_DAY, tick=False):
        client.force_login(comms)
        response = client.post(reverse("duty-rota"), {"day": "2026-12-25", "officer": officer.pk})
    assert "is not a working day" in response.content.decode()
    assert not DutyDay.objects.exists()


def test_only_communications_set_the_rota(client, officer):
    client.force_login(officer)
    assert client.post(reverse("duty-rota"), {"day": "2026-12-02", "officer": officer.pk}).status_code == 403
    assert not DutyDay.objects.exists()


def test_the_duty_officer_sees_unassigned_corporate_enquiries_first(
    client, comms, officer, manager, two_enquiries
):
    with time_machine.travel(WORKING_DAY, tick=False):
        DutyDay.objects.create(day=WORKING_DAY.date(), officer=officer, set_by=comms, set_at=WORKING_DAY)
        client.force_login(officer)
        assert _inbox_order(client) == ["corp_resident", "dept_resident"]
        assert "You are the social media duty officer today" in client.get(reverse("inbox")).content.decode()
        client.force_login(manager)  # not on duty: soonest deadline first
        assert _inbox_order(client) == ["dept_resident", "corp_resident"]


def test_a_corporate_enquiry_already_given_to_someone_does_not_jump_the_queue(
    client, comms, officer, manager, two_enquiries
):
    Enquiry.objects.filter(pk=two_enquiries["corporate"].pk).update(assigned_to=manager)
    with time_machine.travel(WORKING_DAY, tick=False):
        DutyDay.objects.create(day=WORKING_DAY.date(), officer=officer, set_by=comms, set_at=WORKING_DAY)
        client.force_login(officer)
        assert _inbox_order(client) == ["dept_resident", "corp_resident"]


def test_on_a_bank_holiday_nobody_is_on_duty_and_deadlines_come_first(client, comms, officer, two_enquiries):
    DutyDay.objects.create(day=BANK_HOLIDAY.date(), officer=officer, set_by=comms, set_at=WORKING_DAY)
    with time_machine.travel(BANK_HOLIDAY, tick=False):
        client.force_login(officer)
        assert _inbox_order(client) == ["dept_resident", "corp_resident"]
        assert "duty officer today" not in client.get(reverse("inbox")).content.decode()


def test_an_enquiry_given_to_a_person_emails_them_once(client, officer, manager, two_enquiries):
    enquiry = two_enquiries["corporate"]
    client.force_login(officer)
    for _ in range(2):
        response = client.post(
            reverse("enquiry-assign", kwargs={"pk": enquiry.pk}), {"assigned_to": manager.pk}
        )
        assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.assigned_to == manager
    emails = Notification.objects.filter(to=manager.email)
    assert emails.count() == 1
    assert reverse("enquiry-respond", kwargs={"pk": enquiry.pk}) in emails.get().body


def test_an_enquiry_cannot_be_given_to_someone_outside_its_service(
    client, officer, other_service, two_enquiries
):
    enquiry = two_enquiries["corporate"]
    stranger = other_service.officers.get()
    client.force_login(officer)
    client.post(reverse("enquiry-assign", kwargs={"pk": enquiry.pk}), {"assigned_to": stranger.pk})
    enquiry.refresh_from_db()
    assert enquiry.assigned_to is None
    assert not Notification.objects.exists()


def _record(client, enquiry, kind):
    return client.post(reverse("enquiry-respond", kwargs={"pk": enquiry.pk}), {"kind": kind})


def test_the_author_undoes_a_response_within_fifteen_minutes(client, officer, two_enquiries):
    enquiry = two_enquiries["departmental"]
    with time_machine.travel(WORKING_DAY, tick=False):
        client.force_login(officer)
        _record(client, enquiry, "full")
    response = Response.objects.get()
    with time_machine.travel(WORKING_DAY + timedelta(minutes=14), tick=False):
        assert "Undo" in client.get(reverse("inbox")).content.decode()
        assert client.post(reverse("response-undo", kwargs={"pk": response.pk})).status_code == 302
    enquiry.refresh_from_db()
    response.refresh_from_db()
    assert enquiry.status == "open"
    assert enquiry.first_response_at is None and enquiry.closed_at is None and enquiry.met_deadline is None
    assert response.undone_at is not None  # kept, marked undone: the log


def test_undoing_a_full_answer_after_a_holding_reply_leaves_the_holding_reply(client, officer, two_enquiries):
    enquiry = two_enquiries["corporate"]
    with time_machine.travel(WORKING_DAY, tick=False):
        client.force_login(officer)
        _record(client, enquiry, "holding")
    with time_machine.travel(WORKING_DAY + timedelta(minutes=1), tick=False):
        _record(client, enquiry, "full")
        full = Response.objects.get(kind="full")
        client.post(reverse("response-undo", kwargs={"pk": full.pk}))
    enquiry.refresh_from_db()
    assert enquiry.status == "holding"
    assert enquiry.first_response_at == WORKING_DAY
    assert enquiry.met_deadline is True


def test_after_fifteen_minutes_a_response_cannot_be_undone(client, officer, two_enquiries):
    enquiry = two_enquiries["departmental"]
    with time_machine.travel(WORKING_DAY, tick=False):
        client.force_login(officer)
        _record(client, enquiry, "full")
    response = Response.objects.get()
    with time_machine.travel(WORKING_DAY + timedelta(minutes=16), tick=False):
        page = client.post(reverse("response-undo", kwargs={"pk": response.pk}), follow=True).content.decode()
    assert "only be undone within 15 minutes" in page
    enquiry.refresh_from_db()
    assert enquiry.status == "answered"
    response.refresh_from_db()
    assert response.undone_at is None


def test_only_the_author_can_undo_a_response(client, officer, manager, two_enquiries):
    enquiry = two_enquiries["departmental"]
    with time_machine.travel(WORKING_DAY, tick=False):
        client.force_login(officer)
        _record(client, enquiry, "full")
        client.force_login(manager)
        assert (
            client.post(reverse("response-undo", kwargs={"pk": Response.objects.get().pk})).status_code == 404
        )
    enquiry.refresh_from_db()
    assert enquiry.status == "answered"
