"""The inbox: open enquiries by deadline, and a response recorded in two clicks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from monitoring.models import Enquiry
from tests.factories import AccountFactory, EnquiryFactory

NOW = datetime(2025, 1, 15, 11, 0, tzinfo=UTC)  # Wednesday 11:00

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ours(service):
    account = AccountFactory(service=service, display_name="Cannock Chase Countryside")
    return {
        "overdue": EnquiryFactory(
            account=account, received_at=NOW - timedelta(days=1), author="overdue-person"
        ),
        "today": EnquiryFactory(account=account, received_at=NOW - timedelta(hours=1), author="today-person"),
    }


@pytest.fixture
def theirs(other_service):
    return EnquiryFactory(account=AccountFactory(service=other_service), author="their-person")


@pytest.mark.parametrize(
    ("persona", "sees_theirs"), [("officer", False), ("manager", False), ("comms", True)]
)
def test_the_inbox_shows_the_services_open_enquiries_soonest_first(
    persona, sees_theirs, ours, theirs, client, request
):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("inbox")).content.decode()

    assert page.index("overdue-person") < page.index("today-person")
    assert ("their-person" in page) is sees_theirs
    assert "Overdue" in page
    assert "Overdue by 2 working hours" in page  # due yesterday 17:00, now 11:00
    assert "Due today at 17:00" in page


@pytest.mark.parametrize("persona", ["director", "outsider"])
def test_people_who_answer_no_enquiries_have_no_inbox(persona, client, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("inbox")).status_code == 403


def test_the_inbox_needs_a_fixed_number_of_queries(
    ours, client, comms, django_assert_max_num_queries, service
):
    account = AccountFactory(service=service)
    for n in range(60):
        EnquiryFactory(account=account, received_at=NOW - timedelta(minutes=n))
    client.force_login(comms)

    # 12: today's duty officer and the person's responses they may still undo (issue 13) are one
    # query each.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inbox"))

    assert response.status_code == 200


def test_a_holding_reply_then_a_full_answer_close_the_enquiry(ours, client, officer):
    client.force_login(officer)
    enquiry = ours["today"]

    client.post(reverse("enquiry-respond", args=[enquiry.pk]), {"kind": "holding"})
    enquiry.refresh_from_db()
    assert enquiry.status == "holding" and enquiry.met_deadline is True

    response = client.post(reverse("enquiry-respond", args=[enquiry.pk]), {"kind": "full"}, follow=True)
    enquiry.refresh_from_db()
    assert enquiry.status == "answered"
    assert "Recorded: full answer" in response.content.decode()


def test_no_response_needed_without_a_reason_shows_an_error(ours, client, officer):
    client.force_login(officer)
    enquiry = ours["today"]

    response = client.post(reverse("enquiry-respond", args=[enquiry.pk]), {"kind": "no_response_needed"})

    assert response.status_code == 200
    assert "Select why no response is needed" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.status == "open"


def test_another_services_enquiry_cannot_be_answered(theirs, client, officer):
    client.force_login(officer)

    response = client.post(reverse("enquiry-respond", args=[theirs.pk]), {"kind": "full"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_an_enquiry_entered_by_hand_gets_its_deadline(client, officer, service):
    account = AccountFactory(service=service)
    client.force_login(officer)

    response = client.post(
        reverse("enquiry-new"),
        {
            "account": account.pk,
            "received_on_0": "14",
            "received_on_1": "1",
            "received_on_2": "2025",
            "received_time": "18:30",
            "channel": "direct_message",
            "author": "A resident",
            "text": "Is the visitor centre open?",
        },
    )

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.response_due_at == datetime(2025, 1, 15, 17, tzinfo=UTC)


def test_an_enquiry_entered_by_hand_with_a_bad_time_shows_errors(client, officer, service):
    account = AccountFactory(service=service)
    client.force_login(officer)

    response = client.post(
        reverse("enquiry-new"),
        {
            "account": account.pk,
            "received_on_0": "31",
            "received_on_1": "2",
            "received_on_2": "2025",
            "received_time": "25:99",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Date received must be a real date" in page
    assert "Enter the time as hours and minutes" in page
    assert "Select how the enquiry arrived" in page
    assert not Enquiry.objects.exists()
