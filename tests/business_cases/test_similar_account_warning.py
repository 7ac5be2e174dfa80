"""Starting a case for an account the council already has (or nearly has) warns at once, naming
the account (000 Appendix 1: "Does anything similar already exist?"; issue 13 item 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts_register.selectors import edit_distance, handle_key, similar_accounts_by_handle
from business_cases.models import BusinessCase
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(other_service):
    return AccountFactory(
        service=other_service,
        platform="instagram",
        handle="VisitCannockChase",
        display_name="Visit Cannock Chase",
    )


def _start(client, service, handle, platform="instagram", **extra):
    return client.post(
        reverse("business-case-start"),
        {
            "service": service.pk,
            "title": "Chase walks",
            "platform": platform,
            "handle": handle,
            "kind": "departmental",
            **extra,
        },
    )


@pytest.mark.parametrize("typed", ["@VisitCannockChase", "visitcannockchase"])
def test_the_same_handle_is_refused_naming_the_account(client, officer, service, existing, typed):
    """The very handle is on the register: a case for it could never go live, so it is refused."""
    client.force_login(officer)
    response = _start(client, service, typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "is already on the register as Visit Cannock Chase" in page
    assert not BusinessCase.objects.exists()


@pytest.mark.parametrize(
    "typed",
    [
        "Visit_Cannock.Chase",
        "VisitCannockChas",
        "VisitCanockChase1",
    ],
)
def test_a_same_or_near_handle_warns_at_once_naming_the_account(client, officer, service, existing, typed):
    client.force_login(officer)
    response = _start(client, service, typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The council already has an account like this" in page
    assert "@VisitCannockChase on Instagram" in page
    assert "Visit Cannock Chase" in page and existing.service.name in page
    assert not BusinessCase.objects.exists()


def test_starting_it_anyway_after_the_warning_creates_the_case(client, officer, service, existing):
    client.force_login(officer)
    _start(client, service, "VisitCannockChas")
    response = _start(client, service, "VisitCannockChas", similar_seen="instagram:VisitCannockChas")
    assert response.status_code == 302
    assert BusinessCase.objects.get().handle == "VisitCannockChas"


def test_a_changed_handle_is_checked_again(client, officer, service, existing):
    client.force_login(officer)
    response = _start(client, service, "VisitCannockChas", similar_seen="instagram:somethingelse")
    assert "The council already has an account like this" in response.content.decode()
    assert not BusinessCase.objects.exists()


@pytest.mark.parametrize(
    ("platform", "handle"),
    [("facebook", "VisitCannockChase"), ("instagram", "ChaseRangers"), ("instagram", "VisitRugeley")],
)
def test_a_different_platform_or_handle_starts_without_a_warning(
    client, officer, service, existing, platform, handle
):
    client.force_login(officer)
    response = _start(client, service, handle, platform=platform)
    assert response.status_code == 302
    assert BusinessCase.objects.count() == 1


def test_a_closed_account_is_not_similar(existing):
    type(existing).objects.filter(pk=existing.pk).update(status="closed")
    assert similar_accounts_by_handle("instagram", "VisitCannockChase") == []


def test_handle_key_and_edit_distance():
    assert handle_key("Visit_Cannock.Chase") == handle_key("@visitcannockchase") == "visitcannockchase"
    assert edit_distance("kitten", "sitting", limit=5) == 3
    assert edit_distance("abc", "abc", limit=2) == 0
    assert edit_distance("abcdefgh", "a", limit=2) == 3  # stops early: over the limit
