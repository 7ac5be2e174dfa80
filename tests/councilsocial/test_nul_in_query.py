"""A NUL character in a query parameter is a clear 400, never a 500 (issue 11 item 13).

PostgreSQL refuses NUL in text, so a view that passes a query parameter to the database unchecked
failed with a server error. The refusal happens once, before any view runs.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

# The three pages of the report, and other list pages that read a query parameter.
URLS_WITH_NUL = [
    "/register/check/?q=%00",
    "/register/check/?q=CannockChaseDC%00",
    "/accounts/?q=%00",
    "/access/?q=%00",
    "/accounts/?q=parks&platform=%00",
    "/business-cases/?q=%00",
    "/risk-assessments/?q=%00",
    "/inbox/?q=%00",
    "/flags/?q=%00",
    "/register/?q=%00",
    "/accounts/?%00=x",
]


@pytest.fixture(params=["signed out", "officer", "comms", "administrator"])
def visitor(request, client):
    if request.param != "signed out":
        client.force_login(request.getfixturevalue(request.param))
    return client


@pytest.mark.parametrize("url", URLS_WITH_NUL)
def test_a_nul_in_a_query_is_a_plain_400(visitor, url, service):
    response = visitor.get(url)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The address you used contains a character that is not allowed" in page
    assert "Traceback" not in page


def test_a_query_without_nul_is_answered_as_before(client):
    response = client.get("/register/check/", {"q": "@CannockChaseDC"})

    assert response.status_code == 200


def test_the_api_refuses_a_nul_in_json(client, comms):
    client.force_login(comms)

    response = client.get("/api/accounts/?platform=%00")

    assert response.status_code == 400
    assert "not allowed" in response.json()["detail"]
