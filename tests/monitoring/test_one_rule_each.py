"""Each monitoring rule is written once and every page agrees with the check (issue 11 item 19)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts_register.models import AccountKind, SocialMediaAccount
from business_cases.selectors import working_days_between
from councilsocial.calendar.rules import deadline_in_words
from councilsocial.flags.models import FlagKind, GovernanceFlag
from monitoring import checks
from monitoring.models import Enquiry
from tests.factories import AccountFactory, EnquiryFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)  # a Tuesday


def test_an_enquiry_due_exactly_now_is_not_yet_overdue_anywhere(client, officer, service):
    account = AccountFactory(service=service)
    enquiry = EnquiryFactory(account=account, received_at=NOW - timedelta(hours=2))
    Enquiry.objects.filter(pk=enquiry.pk).update(response_due_at=NOW)
    client.force_login(officer)

    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("inbox")).content.decode()

    assert not Enquiry.objects.overdue(now=NOW).exists()
    assert "overdue" not in deadline_in_words(NOW, NOW)
    assert 'govuk-tag--red">Overdue' not in page


def test_an_enquiry_a_moment_past_due_is_overdue_everywhere(client, officer, service):
    account = AccountFactory(service=service)
    enquiry = EnquiryFactory(account=account, received_at=NOW - timedelta(hours=2))
    Enquiry.objects.filter(pk=enquiry.pk).update(response_due_at=NOW - timedelta(seconds=1))
    client.force_login(officer)

    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("inbox")).content.decode()

    assert Enquiry.objects.overdue(now=NOW).exists()
    assert "overdue" in deadline_in_words(NOW - timedelta(seconds=1), NOW)
    assert 'govuk-tag--red">Overdue' in page


def test_the_days_a_case_has_waited_are_the_councils_working_days():
    # Thursday before Easter to the Tuesday after: Good Friday and Easter Monday are bank holidays,
    # so only Thursday itself has passed as a working day (the reminders count the same way).
    start = datetime(2025, 4, 17, 11, 0, tzinfo=UTC)
    end = datetime(2025, 4, 22, 11, 0, tzinfo=UTC)

    assert working_days_between(start, end) == 1


def test_the_dashboard_posting_table_agrees_with_the_check(client, comms, service):
    # A corporate account registered two days ago, with no posts: too new to judge.
    young = AccountFactory(service=service, kind=AccountKind.CORPORATE, platform="instagram")
    SocialMediaAccount.objects.filter(pk=young.pk).update(created_at=NOW - timedelta(days=2))
    checks.check_posting_guideline(now=NOW)
    client.force_login(comms)

    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("dashboard")).content.decode()
        response = client.get(reverse("dashboard"), {"export": "posting"})
        rows = b"".join(response.streaming_content).decode("utf-8-sig")

    assert not GovernanceFlag.objects.open().filter(kind=FlagKind.POSTING_BELOW_GUIDELINE).exists()
    assert young.display_name not in rows
    assert "registered at least" in page  # the page says what it counts
