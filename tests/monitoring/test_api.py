"""The monitoring API: enquiries, responses, posts and flags (issue 6 item 4a)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts_register.models import SocialMediaAccount
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.flags.services import flags_reconcile
from councilsocial.flags.tasks import run_governance_check
from councilsocial.notifications.models import Notification
from monitoring.models import Enquiry, Post, ResponsePolicy
from tests.celery_helpers import broker
from tests.factories import AccountFactory, EnquiryFactory

NOW = datetime(2025, 1, 14, 10, 30, tzinfo=UTC)  # a Tuesday, within office hours

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def account(service):
    return AccountFactory(service=service)


@pytest.fixture
def other_account(other_service):
    return AccountFactory(service=other_service)


def enquiry_data(for_account, **overrides):
    return {
        "account": for_account.pk,
        "platform_id": "1879000000000000001",
        "received_at": "2025-01-14T10:00:00+00:00",
        "author": "resident42",
        "text": "Is the Chase road closed today?",
        "channel": "comment",
        **overrides,
    }


# --- POST /api/enquiries/ ---------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["officer", "manager", "comms"])
def test_an_enquiry_is_created_with_its_deadline(persona, account, request):
    response = client_for(request.getfixturevalue(persona)).post(
        "/api/enquiries/", enquiry_data(account), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["response_due_at"] == "2025-01-14T17:00:00Z"
    assert body["response_policy"] == "working_day"
    assert body["status"] == "open"
    assert Enquiry.objects.get().response_due_at == datetime(2025, 1, 14, 17, tzinfo=UTC)


def test_the_same_account_and_platform_id_again_returns_the_stored_record_unchanged(officer, account):
    client = client_for(officer)
    first = client.post("/api/enquiries/", enquiry_data(account), format="json").json()

    again = client.post(
        "/api/enquiries/",
        enquiry_data(account, text="Edited text", received_at="2025-01-14T08:00:00+00:00"),
        format="json",
    )

    assert again.status_code == 200
    assert again.json() == first
    assert Enquiry.objects.count() == 1


def test_the_same_platform_id_on_another_account_is_another_enquiry(comms, account, other_account):
    client = client_for(comms)
    client.post("/api/enquiries/", enquiry_data(account), format="json")

    response = client.post("/api/enquiries/", enquiry_data(other_account), format="json")

    assert response.status_code == 201
    assert Enquiry.objects.count() == 2


def test_a_fixed_hours_policy_gives_the_deadline(officer, account):
    ResponsePolicy.objects.create(account=account, fixed_hours=48, reason="Online community (003 D8.3)")

    body = client_for(officer).post("/api/enquiries/", enquiry_data(account), format="json").json()

    assert body["response_due_at"] == "2025-01-16T10:00:00Z"
    assert body["response_policy"] == "fixed_hours:48"


def test_a_list_of_enquiries_is_created_in_order(officer, account):
    items = [enquiry_data(account, platform_id=f"id-{n}") for n in range(5)]

    response = client_for(officer).post("/api/enquiries/", items, format="json")

    assert response.status_code == 201
    assert [row["platform_id"] for row in response.json()] == [f"id-{n}" for n in range(5)]
    assert Enquiry.objects.count() == 5


def test_a_list_repeating_known_enquiries_is_200_and_creates_nothing(officer, account):
    client = client_for(officer)
    items = [enquiry_data(account, platform_id=f"id-{n}") for n in range(3)]
    client.post("/api/enquiries/", items, format="json")

    response = client.post("/api/enquiries/", items, format="json")

    assert response.status_code == 200
    assert Enquiry.objects.count() == 3


def test_a_list_with_one_bad_item_is_400_and_writes_nothing(officer, account):
    items = [enquiry_data(account, platform_id=f"id-{n}") for n in range(3)]
    items[1]["channel"] = "carrier_pigeon"

    response = client_for(officer).post("/api/enquiries/", items, format="json")

    assert response.status_code == 400
    assert response.json() == {"1": {"channel": ['"carrier_pigeon" is not a valid choice.']}}
    assert Enquiry.objects.count() == 0


def test_a_list_of_one_thousand_is_accepted(comms, account):
    items = [enquiry_data(account, platform_id=f"id-{n}") for n in range(1000)]

    response = client_for(comms).post("/api/enquiries/", items, format="json")

    assert response.status_code == 201
    assert Enquiry.objects.count() == 1000


def test_a_list_over_one_thousand_is_refused(comms, account):
    items = [enquiry_data(account, platform_id=f"id-{n}") for n in range(1001)]

    response = client_for(comms).post("/api/enquiries/", items, format="json")

    assert response.status_code == 400
    assert "at most 1000" in response.json()["non_field_errors"][0]
    assert Enquiry.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("account", "abc", "A valid integer is required."),
        ("account", 999999, "There is no account with id 999999."),
        ("account", None, "This field may not be null."),
        ("platform_id", "", "This field may not be blank."),
        ("platform_id", "x" * 201, "Ensure this field has no more than 200 characters."),
        ("received_at", "yesterday", "Enter a date and time in ISO 8601 format"),
        ("received_at", "2025-01-14T10:00:00", "Give the time with its UTC offset"),
        ("received_at", "2025-02-01T10:00:00+00:00", "The time cannot be in the future."),
        ("author", "a" * 201, "Ensure this field has no more than 200 characters."),
        ("text", ["not", "text"], "Not a valid string."),
        ("channel", "letter", '"letter" is not a valid choice.'),
    ],
)
def test_each_invalid_field_is_400_with_its_message(field, value, message, officer, account):
    response = client_for(officer).post(
        "/api/enquiries/", enquiry_data(account, **{field: value}), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)
    assert Enquiry.objects.count() == 0


@pytest.mark.parametrize("field", ["account", "platform_id", "received_at", "channel"])
def test_each_required_field_missing_is_400(field, officer, account):
    data = enquiry_data(account)
    del data[field]

    response = client_for(officer).post("/api/enquiries/", data, format="json")

    assert response.status_code == 400
    assert response.json()[field] == ["This field is required."]


@pytest.mark.parametrize("body", ["just text", 42, []])
def test_a_body_that_is_neither_object_nor_list_of_objects_is_400(body, officer):
    response = client_for(officer).post("/api/enquiries/", body, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_service_token_cannot_send_for_another_services_account(officer, other_account):
    response = client_for(officer).post("/api/enquiries/", enquiry_data(other_account), format="json")

    assert response.status_code == 400
    assert "belongs to another service" in response.json()["account"][0]
    assert Enquiry.objects.count() == 0


@pytest.mark.parametrize("persona", ["director", "outsider"])
def test_people_outside_the_service_cannot_send_enquiries(persona, account, request):
    response = client_for(request.getfixturevalue(persona)).post(
        "/api/enquiries/", enquiry_data(account), format="json"
    )

    assert response.status_code == 400
    assert Enquiry.objects.count() == 0


def test_a_missing_token_is_401(account):
    response = APIClient().post("/api/enquiries/", enquiry_data(account), format="json")

    assert response.status_code == 401
    assert Enquiry.objects.count() == 0


def test_a_foreign_token_is_401(account):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.post("/api/enquiries/", enquiry_data(account), format="json")

    assert response.status_code == 401
    assert Enquiry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_an_enquiry_is_stored_and_the_flag_email_goes_out_later(
    officer, manager, account
):
    overdue = enquiry_data(account, received_at="2025-01-10T10:00:00+00:00")  # due Fri 10 Jan 17:00
    with broker("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        response = client_for(officer).post("/api/enquiries/", overdue, format="json")

    assert response.status_code == 201
    assert response.json()["response_due_at"] == "2025-01-10T17:00:00Z"
    assert not GovernanceFlag.objects.exists() and not Notification.objects.exists()

    run_governance_check.delay("overdue_enquiries")  # the broker is back (eager in tests)

    assert GovernanceFlag.objects.get().kind == FlagKind.OVERDUE_ENQUIRY
    assert [m.to for m in mail.outbox] == [[manager.email]]


# --- POST /api/enquiries/{id}/responses/ -----------------------------------------------------------
def respond(user, enquiry, **data):
    return client_for(user).post(f"/api/enquiries/{enquiry.pk}/responses/", data, format="json")


@pytest.fixture
def enquiry(account):
    received = datetime(2025, 1, 14, 9, 30, tzinfo=UTC)
    return EnquiryFactory(account=account, received_at=received)


def test_a_holding_reply_stops_the_clock_and_keeps_the_enquiry_open(officer, enquiry):
    response = respond(officer, enquiry, responded_at="2025-01-14T10:00:00+00:00", kind="holding")

    assert response.status_code == 201, response.json()
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.met_deadline) == ("holding", True)
    assert enquiry.first_response_working_seconds == 30 * 60
    assert enquiry.closed_at is None


def test_a_full_answer_after_a_holding_reply_closes_without_restarting_the_clock(officer, enquiry):
    respond(officer, enquiry, responded_at="2025-01-14T10:00:00+00:00", kind="holding")

    response = respond(officer, enquiry, responded_at="2025-01-14T10:20:00+00:00", kind="full")

    assert response.status_code == 201
    enquiry.refresh_from_db()
    assert enquiry.status == "answered"
    assert enquiry.first_response_at == datetime(2025, 1, 14, 10, tzinfo=UTC)
    assert enquiry.closed_at == datetime(2025, 1, 14, 10, 20, tzinfo=UTC)


def test_no_response_needed_requires_a_reason(officer, enquiry):
    response = respond(officer, enquiry, responded_at="2025-01-14T10:00:00+00:00", kind="no_response_needed")

    assert response.status_code == 400
    assert "reason" in response.json()
    enquiry.refresh_from_db()
    assert enquiry.status == "open"


def test_no_response_needed_with_a_reason_closes_the_enquiry(officer, enquiry):
    response = respond(
        officer, enquiry, responded_at="2025-01-14T10:00:00+00:00", kind="no_response_needed", reason="spam"
    )

    assert response.status_code == 201
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.no_response_reason, enquiry.met_deadline) == (
        "no_response_needed",
        "spam",
        None,
    )


def test_a_response_to_a_closed_enquiry_is_400(officer, enquiry):
    respond(officer, enquiry, responded_at="2025-01-14T10:00:00+00:00", kind="full")

    response = respond(officer, enquiry, responded_at="2025-01-14T10:10:00+00:00", kind="full")

    assert response.status_code == 400
    assert response.json() == {"kind": ["This enquiry is already closed."]}


def test_a_response_before_the_enquiry_arrived_is_400(officer, enquiry):
    response = respond(officer, enquiry, responded_at="2025-01-14T09:00:00+00:00", kind="full")

    assert response.status_code == 400
    assert "responded_at" in response.json()


def test_a_late_first_response_is_recorded_as_missing_the_deadline(officer, account):
    late = EnquiryFactory(account=account, received_at=datetime(2025, 1, 10, 10, tzinfo=UTC))

    respond(officer, late, responded_at="2025-01-13T10:00:00+00:00", kind="full")

    late.refresh_from_db()
    assert late.met_deadline is False
    assert late.first_response_working_seconds == 8 * 3600  # Fri 10:00–17:00 and Mon 09:00–10:00


def test_another_services_enquiry_is_404(officer, other_account):
    theirs = EnquiryFactory(account=other_account)

    response = respond(officer, theirs, responded_at="2025-01-14T10:29:00+00:00", kind="full")

    assert response.status_code == 404


# --- POST /api/posts/ -------------------------------------------------------------------------------
def post_data(account, **overrides):
    return {
        "account": account.pk,
        "platform_id": "p-1",
        "posted_at": "2025-01-14T09:15:00+00:00",
        "kind": "original",
        **overrides,
    }


def test_a_post_moves_the_accounts_last_activity_forward_only(officer, account):
    client = client_for(officer)
    client.post("/api/posts/", post_data(account), format="json")

    response = client.post(
        "/api/posts/",
        post_data(account, platform_id="p-0", posted_at="2025-01-01T09:00:00+00:00"),
        format="json",
    )

    assert response.status_code == 201
    account.refresh_from_db()
    assert account.last_activity_at == datetime(2025, 1, 14, 9, 15, tzinfo=UTC)
    assert Post.objects.count() == 2


def test_posts_are_idempotent_on_account_and_platform_id(officer, account):
    client = client_for(officer)
    client.post("/api/posts/", [post_data(account)], format="json")

    response = client.post("/api/posts/", [post_data(account, kind="share")], format="json")

    assert response.status_code == 200
    assert Post.objects.get().kind == "original"


def test_a_post_for_another_services_account_is_400(officer, other_account):
    response = client_for(officer).post("/api/posts/", post_data(other_account), format="json")

    assert response.status_code == 400
    assert not Post.objects.exists()
    assert SocialMediaAccount.objects.get(pk=other_account.pk).last_activity_at is None


# --- GET /api/flags/ --------------------------------------------------------------------------------
@pytest.fixture
def flags(account, other_account):
    flags_reconcile(
        kind=FlagKind.CREDENTIALS_NOT_ROTATED,
        subjects=SocialMediaAccount.objects.all(),
        now=timezone.now(),
        account_field="pk",
        service_field="service_id",
    )
    flags_reconcile(
        kind=FlagKind.ACCOUNT_INACTIVE,
        subjects=SocialMediaAccount.objects.filter(pk=account.pk),
        now=timezone.now() - timedelta(days=1),
        account_field="pk",
        service_field="service_id",
    )
    flags_reconcile(
        kind=FlagKind.ACCOUNT_INACTIVE,
        subjects=SocialMediaAccount.objects.none(),
        now=timezone.now(),
    )


@pytest.mark.parametrize(
    ("persona", "query", "expected"),
    [
        ("comms", "", 2),
        ("comms", "?status=all", 3),
        ("comms", "?status=resolved", 1),
        ("comms", "?kind=account_inactive&status=all", 1),
        ("officer", "", 1),
        ("director", "", 1),
        ("outsider", "", 0),
    ],
)
def test_flags_are_listed_by_status_and_kind_for_what_the_person_may_see(
    persona, query, expected, flags, request
):
    response = client_for(request.getfixturevalue(persona)).get(f"/api/flags/{query}")

    assert response.status_code == 200
    assert response.json()["count"] == expected


@pytest.mark.parametrize("query", ["?status=closed", "?kind=nonsense"])
def test_a_bad_flag_filter_is_400(query, comms):
    response = client_for(comms).get(f"/api/flags/{query}")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "holding"}, "responded_at", "This field is required."),
        (
            {"responded_at": "soon", "kind": "holding"},
            "responded_at",
            "Enter a date and time in ISO 8601 format",
        ),
        (
            {"responded_at": "2025-01-14T10:00:00", "kind": "holding"},
            "responded_at",
            "Give the time with its UTC",
        ),
        ({"responded_at": "2025-01-14T10:00:00+00:00"}, "kind", "This field is required."),
        (
            {"responded_at": "2025-01-14T10:00:00+00:00", "kind": "shrug"},
            "kind",
            '"shrug" is not a valid choice.',
        ),
        (
            {"responded_at": "2025-01-14T10:00:00+00:00", "kind": "no_response_needed", "reason": "bored"},
            "reason",
            '"bored" is not a valid choice.',
        ),
        (
            {"responded_at": "2025-01-14T10:00:00+00:00", "kind": "full", "reason": "spam"},
            "reason",
            "A reason is only given when no response is needed.",
        ),
    ],
)
def test_each_invalid_response_field_is_400_and_records_nothing(data, field, message, officer, enquiry):
    response = respond(officer, enquiry, **data)

    assert response.status_code == 400
    assert response.json()[field][0].startswith(message)
    enquiry.refresh_from_db()
    assert enquiry.status == "open" and not enquiry.responses.exists()


def test_the_schema_describes_the_monitoring_endpoints(comms):
    response = client_for(comms).get("/api/schema/", {"format": "json"})

    schema = response.json()
    assert {"/api/enquiries/", "/api/enquiries/{id}/responses/", "/api/posts/", "/api/flags/"} <= set(
        schema["paths"]
    )
    one_or_list = schema["components"]["schemas"]["EnquiryInOrList"]["oneOf"]
    assert [option.get("type", "object") for option in one_or_list] == ["object", "array"]
