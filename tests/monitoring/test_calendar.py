"""The working calendar and the response-time rule (000 §25), table-driven on real dates.

Times in the tables are UK clock times (Europe/London); the functions are given and return UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from councilsocial.calendar.rules import (
    Calendar,
    deadline_in_words,
    fixed_hours_due_at,
    is_within_office_hours,
    next_working_day_close,
    response_due_at,
    working_days_before,
    working_seconds_between,
)

LONDON = ZoneInfo("Europe/London")
ENGLAND = Calendar()
SCOTLAND = Calendar(nation="SCT")
NORTHERN_IRELAND = Calendar(nation="NIR")
CHRISTMAS_SHUTDOWN = Calendar(
    closures=frozenset({date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)})
)


def uk(text: str) -> datetime:
    """A UK clock time, as the UTC instant it is."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


RULE = [
    # (received, calendar, due, why) — received and due in UK time unless given as UTC
    ("2025-01-14 10:30", ENGLAND, "2025-01-14 17:00", "in hours: same day"),
    ("2025-01-14 09:00", ENGLAND, "2025-01-14 17:00", "exactly at opening is within hours"),
    ("2025-01-14 08:59:59", ENGLAND, "2025-01-14 17:00", "just before opening: that day's hours begin after"),
    ("2025-01-14 16:59:59", ENGLAND, "2025-01-14 17:00", "the last second of the day"),
    ("2025-01-14 17:00", ENGLAND, "2025-01-15 17:00", "exactly at closing is outside hours"),
    ("2025-01-14 20:00", ENGLAND, "2025-01-15 17:00", "evening: next working day"),
    ("2025-01-17 18:00", ENGLAND, "2025-01-20 17:00", "Friday evening: Monday"),
    ("2025-01-18 11:00", ENGLAND, "2025-01-20 17:00", "Saturday: Monday"),
    ("2025-01-19 23:59", ENGLAND, "2025-01-20 17:00", "Sunday night: Monday"),
    ("2025-01-20 00:01", ENGLAND, "2025-01-20 17:00", "early Monday: Monday"),
    ("2025-04-17 17:30", ENGLAND, "2025-04-22 17:00", "Easter: Good Friday and Easter Monday skipped"),
    ("2025-01-01 10:00", ENGLAND, "2025-01-02 17:00", "New Year's Day, England and Wales"),
    ("2025-01-01 10:00", SCOTLAND, "2025-01-03 17:00", "Scotland also closes on 2 January"),
    ("2025-08-01 18:00", ENGLAND, "2025-08-04 17:00", "4 August is a working day in England"),
    ("2025-08-01 18:00", SCOTLAND, "2025-08-05 17:00", "Scottish summer bank holiday, 4 August"),
    ("2025-08-22 18:00", ENGLAND, "2025-08-26 17:00", "English late summer bank holiday, 25 August"),
    ("2025-08-22 18:00", SCOTLAND, "2025-08-25 17:00", "not a holiday in Scotland"),
    ("2025-03-14 18:00", NORTHERN_IRELAND, "2025-03-18 17:00", "St Patrick's Day, Northern Ireland"),
    ("2025-03-14 18:00", ENGLAND, "2025-03-17 17:00", "St Patrick's Day is a working day in England"),
    ("2022-12-23 18:00", ENGLAND, "2022-12-28 17:00", "substitute day: Christmas 2022 fell on a Sunday"),
    ("2021-12-31 18:00", ENGLAND, "2022-01-04 17:00", "substitute day: New Year 2022 fell on a Saturday"),
    ("2021-12-31 18:00", SCOTLAND, "2022-01-05 17:00", "Scotland: substitutes for 1 and 2 January 2022"),
    ("2022-06-01 20:00", ENGLAND, "2022-06-06 17:00", "one-off 2022: spring holiday moved, Platinum Jubilee"),
    ("2022-06-02 11:00", ENGLAND, "2022-06-06 17:00", "received on the moved spring bank holiday"),
    ("2022-09-16 17:00", ENGLAND, "2022-09-20 17:00", "one-off 2022: the Queen's state funeral"),
    ("2022-09-16 17:00", SCOTLAND, "2022-09-20 17:00", "the state funeral was a holiday in Scotland too"),
    ("2023-05-05 17:30", ENGLAND, "2023-05-09 17:00", "one-off 2023: the Coronation"),
    ("2023-04-28 18:00", ENGLAND, "2023-05-02 17:00", "early May bank holiday 2023"),
    ("2025-12-24 17:00", ENGLAND, "2025-12-29 17:00", "Christmas without a shutdown"),
    ("2025-12-24 17:00", CHRISTMAS_SHUTDOWN, "2026-01-02 17:00", "extra closure days 29–31 December"),
    (
        "2025-12-29 10:00",
        CHRISTMAS_SHUTDOWN,
        "2026-01-02 17:00",
        "received during office hours of a closure day",
    ),
    ("2025-03-28 18:00", ENGLAND, "2025-03-31 17:00", "clocks go forward on Sunday 30 March"),
    ("2025-10-24 17:30", ENGLAND, "2025-10-27 17:00", "clocks go back on Sunday 26 October"),
]


@pytest.mark.parametrize(("received", "calendar", "due", "why"), RULE, ids=[row[3] for row in RULE])
def test_response_due_at(received, calendar, due, why):
    assert response_due_at(uk(received), calendar) == uk(due)


