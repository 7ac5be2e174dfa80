"""The governance checks: each raises, does not duplicate, and resolves when its condition clears."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from accounts_register import checks as register_checks
from accounts_register.models import AccountKind, AccountStatus, SocialMediaAccount
from councilsocial.flags import registry
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.flags.services import flags_send_digest
from councilsocial.notifications.models import Notification
from monitoring import checks
from monitoring.models import Enquiry
from monitoring.services import enquiry_record_response, posts_ingest
from operations import checks as operations_checks
from operations.models import PolicyVersion
from tests.factories import AccountFactory, EnquiryFactory, PostFactory
from tests.operations.policy import policy_version

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)  # a Tuesday
TODAY = date(2025, 6, 10)

pytestmark = pytest.mark.django_db


def open_flags(kind):
    return list(GovernanceFlag.objects.open().filter(kind=kind).values_list("subject_id", flat=True))


@pytest.fixture
def account(service):
    return AccountFactory(
        service=service,
        password_changed_on=TODAY,
        review_date=TODAY + timedelta(days=200),
        kind=AccountKind.DEPARTMENTAL,
    )


def make_old(account, days=60):
    SocialMediaAccount.objects.filter(pk=account.pk).update(created_at=NOW - timedelta(days=days))


# --- each check: raises / no duplicate / resolves ------------------------------------------------
def overdue_setup(account):
    enquiry = EnquiryFactory(account=account, received_at=NOW - timedelta(days=2))
    return enquiry, lambda: enquiry_record_response(
        enquiry=enquiry, kind="holding", responded_at=NOW, now=NOW
    )


def inactive_setup(account):
    make_old(account)
    post = {"account": account.pk, "platform_id": "p-1", "posted_at": NOW - timedelta(hours=1)}
    return account, lambda: posts_ingest(items=[post], now=NOW)


def posting_setup(account):
    SocialMediaAccount.objects.filter(pk=account.pk).update(kind=AccountKind.CORPORATE, platform="instagram")
    make_old(account)
    PostFactory(account=account, posted_at=NOW - timedelta(days=2))

    def clear():
        PostFactory(account=account, posted_at=NOW - timedelta(days=1))

    return account, clear


def credentials_setup(account):
    SocialMediaAccount.objects.filter(pk=account.pk).update(password_changed_on=TODAY - timedelta(days=91))
    return account, lambda: SocialMediaAccount.objects.filter(pk=account.pk).update(password_changed_on=TODAY)


def review_setup(account):
    SocialMediaAccount.objects.filter(pk=account.pk).update(review_date=TODAY - timedelta(days=1))
    return account, lambda: SocialMediaAccount.objects.filter(pk=account.pk).update(
        review_date=TODAY + timedelta(days=365)
    )


def policy_setup(account):
    version = policy_version(reviewed_on=date(2024, 12, 10))  # six months ago today
    return version, lambda: PolicyVersion.objects.filter(pk=version.pk).update(reviewed_on=TODAY)


CASES = [
    (checks.check_overdue_enquiries, FlagKind.OVERDUE_ENQUIRY, overdue_setup),
    (checks.check_inactive_accounts, FlagKind.ACCOUNT_INACTIVE, inactive_setup),
    (checks.check_posting_guideline, FlagKind.POSTING_BELOW_GUIDELINE, posting_setup),
    (register_checks.check_credentials_not_rotated, FlagKind.CREDENTIALS_NOT_ROTATED, credentials_setup),
    (register_checks.check_account_review_overdue, FlagKind.ACCOUNT_REVIEW_OVERDUE, review_setup),
    (operations_checks.check_policy_review_due, FlagKind.POLICY_REVIEW_DUE, policy_setup),
]
IDS = [kind.value for _, kind, _ in CASES]


@pytest.mark.parametrize(("check", "kind", "setup"), CASES, ids=IDS)
def test_a_check_raises_a_flag_for_its_subject(check, kind, setup, account):
    subject, _ = setup(account)

    changes = check(now=NOW)

    assert open_flags(kind) == [subject.pk]
    assert len(changes.raised) == 1


@pytest.mark.parametrize(("check", "kind", "setup"), CASES, ids=IDS)
def test_running_a_check_twice_keeps_one_flag(check, kind, setup, account):
    setup(account)
    check(now=NOW)

    again = check(now=NOW + timedelta(minutes=5))

    assert again.raised == [] and again.resolved == 0
    assert GovernanceFlag.objects.filter(kind=kind).count() == 1


@pytest.mark.parametrize(("check", "kind", "setup"), CASES, ids=IDS)
def test_a_flag_resolves_when_its_condition_clears(check, kind, setup, account):
    _, clear = setup(account)
    check(now=NOW)

    clear()
    changes = check(now=NOW + timedelta(minutes=5))

    assert changes.resolved == 1
    assert open_flags(kind) == []


@pytest.mark.parametrize(("check", "kind", "setup"), CASES, ids=IDS)
def test_a_check_leaves_a_compliant_account_alone(check, kind, setup, account):
    _, clear = setup(account)
    clear()

    check(now=NOW)

    assert open_flags(kind) == []


def test_the_overdue_check_ignores_an_enquiry_not_yet_due(account):
    EnquiryFactory(account=account, received_at=NOW - timedelta(hours=1))  # due 17:00 BST today

    checks.check_overdue_enquiries(now=NOW)

    assert open_flags(FlagKind.OVERDUE_ENQUIRY) == []


def test_the_overdue_flag_carries_the_account_and_service(account):
    EnquiryFactory(account=account, received_at=NOW - timedelta(days=2))

    checks.check_overdue_enquiries(now=NOW)

    flag = GovernanceFlag.objects.get()
    assert (flag.account_id, flag.service_id) == (account.pk, account.service_id)


def test_inactivity_only_counts_active_accounts(account):
    make_old(account)
    account.suspend()
    account.save()

    checks.check_inactive_accounts(now=NOW)

    assert open_flags(FlagKind.ACCOUNT_INACTIVE) == []


def test_an_account_that_never_changed_its_password_is_flagged(account):
    SocialMediaAccount.objects.filter(pk=account.pk).update(password_changed_on=None)

    register_checks.check_credentials_not_rotated(now=NOW)

    assert open_flags(FlagKind.CREDENTIALS_NOT_ROTATED) == [account.pk]


def test_x_needs_seven_original_posts_a_week(account):
    SocialMediaAccount.objects.filter(pk=account.pk).update(kind=AccountKind.CORPORATE, platform="x")
    make_old(account)
    for day in range(6):
        PostFactory(account=account, posted_at=NOW - timedelta(days=day, hours=1))
    PostFactory(account=account, posted_at=NOW - timedelta(hours=2), kind="share")  # shares do not count

    checks.check_posting_guideline(now=NOW)
    assert open_flags(FlagKind.POSTING_BELOW_GUIDELINE) == [account.pk]

    PostFactory(account=account, posted_at=NOW - timedelta(hours=3))
    checks.check_posting_guideline(now=NOW)
    assert open_flags(FlagKind.POSTING_BELOW_GUIDELINE) == []


def test_departmental_accounts_have_no_posting_guideline(account):
    make_old(account)

    checks.check_posting_guideline(now=NOW)

    assert open_flags(FlagKind.POSTING_BELOW_GUIDELINE) == []


# --- registry and command ---------------------------------------------------------------------------
def test_every_app_registers_its_checks_at_start_up():
    assert set(registry.checks()) == {
        "overdue_enquiries",
        "inactive_accounts",
        "posting_guideline",
        "credentials_not_rotated",
        "account_review_overdue",
        "policy_review_due",
        "waiting_business_cases",
        "risk_reviews_overdue",
        "temporary_access",
        "accounts_without_owner",
        "connection_failing",
    }


def test_two_checks_cannot_share_a_name():
    with pytest.raises(ValueError, match="overdue_enquiries"):
        registry.register("overdue_enquiries", checks.check_inactive_accounts)


def test_run_governance_checks_prints_what_it_raised_and_resolved(account, capsys):
    EnquiryFactory(account=account, received_at=NOW - timedelta(days=2))

    call_command("run_governance_checks", "--at", NOW.isoformat())

    out = capsys.readouterr().out
    assert "overdue_enquiries: raised 1, resolved 0" in out
    assert "Digest emails written:" in out


def test_run_governance_checks_refuses_a_bad_time():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("run_governance_checks", "--at", "next tuesday")


# --- digests ----------------------------------------------------------------------------------------
def test_new_flags_go_to_the_services_managers_and_communications_as_one_email_each(
    account, manager, officer, comms
):
    EnquiryFactory(account=account, received_at=NOW - timedelta(days=2))
    EnquiryFactory(account=account, received_at=NOW - timedelta(days=3))
    checks.check_overdue_enquiries(now=NOW)

    written = flags_send_digest(now=NOW)

    assert written == 2
    recipients = sorted(Notification.objects.values_list("to", flat=True))
    assert recipients == sorted([manager.email, comms.email])
    assert "2 new governance flags" in Notification.objects.first().subject
    assert f"/services/{account.service_id}/dashboard/" in Notification.objects.get(to=manager.email).body
    assert "/dashboard/" in Notification.objects.get(to=comms.email).body


def test_a_second_digest_sends_nothing_more(account, manager, comms):
    EnquiryFactory(account=account, received_at=NOW - timedelta(days=2))
    checks.check_overdue_enquiries(now=NOW)
    flags_send_digest(now=NOW)

    assert flags_send_digest(now=NOW + timedelta(minutes=5)) == 0
    assert Notification.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_checks_and_digests_at_once_create_no_duplicate_flag_or_email(account, manager, comms):
    """Two workers on PostgreSQL run the overdue check and the digest at the same moment."""
    assert connection.vendor == "postgresql"
    for days in (2, 3, 4):
        EnquiryFactory(account=account, received_at=NOW - timedelta(days=days))
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            registry.governance_check_run(name="overdue_enquiries", now=NOW)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert GovernanceFlag.objects.filter(kind=FlagKind.OVERDUE_ENQUIRY).count() == 3
    assert Notification.objects.count() == 2  # the manager and Communications, once each
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, comms.email])
    assert Enquiry.objects.count() == 3


def test_accounts_of_an_inactive_status_are_not_flagged_for_review(account):
    SocialMediaAccount.objects.filter(pk=account.pk).update(
        review_date=TODAY - timedelta(days=1), status=AccountStatus.CLOSED
    )

    register_checks.check_account_review_overdue(now=NOW)

    assert open_flags(FlagKind.ACCOUNT_REVIEW_OVERDUE) == []


def test_every_check_has_a_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    scheduled = set(
        PeriodicTask.objects.filter(task="flags.run_governance_check").values_list("args", flat=True)
    )

    assert scheduled == {f'["{name}"]' for name in registry.checks()}
    overdue = PeriodicTask.objects.get(name="flags.check.overdue_enquiries")
    assert (overdue.interval.every, overdue.interval.period) == (5, "minutes")


@pytest.mark.parametrize("name", list(registry.checks()))
def test_the_task_runs_each_registered_check(name):
    from councilsocial.flags.tasks import run_governance_check

    result = run_governance_check.delay(name).get()

    assert result["check"] == name
