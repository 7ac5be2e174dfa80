"""Enquiry services: deadlines from the stored calendar, recomputed when the calendar changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from councilsocial.calendar.models import ClosureDay, OfficeHours, WorkingCalendar
from councilsocial.calendar.selectors import calendar_current, calendar_forget
from monitoring.models import Enquiry
from monitoring.services import calendar_changed, enquiries_ingest, enquiry_record_response
from tests.factories import AccountFactory

NOW = datetime(2025, 12, 24, 18, 0, tzinfo=UTC)  # Christmas Eve, after hours

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar_forget()
    yield
    calendar_forget()


def ingest(account, platform_id="1", received_at=NOW):
    items = [
        {"account": account.pk, "platform_id": platform_id, "received_at": received_at, "channel": "mention"}
    ]
    return enquiries_ingest(items=items, now=NOW).records[0]


def test_the_migrated_calendar_is_monday_to_friday_nine_to_five_in_england():
    calendar = WorkingCalendar.objects.get()

    assert calendar.nation == "ENG"
    assert [(h.weekday, h.opens, h.closes) for h in calendar.office_hours.all()] == [
        (day, time(9), time(17)) for day in range(5)
    ]


def test_an_added_closure_day_moves_open_deadlines_and_says_how_many(service):
    account = AccountFactory(service=service)
    enquiry = ingest(account)
    assert enquiry.response_due_at == datetime(2025, 12, 29, 17, tzinfo=UTC)
    ClosureDay.objects.create(
        calendar=WorkingCalendar.objects.get(), date=date(2025, 12, 29), reason="Shutdown"
    )

    moved = calendar_changed(now=NOW)

    enquiry.refresh_from_db()
    assert moved == 1
    assert enquiry.response_due_at == datetime(2025, 12, 30, 17, tzinfo=UTC)


def test_a_calendar_change_leaves_answered_and_fixed_hours_enquiries_alone(service):
    account = AccountFactory(service=service)
    answered = ingest(account, "answered")
    enquiry_record_response(enquiry=answered, kind="holding", responded_at=NOW, now=NOW)
    ClosureDay.objects.create(calendar=WorkingCalendar.objects.get(), date=date(2025, 12, 29))

    moved = calendar_changed(now=NOW)

    answered.refresh_from_db()
    assert moved == 0
    assert answered.response_due_at == datetime(2025, 12, 29, 17, tzinfo=UTC)


def test_changed_office_hours_are_used_for_new_enquiries_after_the_change(service):
    account = AccountFactory(service=service)
    calendar_current()  # cached
    OfficeHours.objects.filter(weekday=0).update(closes=time(16))

    calendar_changed(now=NOW)
    enquiry = ingest(account, "after")

    assert enquiry.response_due_at == datetime(2025, 12, 29, 16, tzinfo=UTC)


def test_the_calendar_is_cached_between_enquiries(service, django_assert_num_queries):
    account = AccountFactory(service=service)
    ingest(account, "first")

    with django_assert_num_queries(0):
        calendar_current()
    assert Enquiry.objects.count() == 1


def test_scottish_calendar_uses_scottish_bank_holidays(service):
    WorkingCalendar.objects.update(nation="SCT")
    calendar_changed(now=NOW)
    account = AccountFactory(service=service)

    enquiry = ingest(account, received_at=datetime(2025, 1, 1, 10, tzinfo=UTC))

    assert enquiry.response_due_at == datetime(2025, 1, 3, 17, tzinfo=UTC)


def test_saving_the_calendar_in_admin_moves_open_deadlines_and_says_how_many(service, client):
    from tests.factories import UserFactory

    account = AccountFactory(service=service)
    enquiry = ingest(account)
    calendar = WorkingCalendar.objects.get()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    data = {
        "name": calendar.name,
        "nation": "ENG",
        "office_hours-TOTAL_FORMS": "5",
        "office_hours-INITIAL_FORMS": "5",
        "office_hours-MIN_NUM_FORMS": "0",
        "office_hours-MAX_NUM_FORMS": "7",
        "closure_days-TOTAL_FORMS": "1",
        "closure_days-INITIAL_FORMS": "0",
        "closure_days-MIN_NUM_FORMS": "0",
        "closure_days-MAX_NUM_FORMS": "1000",
        "closure_days-0-date": "2025-12-29",
        "closure_days-0-reason": "Christmas shutdown",
    }
    for index, hours in enumerate(calendar.office_hours.all()):
        data.update(
            {
                f"office_hours-{index}-id": str(hours.pk),
                f"office_hours-{index}-calendar": str(calendar.pk),
                f"office_hours-{index}-weekday": str(hours.weekday),
                f"office_hours-{index}-opens": "09:00",
                f"office_hours-{index}-closes": "17:00",
            }
        )

    response = client.post(f"/admin/calendar/workingcalendar/{calendar.pk}/change/", data, follow=True)

    enquiry.refresh_from_db()
    assert "1 open enquiry had its deadline moved" in response.content.decode()
    assert enquiry.response_due_at == datetime(2025, 12, 30, 17, tzinfo=UTC)


def test_the_demo_data_is_idempotent(service):
    from monitoring.demo import seed_monitoring_demo

    AccountFactory(service=service)

    first = seed_monitoring_demo(now=NOW)
    second = seed_monitoring_demo(now=NOW)

    assert (first, second) == (4, 0)
    assert Enquiry.objects.filter(status="open").count() == 2
