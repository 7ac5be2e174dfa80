"""The council's working calendar and the response-time rule (000 §25). Pure functions, no database.

A :class:`Calendar` is an immutable description of when the council works: the time zone
(Europe/London), the office hours of each weekday as the half-open interval ``[opens, closes)``, the
bank holidays of the council's nation (from the ``holidays`` package, including substitute days and
one-off holidays such as the 2022 Platinum Jubilee, the Queen's funeral and the 2023 Coronation) and
the extra closure days the council adds (the Christmas shutdown).
``councilsocial.calendar.selectors.calendar_current``
builds one from the database and caches it.

The response-time rule, 000 §25 ("enquiries received within office hours are responded to by the
end of the working day; those received outside office hours by the close of the next working day"),
made exact:

* an enquiry received **within** office hours is due at the closing time of that same working day;
* one received **outside** office hours is due at the closing time of the first working day whose
  office hours *begin after* it arrived.

Worked examples with the default calendar (Monday–Friday 09:00–17:00, England and Wales):

======================================  =====================================  ==========================
received (UK time)                       due (UK time)                          why
======================================  =====================================  ==========================
Tue 14 Jan 2025 10:30                    Tue 14 Jan 2025 17:00                  in hours: same day
Tue 14 Jan 2025 09:00                    Tue 14 Jan 2025 17:00                  opening time is in hours
Tue 14 Jan 2025 17:00                    Wed 15 Jan 2025 17:00                  closing time is out of hours
Tue 14 Jan 2025 07:45                    Tue 14 Jan 2025 17:00                  its hours begin after it
Fri 17 Jan 2025 18:00                    Mon 20 Jan 2025 17:00                  weekend skipped
Thu 1 Jun 2022 20:00                     Mon 6 Jun 2022 17:00                   2–3 June 2022 were holidays
Sat 29 Mar 2025 12:00 (GMT)              Mon 31 Mar 2025 17:00 BST (16:00 UTC)  clocks went forward
======================================  =====================================  ==========================

Times are stored in UTC and converted to UK time only here and for display, so clock changes need
no special handling: 17:00 on the due day is 17:00 in whatever offset applies that day.

An account may instead carry a fixed-hours policy (003 D8.3: 48 hours for an online community);
its deadline is simply the received time plus that many elapsed hours (:func:`fixed_hours_due_at`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

#: The nations whose bank holidays the ``holidays`` package knows (its ``subdiv`` codes).
NATIONS = {
    "ENG": "England and Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}

DEFAULT_HOURS: dict[int, tuple[time, time]] = {day: (time(9), time(17)) for day in range(5)}

# How far to look for a working day before deciding the calendar has none (a misconfiguration).
_MAX_SEARCH_DAYS = 370


class NoWorkingDaysError(ValueError):
    """The calendar has no working day within a year: no office hours configured."""


@lru_cache(maxsize=64)
def bank_holidays(nation: str, year: int) -> frozenset[date]:
    """The bank holidays of ``nation`` in ``year``, substitute days and one-off holidays included."""
    return frozenset(holidays.UnitedKingdom(subdiv=nation, years=year).keys())


@dataclass(frozen=True)
class Calendar:
    """When the council works. ``hours`` maps weekday (Monday = 0) to ``(opens, closes)``."""

    hours: dict[int, tuple[time, time]] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    nation: str = "ENG"
    closures: frozenset[date] = frozenset()
    tz: ZoneInfo = LONDON

    def __hash__(self) -> int:  # dict fields are not hashable; hours are few
        return hash((tuple(sorted(self.hours.items())), self.nation, self.closures, str(self.tz)))

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.hours
            and day not in self.closures
            and day not in bank_holidays(self.nation, day.year)
        )

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.hours[day.weekday()][0], tzinfo=self.tz)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.hours[day.weekday()][1], tzinfo=self.tz)

    def working_days_from(self, day: date):
        """Working days from ``day`` (inclusive) onwards."""
        for offset in range(_MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                yield candidate
        raise NoWorkingDaysError("The working calendar has no working day within a year.")


DEFAULT_CALENDAR = Calendar()


def _local(moment: datetime, calendar: Calendar) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Times must carry a time zone (store and pass UTC).")
    return moment.astimezone(calendar.tz)


def is_within_office_hours(moment: datetime, calendar: Calendar = DEFAULT_CALENDAR) -> bool:
    """Whether ``moment`` falls in ``[opens, closes)`` of a working day."""
    local = _local(moment, calendar)
    day = local.date()
    if not calendar.is_working_day(day):
        return False
    return calendar.opening(day) <= local < calendar.closing(day)


def next_working_day_close(moment: datetime, calendar: Calendar = DEFAULT_CALENDAR) -> datetime:
    """The closing time of the first working day whose office hours begin after ``moment``."""
    local = _local(moment, calendar)
    for day in calendar.working_days_from(local.date()):
        if calendar.opening(day) > local:
            return calendar.closing(day)
    raise NoWorkingDaysError  # pragma: no cover - working_days_from raises first


def response_due_at(received_at: datetime, calendar: Calendar = DEFAULT_CALENDAR) -> datetime:
    """When an enquiry received at ``received_at`` must be answered, under 000 §25.

    Within office hours: the close of that working day. Outside: the close of the first working day
    whose office hours begin after it arrived. Returns an aware datetime in UTC.

    >>> from datetime import timezone as tz
    >>> response_due_at(datetime(2025, 1, 14, 10, 30, tzinfo=tz.utc)).isoformat()
    '2025-01-14T17:00:00+00:00'
    >>> response_due_at(datetime(2025, 1, 17, 18, 0, tzinfo=tz.utc)).isoformat()  # Friday evening
    '2025-01-20T17:00:00+00:00'
    >>> response_due_at(datetime(2025, 3, 29, 12, 0, tzinfo=tz.utc)).isoformat()  # BST from Sunday
    '2025-03-31T16:00:00+00:00'
    """
    if is_within_office_hours(received_at, calendar):
        due = calendar.closing(_local(received_at, calendar).date())
    else:
        due = next_working_day_close(received_at, calendar)
    return due.astimezone(ZoneInfo("UTC"))


def fixed_hours_due_at(received_at: datetime, hours: int) -> datetime:
    """A fixed-hours policy (003 D8.3, e.g. 48 hours for an online community): elapsed hours."""
    _local(received_at, DEFAULT_CALENDAR)  # insist on an aware time
    return (received_at + timedelta(hours=hours)).astimezone(ZoneInfo("UTC"))


def working_seconds_between(start: datetime, end: datetime, calendar: Calendar = DEFAULT_CALENDAR) -> int:
    """Seconds of office hours in ``[start, end)``; negative when ``end`` is before ``start``.

    Used for "time to first response in working hours" and "overdue by 2 working hours".
    """
    if end < start:
        return -working_seconds_between(end, start, calendar)
    local_start, local_end = _local(start, calendar), _local(end, calendar)
    total = 0.0
    day = local_start.date()
    while day <= local_end.date():
        if calendar.is_working_day(day):
            opens, closes = calendar.opening(day), calendar.closing(day)
            overlap = min(closes, local_end) - max(opens, local_start)
            total += max(overlap.total_seconds(), 0)
        day += timedelta(days=1)
    return int(total)


def working_days_before(moment: datetime, days: int, calendar: Calendar = DEFAULT_CALENDAR) -> datetime:
    """The instant ``days`` working days before ``moment``: the same UK clock time on the working
    day reached by counting ``days`` working days back from ``moment``'s date (that date excluded).

    A reminder job asks "waiting since before this cut-off?"; Friday 14:00 minus 2 working days is
    Wednesday 14:00, and Tuesday 14:00 minus 2 is the previous Friday 14:00 (a bank holiday on the
    way back is skipped). Pass the council's own calendar
    (``councilsocial.calendar.selectors.calendar_current``) so its closure days count too. Returns UTC.
    """
    local = _local(moment, calendar)
    day = local.date()
    counted = 0
    for _ in range(_MAX_SEARCH_DAYS * max(days, 1)):
        if counted == days:
            break
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    else:
        raise NoWorkingDaysError("The working calendar has no working day within a year.")
    result = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=calendar.tz)
    return result.astimezone(ZoneInfo("UTC"))


def is_overdue(due: datetime, now: datetime) -> bool:
    """The one rule for "overdue" (000 §25): due *by* the close of the day, so late only once that
    moment has passed. ``Enquiry.objects.overdue`` is the same rule as a query (``due < now``)."""
    return due < now


def working_days_between(start: datetime, end: datetime, calendar: Calendar = DEFAULT_CALENDAR) -> int:
    """Whole working days from ``start`` to ``end``: the most ``n`` with
    ``working_days_before(end, n) >= start``, counted on ``calendar`` (bank holidays and closure
    days are not working days), as the reminders count them."""
    local_end = _local(end, calendar)
    counted = 0
    day = local_end.date()
    while True:
        day -= timedelta(days=1)
        if datetime.combine(day, local_end.timetz().replace(tzinfo=None), tzinfo=calendar.tz) < start:
            return counted
        if calendar.is_working_day(day):
            counted += 1


def format_working_duration(seconds: int) -> str:
    """A duration of office time in words: "35 working minutes", "2 working hours"."""
    minutes = abs(seconds) // 60
    if minutes < 60:
        return f"{minutes} working minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"{hours} working hour{'s' if hours != 1 else ''}"


# Past this, the inbox gives the date an enquiry fell due rather than the working hours since.
LONG_OVERDUE = timedelta(days=14)


def deadline_in_words(due: datetime, now: datetime, calendar: Calendar = DEFAULT_CALENDAR) -> str:
    """The time left, as the inbox shows it: "due today at 17:00", "due tomorrow at 17:00",
    "due on Monday 20 January at 17:00", "overdue by 2 working hours" (UK time)."""
    local_due, local_now = _local(due, calendar), _local(now, calendar)
    clock = f"{local_due:%H:%M}"
    if due <= now - LONG_OVERDUE:
        # Weeks late: the date says it, and counting working hours over months of days (for every
        # row of the inbox) would cost more the older the enquiry (issue 16).
        return f"overdue since {local_due.day} {local_due:%B %Y}"
    if is_overdue(due, now):
        late = working_seconds_between(due, now, calendar)
        if late < 60:
            return f"overdue since {clock} on {local_due:%A} {local_due.day} {local_due:%B}"
        return f"overdue by {format_working_duration(late)}"
    days = (local_due.date() - local_now.date()).days
    if days == 0:
        return f"due today at {clock}"
    if days == 1:
        return f"due tomorrow at {clock}"
    return f"due on {local_due:%A} {local_due.day} {local_due:%B} at {clock}"
