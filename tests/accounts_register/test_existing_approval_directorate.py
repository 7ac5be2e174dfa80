"""The Director recorded as approving an existing account is the service's own (000 §6c, 001 §19; review).

Found in review: Communications could record any Corporate Director, such as the Director of another
directorate, as having approved an account, and the account could then go on the public register.
"""

from __future__ import annotations

import pytest

from accounts_register.models import SocialMediaAccount
from tests.accounts_register.test_activation_rule import propose, record_approval

pytestmark = pytest.mark.django_db


def test_the_director_of_another_directorate_cannot_be_recorded(
    client, officer, comms, service, other_service
):
    account = propose(client, officer, service)
    other_director = other_service.directorate.corporate_director

    response = record_approval(client, comms, account, other_director)

    assert response.status_code == 200
    assert "Corporate Director of Place and Economy" in response.content.decode()
    account = SocialMediaAccount.objects.get(pk=account.pk)
    assert account.approved_by is None


def test_the_services_own_director_can_be_recorded(client, officer, comms, director, service):
    account = propose(client, officer, service)

    response = record_approval(client, comms, account, director)

    assert response.status_code == 302
    assert SocialMediaAccount.objects.get(pk=account.pk).approved_by == director
