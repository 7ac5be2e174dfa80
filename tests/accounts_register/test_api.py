"""The register API (issue 3 item 9): token authentication, per-person visibility, filters, schema."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts_register.models import AccountStatus
from accounts_register.platforms import Platform
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture
def accounts(service, other_service):
    return {
        "own": AccountFactory(platform=Platform.X, handle="ccdc_own", service=service),
        "own_fb": AccountFactory(
            platform=Platform.FACEBOOK,
            handle="ccdcown",
            url="https://www.facebook.com/ccdcown",
            service=service,
            status=AccountStatus.SUSPENDED,
        ),
        "other": AccountFactory(platform=Platform.X, handle="ccdc_other", service=other_service),
    }


def _handles(response):
    return sorted(item["handle"] for item in response.json()["results"])


# Who sees which accounts: their own service's, their directorate's, or all for Communications.
VISIBLE = {
    "officer": ["ccdc_own", "ccdcown"],
    "manager": ["ccdc_own", "ccdcown"],
    "director": ["ccdc_own", "ccdcown"],
    "comms": ["ccdc_other", "ccdc_own", "ccdcown"],
    "outsider": [],
}


@pytest.mark.parametrize(("persona", "expected"), VISIBLE.items())
def test_the_list_shows_only_the_accounts_a_person_may_see(api, request, accounts, persona, expected):
    response = _as(api, request.getfixturevalue(persona)).get("/api/accounts/")

    assert response.status_code == 200
    assert _handles(response) == expected


@pytest.mark.parametrize("persona", ["officer", "director", "outsider"])
def test_an_account_of_another_service_is_a_404(api, request, accounts, persona):
    response = _as(api, request.getfixturevalue(persona)).get(f"/api/accounts/{accounts['other'].pk}/")

    assert response.status_code == 404


def test_an_account_of_ones_own_service_is_returned_without_credentials_custody(api, officer, accounts):
    response = _as(api, officer).get(f"/api/accounts/{accounts['own'].pk}/")

    data = response.json()
    assert response.status_code == 200
    assert data["handle"] == "ccdc_own"
    assert data["display_handle"] == "@ccdc_own"
    assert data["service"]["name"] == "Countryside Service"
    assert data["service"]["directorate"] == "Place and Economy"
    for private in ("vault_reference", "recovery_contact", "internal_notes", "password_changed_on"):
        assert private not in data


def test_without_a_token_the_api_refuses(api, accounts):
    assert api.get("/api/accounts/").status_code == 401
    assert api.get(f"/api/accounts/{accounts['own'].pk}/").status_code == 401


def test_a_wrong_token_is_refused(api, accounts):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api.get("/api/accounts/").status_code == 401


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"platform": "facebook"}, ["ccdcown"]),
        ({"status": "suspended"}, ["ccdcown"]),
        ({"status": "active", "platform": "x"}, ["ccdc_other", "ccdc_own"]),
    ],
)
def test_the_list_filters_by_platform_and_status(api, comms, accounts, query, expected):
    assert _handles(_as(api, comms).get("/api/accounts/", query)) == expected


def test_the_list_filters_by_service(api, comms, accounts, other_service):
    response = _as(api, comms).get("/api/accounts/", {"service": other_service.pk})

    assert _handles(response) == ["ccdc_other"]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"platform": "myspace"}, "platform"), ({"status": "gone"}, "status"), ({"service": "x"}, "service")],
)
def test_a_bad_filter_is_a_clear_400(api, comms, accounts, query, field):
    response = _as(api, comms).get("/api/accounts/", query)

    assert response.status_code == 400
    assert field in response.json()


def test_the_api_is_read_only(api, comms, accounts):
    client = _as(api, comms)

    assert client.post("/api/accounts/", {"handle": "x"}).status_code == 405
    assert client.delete(f"/api/accounts/{accounts['own'].pk}/").status_code == 405


@pytest.mark.parametrize("count", [10, 1000])
def test_the_list_runs_a_fixed_number_of_queries(api, comms, service, count, django_assert_max_num_queries):
    AccountFactory.create_batch(count, service=service)
    client = _as(api, comms)

    with django_assert_max_num_queries(5):
        response = client.get("/api/accounts/", {"limit": 1000})

    assert response.json()["count"] == count


def test_the_endpoints_are_in_the_openapi_schema(client):
    response = client.get(reverse("api-schema"))
    schema = yaml.safe_load(response.content)

    assert "/api/accounts/" in schema["paths"]
    assert "/api/accounts/{id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/accounts/"]["get"]["parameters"]}
    assert {"platform", "service", "status", "limit", "offset"} <= parameters
    assert "tokenAuth" in schema["components"]["securitySchemes"]
