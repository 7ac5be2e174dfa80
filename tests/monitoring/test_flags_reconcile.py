"""flags_reconcile: set-based raising and resolving of governance flags."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts_register.models import SocialMediaAccount
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.flags.services import flags_reconcile
from tests.factories import AccountFactory

KIND = FlagKind.CREDENTIALS_NOT_ROTATED


def reconcile(queryset):
    return flags_reconcile(
        kind=KIND, subjects=queryset, now=timezone.now(), account_field="pk", service_field="service_id"
    )


@pytest.mark.django_db
def test_a_flag_is_raised_for_each_subject_with_its_account_and_service():
    flagged, fine = AccountFactory(mfa_enabled=False), AccountFactory(mfa_enabled=True)

    changes = reconcile(SocialMediaAccount.objects.filter(mfa_enabled=False))

    flag = GovernanceFlag.objects.get()
    assert changes.raised == [flag.pk]
    assert (flag.subject, flag.account, flag.service) == (flagged, flagged, flagged.service)
    assert not GovernanceFlag.objects.filter(subject_id=fine.pk).exists()


@pytest.mark.django_db
def test_running_twice_keeps_one_open_flag():
    AccountFactory(mfa_enabled=False)
    reconcile(SocialMediaAccount.objects.filter(mfa_enabled=False))

    second = reconcile(SocialMediaAccount.objects.filter(mfa_enabled=False))

    assert second.raised == [] and second.resolved == 0
    assert GovernanceFlag.objects.count() == 1


@pytest.mark.django_db
def test_a_flag_resolves_itself_when_the_condition_clears_and_is_kept():
    account = AccountFactory(mfa_enabled=False)
    reconcile(SocialMediaAccount.objects.filter(mfa_enabled=False))
    SocialMediaAccount.objects.filter(pk=account.pk).update(mfa_enabled=True)

    changes = reconcile(SocialMediaAccount.objects.filter(mfa_enabled=False))

    flag = GovernanceFlag.objects.get()
    assert changes.resolved == 1
    assert flag.resolved_at is not None


@pytest.mark.django_db
def test_a_condition_that_returns_raises_a_new_flag():
    account = AccountFactory(mfa_enabled=False)
    reconcile(SocialMediaAccount.objects.filter(mfa_enabled=False))
    reconcile(SocialMediaAccount.objects.none())

    reconcile(SocialMediaAccount.objects.filter(pk=account.pk))

    assert GovernanceFlag.objects.count() == 2
    assert GovernanceFlag.objects.open().count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_raise_each_flag_once():
    assert connection.vendor == "postgresql"
    for _ in range(50):
        AccountFactory(mfa_enabled=False)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(reconcile(SocialMediaAccount.objects.filter(mfa_enabled=False)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 2
    assert sum(len(r.raised) for r in results) == 50
    assert GovernanceFlag.objects.open().count() == 50


@pytest.mark.django_db
def test_a_subject_without_account_or_service_columns_can_be_flagged():
    account = AccountFactory(mfa_enabled=False)
    changes = flags_reconcile(
        kind=KIND, subjects=SocialMediaAccount.objects.filter(pk=account.pk), now=timezone.now()
    )
    flag = GovernanceFlag.objects.get(pk=changes.raised[0])
    assert (flag.subject, flag.account, flag.service) == (account, None, None)
