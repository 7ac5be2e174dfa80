"""Bad input to the JSON API is a clear 400 and writes nothing, never a 500 (issue 11 items 20 and 23).

Every API write endpoint with a date gets the out-of-range and malformed dates of the issue; every
write endpoint gets deeply nested JSON; every paginated list gets huge, negative and non-numeric
``limit`` and ``offset`` values.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.rest import MAX_PAGE_SIZE
from monitoring.models import Enquiry, Post, Response
from tests.factories import AccountFactory, EnquiryFactory

NOW = datetime(2025, 1, 14, 10, 30, tzinfo=UTC)

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
def enquiry(account):
    return EnquiryFactory(account=account, received_at=datetime(2025, 1, 14, 9, 30, tzinfo=UTC))


def _write_endpoints(account, enquiry):
    """(url, a valid body, its date field, what a write would add to) for each API write."""
    return {
        "enquiries": (
            "/api/enquiries/",
            {
                "account": account.pk,
                "platform_id": "e-1",
                "received_at": "2025-01-14T10:00:00+00:00",
                "channel": "comment",
            },
            "received_at",
            Enquiry.objects.all,
        ),
        "posts": (
            "/api/posts/",
            {"account": account.pk, "platform_id": "p-1", "posted_at": "2025-01-14T09:15:00+00:00"},
            "posted_at",
            Post.objects.all,
        ),
        "responses": (
            f"/api/enquiries/{enquiry.pk}/responses/",
            {"responded_at": "2025-01-14T10:00:00+00:00", "kind": "holding"},
            "responded_at",
            Response.objects.all,
        ),
    }


BAD_DATES = [
    "0001-01-01T00:00:00+00:00",  # year 1: out of any sensible range, overflows time zone sums
    "1999-12-31T23:59:59+00:00",  # before the earliest date the API takes
    "2025-01-14T10:00:00+25:00",  # no such offset
    "2025-01-14T10:00:00+23:59",  # Python takes it; no place on Earth (or PostgreSQL) does
    "2025-01-14T10:00:00-15:00",
    "2024-12-31T23:59:60+00:00",  # a leap second Python cannot hold
    "2024-02-30T10:00:00+00:00",  # no such day
    "2024-13-01T10:00:00+00:00",  # no such month
    "9999-12-31T23:59:59-23:59",  # overflows when made UTC
    "9999-12-31T23:59:59-12:00",  # far in the future
    "\u0662\u0660\u0662\u0665-01-14T10:00:00+00:00",  # Arabic-Indic digits
    "2025-01-14T10:00:00+00:00\x00",
]


@pytest.mark.parametrize("endpoint", ["enquiries", "posts", "responses"])
@pytest.mark.parametrize("value", BAD_DATES)
def test_a_bad_date_is_a_400_on_its_field_and_writes_nothing(officer, account, enquiry, endpoint, value):
    url, body, field, written = _write_endpoints(account, enquiry)[endpoint]
    before = written().count()

    response = client_for(officer).post(url, {**body, field: value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]
    assert written().count() == before


@pytest.mark.parametrize("endpoint", ["enquiries", "posts", "responses"])
def test_a_date_before_2000_is_refused_with_a_sentence_saying_so(officer, account, enquiry, endpoint):
    url, body, field, _written = _write_endpoints(account, enquiry)[endpoint]

    response = client_for(officer).post(url, {**body, field: "1999-06-01T10:00:00+00:00"}, format="json")

    assert response.json()[field] == ["The time must be in the year 2000 or later."]


@pytest.mark.parametrize("endpoint", ["enquiries", "posts", "responses"])
def test_an_offset_no_place_uses_is_refused_with_a_sentence_saying_so(officer, account, enquiry, endpoint):
    url, body, field, _written = _write_endpoints(account, enquiry)[endpoint]

    response = client_for(officer).post(url, {**body, field: "2025-01-14T10:00:00+23:59"}, format="json")

    assert response.json()[field] == ["Give a UTC offset between -12:00 and +14:00."]


@pytest.mark.parametrize("endpoint", ["enquiries", "posts", "responses"])
def test_a_date_that_does_not_exist_is_refused_with_a_sentence_saying_so(officer, account, enquiry, endpoint):
    url, body, field, _written = _write_endpoints(account, enquiry)[endpoint]

    response = client_for(officer).post(url, {**body, field: "2024-02-30T10:00:00+00:00"}, format="json")

    assert response.json()[field] == ["There is no such date or time: 2024-02-30T10:00:00+00:00."]


@pytest.mark.parametrize("endpoint", ["enquiries", "posts", "responses"])
def test_the_same_body_with_a_good_date_is_written(officer, account, enquiry, endpoint):
    """The twin of the tests above: the same request with a valid date is accepted."""
    url, body, _field, written = _write_endpoints(account, enquiry)[endpoint]
    before = written().count()

    response = client_for(officer).post(url, body, format="json")

    assert response.status_code == 201
    assert written().count() == before + 1


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("endpoint", ["enquiries", "posts", "responses", "content-check"])
@pytest.mark.parametrize("depth", [10_000, 100])
def test_deeply_nested_json_is_a_400_and_writes_nothing(comms, account, enquiry, endpoint, depth):
    urls = {name: url for name, (url, *_rest) in _write_endpoints(account, enquiry).items()}
    urls["content-check"] = "/api/content-check/"
    text = _nested(depth)
    for body in (text, json.dumps({"account": account.pk, "text": "x"})[:-1] + f', "platform_id": {text}}}'):
        response = client_for(comms).post(urls[endpoint], body, content_type="application/json")

        assert response.status_code == 400
        assert "nested" in response.json()["detail"]
    assert not Enquiry.objects.exclude(pk=enquiry.pk).exists()
    assert not Post.objects.exists() and not Response.objects.exists()


def test_json_nested_as_deep_as_a_real_request_is_read(comms, account):
    body = [{"account": account.pk, "platform_id": "p-1", "posted_at": "2025-01-14T09:15:00+00:00"}]

    response = client_for(comms).post("/api/posts/", json.dumps(body), content_type="application/json")

    assert response.status_code == 201


# --- Pagination (item 23) ---------------------------------------------------------------------------
@pytest.fixture
def many(service, account):
    for _n in range(3):
        AccountFactory(service=service)
        GovernanceFlag.objects.create(
            kind=FlagKind.ACCOUNT_INACTIVE,
            subject=AccountFactory(service=service),
            account=account,
            service=service,
            raised_at=NOW,
        )


@pytest.mark.parametrize("url", ["/api/accounts/", "/api/flags/"])
@pytest.mark.parametrize(
    "query",
    [
        "limit=9223372036854775808",
        "limit=99999999999999999999999999999",
        "limit=-1",
        "limit=0",
        "limit=abc",
        "limit=1e9",
        "offset=9223372036854775808",
        "offset=-5",
        "offset=abc",
        "limit=9223372036854775807&offset=9223372036854775807",
        "limit=2&offset=9223372036854775806",
    ],
)
def test_huge_negative_or_non_numeric_paging_is_never_a_server_error(comms, many, url, query):
    response = client_for(comms).get(f"{url}?{query}")

    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert len(response.json()["results"]) <= MAX_PAGE_SIZE


@pytest.mark.parametrize("url", ["/api/accounts/", "/api/flags/"])
def test_a_limit_over_the_maximum_gives_the_maximum_page(comms, many, settings, url, monkeypatch):
    monkeypatch.setattr("councilsocial.rest.CouncilPagination.max_limit", 2)

    response = client_for(comms).get(f"{url}?limit=9223372036854775808")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert "limit=2" in response.json()["next"]


def test_the_schema_documents_the_maximum_page_size(comms):
    schema = client_for(comms).get("/api/schema/", {"format": "json"}).json()

    for url in ("/api/accounts/", "/api/flags/"):
        parameters = {p["name"]: p for p in schema["paths"][url]["get"]["parameters"]}
        assert parameters["limit"]["schema"]["maximum"] == MAX_PAGE_SIZE
        assert parameters["limit"]["schema"]["minimum"] == 1
        assert f"at most {MAX_PAGE_SIZE}" in parameters["limit"]["description"]
        assert parameters["offset"]["schema"]["minimum"] == 0


@pytest.mark.parametrize("endpoint", ["enquiries", "posts", "content-check"])
@pytest.mark.parametrize("value", [10**20, -(10**20), "99999999999999999999"])
def test_an_account_id_no_database_can_hold_is_a_400(comms, account, enquiry, endpoint, value):
    bodies = {name: body for name, (_url, body, *_rest) in _write_endpoints(account, enquiry).items()}
    bodies["content-check"] = {"text": "Our parks are open."}
    url = "/api/content-check/" if endpoint == "content-check" else f"/api/{endpoint}/"

    response = client_for(comms).post(url, {**bodies[endpoint], "account": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["account"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/enquiries/99999999999999999999/responses/"),
        ("get", "/api/accounts/99999999999999999999/"),
    ],
)
def test_an_id_in_the_address_no_database_can_hold_is_a_404(comms, method, url):
    body = {"responded_at": "2025-01-14T10:00:00+00:00", "kind": "holding"}

    response = getattr(client_for(comms), method)(url, body if method == "post" else None, format="json")

    assert response.status_code == 404
