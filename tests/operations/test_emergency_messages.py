"""Each emergency email is true for the person it goes to (issue 11 item 16; 003 D9).

A named Communications officer keeps their access, so must not be told it was suspended (nor, when
it is lifted, that it was restored); an owner whose access was suspended is told so; an account's
shared mailbox is told what happened to the account's users, not to "your access".
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts_register.models import AccessRole
from councilsocial.notifications.models import Notification
from operations import services as ops
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

SUSPENDED = "your access has been suspended"
RESTORED = "Your access has been restored"


@pytest.fixture
def owners(grant, account, other_account, comms, manager):
    grant(comms, account, AccessRole.OWNER)  # a named officer who owns an account
    grant(manager, other_account, AccessRole.OWNER)


def declare(comms):
    return ops.emergency_declare(
        by=comms,
        title="Flooding in Rugeley",
        reason="Major incident.",
        holding_message="We are responding to flooding.",
        named_officers=[comms],
        now=timezone.now(),
    )


def _holding(emergency, email):
    return Notification.objects.get(dedupe_key=f"emergency:{emergency.pk}:holding:{email.lower()}")


def test_a_named_officer_is_not_told_their_access_was_suspended(comms, owners):
    emergency = declare(comms)

    body = _holding(emergency, comms.email).body

    assert SUSPENDED not in body
    assert "You are named as one of the Communications officers who may still post" in body
    assert "We are responding to flooding." in body


def test_a_suspended_owner_is_told_their_access_was_suspended(comms, manager, owners):
    emergency = declare(comms)

    assert SUSPENDED in _holding(emergency, manager.email).body


def test_a_shared_mailbox_is_told_about_the_accounts_users_not_your_access(comms, service, owners):
    AccountFactory(service=service, admin_mailbox="parks@cannockchasedc.gov.uk")
    emergency = declare(comms)

    body = _holding(emergency, "parks@cannockchasedc.gov.uk").body

    assert SUSPENDED not in body
    assert "except the named Communications officers has been suspended" in body


def test_the_all_clear_tells_only_the_suspended_that_access_is_restored(comms, manager, owners):
    emergency = declare(comms)
    ops.emergency_lift(emergency=emergency, by=comms, all_clear_message="Back to normal.", now=timezone.now())

    def all_clear(email):
        return Notification.objects.get(dedupe_key=f"emergency:{emergency.pk}:all-clear:{email.lower()}").body

    assert RESTORED in all_clear(manager.email)
    assert RESTORED not in all_clear(comms.email)
    assert "Back to normal." in all_clear(comms.email)
