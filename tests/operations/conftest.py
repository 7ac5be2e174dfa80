"""Fixtures for operations tests: access to accounts, and a clean banner cache per test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts_register.models import AccessRole, AuthorisedUser
from tests.factories import AccountFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_banner_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def grant(comms):
    """Give a person access to an account: grant(person, account, role="editor", expires_on=None)."""

    def make(person, account, role=AccessRole.EDITOR, expires_on=None):
        if role == AccessRole.TEMPORARY and expires_on is None:
            expires_on = timezone.localdate() + timedelta(days=30)
        return AuthorisedUser.objects.create(
            account=account,
            person=person,
            role=role,
            granted_by=comms,
            granted_at=timezone.now() - timedelta(days=10),
            expires_on=expires_on,
        )

    return make


@pytest.fixture
def account(service):
    return AccountFactory(service=service, handle="countryside", display_name="Cannock Chase Countryside")


@pytest.fixture
def other_account(other_service):
    return AccountFactory(service=other_service, handle="safety", display_name="Community Safety")


@pytest.fixture
def comms_colleague(db):
    from councilsocial.permissions import COMMUNICATIONS

    return UserFactory(username="comms-two", groups=[COMMUNICATIONS])
