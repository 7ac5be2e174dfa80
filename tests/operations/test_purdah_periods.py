"""Purdah periods (issue 11 item 18; 003 D10): no overlaps, none already over, the instructions kept
with the period and emailed once to everyone with access in force when the period starts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts_register import services as register
from accounts_register.models import AccessEndReason, AuthorisedUser
from councilsocial.notifications.models import Notification
from operations import services as ops
from operations.models import PurdahPeriod

pytestmark = pytest.mark.django_db

INSTRUCTIONS = "Do not post anything party political. Do not name or quote councillors. Ask Communications."


def _dates(prefix: str, day) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _post(client, *, name="County elections", starts_on, ends_on, instructions=INSTRUCTIONS):
    return client.post(
        "/operations/purdah/",
        {
            "name": name,
            "elections": "Staffordshire County Council",
            "instructions": instructions,
            **_dates("starts_on", starts_on),
            **_dates("ends_on", ends_on),
        },
    )


@pytest.fixture
def people_with_access(grant, account, other_account, officer, manager):
    grant(officer, account)
    grant(manager, other_account)
    return {officer.email, manager.email}


def _purdah_emails(period):
    return Notification.objects.filter(dedupe_key__startswith=f"purdah:{period.pk}:")


def test_the_instructions_are_kept_with_the_period(client, comms):
    client.force_login(comms)
    today = timezone.localdate()

    _post(client, starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=40))

    assert PurdahPeriod.objects.get().instructions == INSTRUCTIONS


def test_a_period_without_instructions_is_refused(client, comms):
    client.force_login(comms)
    today = timezone.localdate()

    page = _post(client, starts_on=today, ends_on=today + timedelta(days=5), instructions="").content.decode()

    assert "Enter the purdah instructions" in page
    assert not PurdahPeriod.objects.exists()


def test_an_overlapping_period_is_refused(client, comms):
    client.force_login(comms)
    today = timezone.localdate()
    _post(client, starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=40))

    page = _post(
        client, name="By-election", starts_on=today + timedelta(days=40), ends_on=today + timedelta(days=50)
    ).content.decode()

    assert "overlaps" in page and "County elections" in page
    assert PurdahPeriod.objects.count() == 1


def test_a_period_that_has_already_ended_is_refused(client, comms):
    client.force_login(comms)
    today = timezone.localdate()

    page = _post(
        client, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1)
    ).content.decode()

    assert "has already ended" in page
    assert not PurdahPeriod.objects.exists()


def test_a_period_starting_today_emails_everyone_with_access_once(client, comms, people_with_access):
    client.force_login(comms)
    today = timezone.localdate()

    _post(client, starts_on=today, ends_on=today + timedelta(days=20))
    period = PurdahPeriod.objects.get()
    ops.purdah_announce_started(now=timezone.now())  # the job runs afterwards: nothing more

    emails = _purdah_emails(period)
    assert sorted(emails.values_list("to", flat=True)) == sorted(people_with_access)
    assert all(INSTRUCTIONS in email.body for email in emails)


def test_a_future_period_is_announced_by_the_job_when_it_starts_once(comms, people_with_access):
    today = timezone.localdate()
    period = ops.purdah_create(
        by=comms,
        name="County elections",
        elections="County",
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=30),
        instructions=INSTRUCTIONS,
        now=timezone.now(),
    )
    assert not _purdah_emails(period).exists()

    ops.purdah_announce_started(now=timezone.now() + timedelta(days=1))
    assert not _purdah_emails(period).exists()

    start = timezone.now() + timedelta(days=3)
    ops.purdah_announce_started(now=start)
    ops.purdah_announce_started(now=start + timedelta(minutes=15))

    assert sorted(_purdah_emails(period).values_list("to", flat=True)) == sorted(people_with_access)


def test_access_no_longer_in_force_is_not_emailed(comms, officer, manager, people_with_access):
    for access in AuthorisedUser.objects.filter(person=manager):
        register.authorised_user_end(
            access=access, by=comms, reason=AccessEndReason.REVOKED, now=timezone.now()
        )
    today = timezone.localdate()

    period = ops.purdah_create(
        by=comms,
        name="By-election",
        elections="Parish",
        starts_on=today,
        ends_on=today,
        instructions=INSTRUCTIONS,
        now=timezone.now(),
    )

    assert list(_purdah_emails(period).values_list("to", flat=True)) == [officer.email]