@pytest.mark.parametrize(
    ("received_utc", "due_utc", "why"),
    [
        ("2025-03-28 18:00", "2025-03-31 16:00", "17:00 BST on the Monday after the change is 16:00 UTC"),
        ("2025-03-31 08:00", "2025-03-31 16:00", "08:00 UTC is 09:00 BST: within office hours"),
        ("2025-03-28 08:30", "2025-03-28 17:00", "08:30 UTC is 08:30 GMT: before opening, due the same day"),
        ("2025-10-26 00:30", "2025-10-27 17:00", "the first 01:30 of the repeated hour (BST)"),
        ("2025-10-26 01:30", "2025-10-27 17:00", "the second 01:30 of the repeated hour (GMT)"),
        ("2025-10-24 15:59", "2025-10-24 16:00", "16:59 BST on the Friday before: due 17:00 BST"),
    ],
)
def test_clock_changes_in_utc(received_utc, due_utc, why):
    assert response_due_at(utc(received_utc), ENGLAND) == utc(due_utc)


def test_the_deadline_is_returned_in_utc():
    assert response_due_at(uk("2025-07-01 10:00")).utcoffset().total_seconds() == 0


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        response_due_at(datetime(2025, 1, 14, 10, 0))


def test_weekend_office_hours_count_when_configured():
    saturday_mornings = Calendar(hours={**ENGLAND.hours, 5: (time(10), time(12))})

    assert response_due_at(uk("2025-01-17 18:00"), saturday_mornings) == uk("2025-01-18 12:00")


@pytest.mark.parametrize(
    ("received_utc", "hours", "due_utc"),
    [
        ("2025-01-17 18:00", 48, "2025-01-19 18:00"),  # 003 D8.3: weekends count
        ("2025-03-28 18:00", 48, "2025-03-30 18:00"),  # elapsed hours across the clock change
        ("2022-12-24 09:00", 24, "2022-12-25 09:00"),  # holidays count too
    ],
)
def test_fixed_hours_policy_counts_elapsed_hours(received_utc, hours, due_utc):
    assert fixed_hours_due_at(utc(received_utc), hours) == utc(due_utc)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2025-01-14 09:00", True),
        ("2025-01-14 16:59:59", True),
        ("2025-01-14 17:00", False),
        ("2025-01-14 08:59:59", False),
        ("2025-01-18 11:00", False),  # Saturday
        ("2025-12-25 11:00", False),  # Christmas Day
    ],
)
def test_is_within_office_hours(moment, expected):
    assert is_within_office_hours(uk(moment), ENGLAND) is expected


def test_next_working_day_close_from_within_hours_is_the_next_day():
    assert next_working_day_close(uk("2025-01-14 10:00"), ENGLAND) == uk("2025-01-15 17:00")


@pytest.mark.parametrize(
    ("moment", "days", "expected"),
    [
        ("2025-01-17 14:00", 2, "2025-01-15 14:00"),  # Friday − 2 = Wednesday
        ("2025-01-21 14:00", 2, "2025-01-17 14:00"),  # Tuesday − 2 = the previous Friday
        ("2025-04-22 10:00", 1, "2025-04-17 10:00"),  # over Easter
        ("2025-01-18 10:00", 1, "2025-01-17 10:00"),  # from a Saturday
        ("2025-01-14 10:00", 0, "2025-01-14 10:00"),
    ],
)
def test_working_days_before(moment, days, expected):
    assert working_days_before(uk(moment), days, ENGLAND) == uk(expected)


@pytest.mark.django_db
def test_working_days_before_defaults_to_the_councils_calendar():
    assert working_days_before(uk("2025-05-06 10:00"), 1) == uk("2025-05-02 10:00")  # 5 May holiday


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        ("2025-01-14 10:00", "2025-01-14 12:30", 2.5 * 3600),
        ("2025-01-14 16:00", "2025-01-15 10:00", 2 * 3600),  # overnight counts nothing
        ("2025-01-17 16:00", "2025-01-20 10:00", 2 * 3600),  # nor does the weekend
        ("2025-01-18 10:00", "2025-01-18 12:00", 0),
        ("2025-01-15 10:00", "2025-01-14 10:00", -8 * 3600),
    ],
)
def test_working_seconds_between(start, end, seconds):
    assert working_seconds_between(uk(start), uk(end), ENGLAND) == seconds


@pytest.mark.parametrize(
    ("due", "now", "words"),
    [
        ("2025-01-14 17:00", "2025-01-14 10:00", "due today at 17:00"),
        ("2025-01-15 17:00", "2025-01-14 18:00", "due tomorrow at 17:00"),
        ("2025-01-20 17:00", "2025-01-17 18:00", "due on Monday 20 January at 17:00"),
        ("2025-01-14 17:00", "2025-01-15 11:00", "overdue by 2 working hours"),
        ("2025-01-14 17:00", "2025-01-15 09:25", "overdue by 25 working minutes"),
        ("2025-01-17 17:00", "2025-01-18 10:00", "overdue since 17:00 on Friday 17 January"),
        ("2025-07-01 17:00", "2025-07-01 10:00", "due today at 17:00"),  # shown in BST
    ],
)
def test_deadline_in_words(due, now, words):
    assert deadline_in_words(uk(due), uk(now), ENGLAND) == words
