"""Django admin keeps the site's limits on what people type (issue 11 item 25).

The pages use ``InputLimitsMixin``; the admin forms of the council's own models do too, so 100 kB of
text or a date in the year 1 is refused there as well. Each refusal is tried beside the same
request with sensible values, which saves.
"""

from __future__ import annotations

import pytest

from accounts_register.models import DirectorPermission, UsageStatement
from monitoring.models import Enquiry
from operations.models import DecidedCampaign
from tests.factories import AccountFactory, EnquiryFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG = "x" * 100_000


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.mark.parametrize(("text", "saved"), [("Use it well.", 1), (LONG, 0)])
def test_usage_statement_text_has_a_limit(client, superuser, text, saved):
    client.force_login(superuser)

    client.post(
        "/admin/accounts_register/usagestatement/add/",
        {"version": "3", "text": text, "published_at_0": "2026-01-05", "published_at_1": "09:00:00"},
    )

    assert UsageStatement.objects.filter(version=3).count() == saved


@pytest.mark.parametrize(("day", "saved"), [("2026-02-02", 1), ("0001-01-01", 0)])
def test_decided_campaign_dates_have_a_range(client, superuser, day, saved):
    client.force_login(superuser)

    client.post(
        "/admin/operations/decidedcampaign/add/",
        {"name": "Save the Chase", "decided_by": "cabinet", "decided_on": day, "minute_reference": ""},
    )

    assert DecidedCampaign.objects.count() == saved


@pytest.mark.parametrize(("day", "saved"), [("2026-02-02", 1), ("0001-01-01", 0)])
def test_director_permission_dates_have_a_range(client, superuser, director, officer, day, saved):
    client.force_login(superuser)

    client.post(
        "/admin/accounts_register/directorpermission/add/",
        {
            "person": str(officer.pk),
            "platforms": '["x"]',
            "granted_by": str(director.pk),
            "granted_on": day,
            "document_reference": "DP-1",
        },
    )

    assert DirectorPermission.objects.count() == saved


def test_an_enquiry_is_not_added_in_admin(client, superuser, service):
    """An enquiry is recorded on the inbox's page, by the API or by an import, where its deadline is
    computed from the working calendar (000 §25); admin has no deadline to give it (it was a 500)."""
    account = AccountFactory(service=service)
    client.force_login(superuser)

    response = client.post(
        "/admin/monitoring/enquiry/add/",
        {
            "account": str(account.pk),
            "platform_id": "e-1",
            "received_at_0": "2026-02-02",
            "received_at_1": "10:00:00",
            "author": "resident",
            "text": "Is it open?",
            "channel": "comment",
        },
    )

    assert response.status_code == 403
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize(("text", "kept"), [("Is the tip open?", True), (LONG, False)])
def test_enquiry_text_has_a_limit_in_admin(client, superuser, service, text, kept):
    enquiry = EnquiryFactory(account=AccountFactory(service=service))
    client.force_login(superuser)

    client.post(
        f"/admin/monitoring/enquiry/{enquiry.pk}/change/",
        {
            "account": str(enquiry.account_id),
            "platform_id": enquiry.platform_id,
            "received_at_0": f"{enquiry.received_at:%Y-%m-%d}",
            "received_at_1": f"{enquiry.received_at:%H:%M:%S}",
            "author": enquiry.author,
            "text": text,
            "channel": enquiry.channel,
            "first_response_working_seconds": "",
            "closed_at_0": "",
            "closed_at_1": "",
            "no_response_reason": "",
        },
    )

    enquiry.refresh_from_db()
    assert (enquiry.text == text) is kept
