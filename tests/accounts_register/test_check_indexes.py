"""Every governance check of the register reads its subjects through an index named for its job
(STYLE 8): the password-rotation, account-review and access-review checks.

The plans are read with EXPLAIN on a few thousand rows, analysed, most of them not due, so the
planner chooses as it would on a council's register; a check whose index is missing or unusable gets
a sequential scan here and the test fails.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from accounts_register.checks import account_review_overdue, credentials_not_rotated
from accounts_register.models import (
    AccessRole,
    AccessStatus,
    AccountStatus,
    AuthorisedUser,
    SocialMediaAccount,
)
from accounts_register.services import temporary_access_overdue
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 1, 14)
ROWS = 4000


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def register():
    """4,000 accounts, nearly all kept up (recent password, review to come) or not live, and
    4,000 access grants, nearly all ended or not yet due; analysed."""
    recent, later = TODAY - timedelta(days=10), TODAY + timedelta(days=200)
    template = AccountFactory(password_changed_on=recent, review_date=later)
    accounts = [
        SocialMediaAccount(
            platform=template.platform,
            handle=f"ccdc_bulk{i}",
            url=f"https://x.com/ccdc_bulk{i}",
            display_name=f"Bulk {i}",
            service_id=template.service_id,
            status=AccountStatus.CLOSED if i % 4 == 3 else AccountStatus.ACTIVE,
            password_changed_on=recent,
            review_date=later,
        )
        for i in range(ROWS)
    ]
    # A few are due, so each check has something to find.
    for account in [a for a in accounts if a.status == AccountStatus.ACTIVE][:5]:
        account.password_changed_on = None
        account.review_date = TODAY - timedelta(days=1)
    SocialMediaAccount.objects.bulk_create(accounts)
    person, granter = UserFactory(), UserFactory()
    granted_at = datetime(2024, 1, 1, tzinfo=UTC)
    AuthorisedUser.objects.bulk_create(
        AuthorisedUser(
            account=account,
            person=person,
            role=AccessRole.EDITOR,
            granted_by=granter,
            granted_at=granted_at,
            review_date=TODAY - timedelta(days=1) if n < 5 else later,
            status=AccessStatus.CURRENT if n < 200 else AccessStatus.ENDED,
            ended_at=None if n < 200 else granted_at,
        )
        for n, account in enumerate(SocialMediaAccount.objects.order_by("pk"))
    )
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{SocialMediaAccount._meta.db_table}", "{AuthorisedUser._meta.db_table}"')


@pytest.mark.parametrize(
    ("job", "subjects", "index"),
    [
        (
            "check_credentials_not_rotated",
            lambda: credentials_not_rotated(today=TODAY),
            "account_password_rotation_idx",
        ),
        (
            "check_account_review_overdue",
            lambda: account_review_overdue(today=TODAY),
            "account_review_due_idx",
        ),
        ("check_temporary_access", lambda: temporary_access_overdue(today=TODAY), "access_open_review_idx"),
        ("check_temporary_access", lambda: temporary_access_overdue(today=TODAY), "access_open_expiry_idx"),
    ],
)
def test_each_register_check_reads_its_subjects_through_the_index_named_for_it(
    register, job, subjects, index
):
    plan = plan_of(subjects())

    assert index in plan, f"{job} does not use {index}:\n{plan}"
    assert "Seq Scan" not in plan, plan


def test_the_checks_find_what_is_due(register):
    assert credentials_not_rotated(today=TODAY).count() == 5
    assert account_review_overdue(today=TODAY).count() == 5
    assert temporary_access_overdue(today=TODAY).count() == 5
