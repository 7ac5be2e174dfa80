"""A case cannot propose an account already on the register (review).

Found in review: an officer could start a case for @CannockChaseDC on X, which is already the
council's official account; the case went through advice, the Director and Communications, and only
at "Set the account live" was it stopped. The handle is refused where it is typed, naming the account.
"""

from __future__ import annotations

import pytest

from business_cases.models import BusinessCase
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def start(client, service, handle):
    return client.post(
        "/business-cases/new/",
        {"service": service.pk, "title": "Walks", "platform": "x", "handle": handle, "kind": "departmental"},
    )


def test_a_case_for_a_handle_on_the_register_is_refused_naming_the_account(client, officer, service):
    AccountFactory(
        service=service, platform="x", handle="CannockChaseDC", display_name="Cannock Chase Council"
    )
    client.force_login(officer)

    response = start(client, service, "@cannockchasedc")

    assert response.status_code == 200
    assert "is already on the register as Cannock Chase Council" in response.content.decode()
    assert not BusinessCase.objects.exists()


def test_a_case_for_a_new_handle_is_started(client, officer, service):
    AccountFactory(service=service, platform="x", handle="CannockChaseDC")
    client.force_login(officer)

    response = start(client, service, "ChaseWalks")

    assert response.status_code == 302
    assert BusinessCase.objects.get().handle == "ChaseWalks"
