"""The public start page at "/" (issue 13 item 5; 000 §24, §25), and the lookup's answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(service):
    return AccountFactory(
        service=service, platform="x", handle="CannockChaseDC", display_name="Cannock Chase Council"
    )


def test_a_visitor_gets_the_public_start_page(client, official):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("public-register")}"' in page
    assert "See the council's 1 official account" in page
    assert f'action="{reverse("public-register-check")}"' in page
    assert "Is this account really ours?" in page
    assert "by the end of that working day" in page
    assert "by the end of the next working day" in page
    assert "Monday to Friday, 9:00am to 5:00pm" in page
    assert f'href="{reverse("login")}"' in page and ">Sign in</a>" in page
    # Words first; the policy reference only in the details.
    assert "000 §24, §25" in page.split("govuk-details__text")[1]


def test_the_start_page_shows_nothing_private(client, official):
    page = client.get("/").content.decode()
    assert "socialmedia@cannockchasedc.gov.uk" not in page  # the administering mailbox
    assert "Countryside Service" not in page


def test_staff_signed_in_get_their_work_not_the_start_page(client, officer, official):
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "What needs you now" in page
    assert "Is this account really ours?" not in page


def test_the_start_page_lookup_answers_on_the_check_page(client, official):
    response = client.get(reverse("public-register-check"), {"q": "@CannockChaseDC"})
    assert response.context["result"].official


def test_the_lookup_names_an_official_account_once(client, official):
    page = client.get(
        reverse("public-register-check"), {"q": "https://x.com/CannockChaseDC"}
    ).content.decode()
    assert "Yes, this is an official council account" in page
    assert page.count(">@CannockChaseDC<") == 1


def test_the_lookup_trims_its_echo_of_what_was_typed(client, official):
    page = client.get(reverse("public-register-check"), {"q": "   @not_the_council   "}).content.decode()
    assert "No, @not_the_council is not an official council account" in page


def test_a_long_paste_is_echoed_cut_short(client, official):
    typed = "@" + "x" * 500
    page = client.get(reverse("public-register-check"), {"q": typed}).content.decode()
    heading = page.split('govuk-notification-banner__heading">')[1].split("</p>")[0]
    assert "x" * 100 not in heading
    assert "…" in heading
