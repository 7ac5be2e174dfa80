"""Reminders after 5 working days at a decision stage, and the 10-day flag to Communications."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from business_cases import services
from business_cases.models import BusinessCase, working_day_cutoff
from business_cases.selectors import working_days_between
from business_cases.tasks import send_reminders
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.notifications.models import Notification

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=LONDON)
NEXT_MONDAY = datetime(2026, 11, 9, 10, 0, tzinfo=LONDON)


# --- The working-day rule (the council's calendar, read from the database) ---------------------------
@pytest.mark.django_db
def test_five_working_days_before_a_monday_is_the_monday_before():
    assert working_day_cutoff(NEXT_MONDAY, 5) == MONDAY


@pytest.mark.django_db
def test_weekends_do_not_count():
    friday = datetime(2026, 11, 6, 10, 0, tzinfo=LONDON)
    assert working_day_cutoff(NEXT_MONDAY, 1) == friday
    assert working_days_between(friday, NEXT_MONDAY) == 1


@pytest.mark.django_db
def test_working_days_between_agrees_with_the_cutoff():
    assert working_days_between(MONDAY, NEXT_MONDAY) == 5
    assert working_days_between(MONDAY, NEXT_MONDAY - timezone.timedelta(minutes=1)) == 4


# --- The querysets --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["awaiting_director", "awaiting_comms"])
def test_a_case_waiting_five_working_days_needs_a_reminder(make_case, status):
    case = make_case(status, state_entered_at=MONDAY)
    assert list(BusinessCase.objects.needing_reminder(now=NEXT_MONDAY)) == [case]
    assert not BusinessCase.objects.needing_reminder(now=NEXT_MONDAY - timezone.timedelta(minutes=1)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "advised", "approved", "changes_requested"])
def test_a_case_not_waiting_for_a_decision_needs_no_reminder(make_case, status):
    make_case(status, state_entered_at=MONDAY)
    assert not BusinessCase.objects.needing_reminder(now=NEXT_MONDAY).exists()


# --- The job --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_reminder_goes_to_the_director_once_however_often_the_job_runs(make_case, director, officer):
    case = make_case("advised")
    services.business_case_send_to_director(case=case, by=officer, now=MONDAY)
    assert services.send_reminders(now=NEXT_MONDAY) == 1
    assert services.send_reminders(now=NEXT_MONDAY) == 0
    reminders = Notification.objects.filter(subject__startswith="Reminder")
    # The link travels as the message's secret: in the email, never in the stored body.
    assert [(n.to, "/decide/" in n.secret, "/decide/" in n.body) for n in reminders] == [
        (director.email, True, False)
    ]


@pytest.mark.django_db
def test_the_reminder_at_the_comms_stage_goes_to_communications(make_case, comms):
    make_case("awaiting_comms", state_entered_at=MONDAY)
    services.send_reminders(now=NEXT_MONDAY)
    assert list(Notification.objects.filter(subject__startswith="Reminder").values_list("to", flat=True)) == [
        comms.email
    ]


@pytest.mark.django_db
def test_a_race_with_a_stale_list_sends_one_reminder(make_case, director, monkeypatch):
    """Another worker claims the case between our read and our update: we send nothing."""
    case = make_case("awaiting_director", state_entered_at=MONDAY)
    BusinessCase.objects.filter(pk=case.pk).update(reminded_at=NEXT_MONDAY)  # the other worker's claim
    monkeypatch.setattr(
        BusinessCase.objects,
        "needing_reminder",
        lambda *, now: BusinessCase.objects.filter(pk=case.pk, reminded_at__isnull=True),
    )
    assert services.send_reminders(now=NEXT_MONDAY) == 0
    assert not Notification.objects.filter(subject__startswith="Reminder").exists()


@pytest.mark.django_db
def test_a_new_stage_gets_its_own_reminder(make_case, director, comms):
    case = make_case("awaiting_director", state_entered_at=MONDAY)
    services.send_reminders(now=NEXT_MONDAY)
    services.business_case_approve(case=case, by=director, now=NEXT_MONDAY)
    later = NEXT_MONDAY + timezone.timedelta(days=7)
    assert services.send_reminders(now=later) == 1
    assert Notification.objects.filter(subject__startswith="Reminder").count() == 2


@pytest.mark.django_db
def test_the_task_calls_the_service(make_case):
    make_case("awaiting_director", state_entered_at=timezone.now() - timezone.timedelta(days=30))
    assert send_reminders.apply().get() == {"reminded": 1}


# --- The 10-day flag ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_case_waiting_ten_working_days_is_flagged_once_and_resolved_when_decided(make_case, director):
    case = make_case("awaiting_director", state_entered_at=MONDAY)
    day_ten = NEXT_MONDAY + timezone.timedelta(days=7)
    assert services.check_waiting_cases(now=day_ten - timezone.timedelta(minutes=1)).raised == []
    assert len(services.check_waiting_cases(now=day_ten).raised) == 1
    assert services.check_waiting_cases(now=day_ten).raised == []
    flag = GovernanceFlag.objects.get(kind=FlagKind.BUSINESS_CASE_WAITING)
    assert (flag.subject_id, flag.service_id, flag.resolved_at) == (case.pk, case.service_id, None)

    services.business_case_approve(case=case, by=director, now=day_ten)
    assert services.check_waiting_cases(now=day_ten).resolved == 1
