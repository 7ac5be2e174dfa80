"""The working calendar (000 §25), response policies (003 D8.3) and the policy review (002 §1.6)."""

from __future__ import annotations

import calendar as std_calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from monitoring.calendar import NATIONS


class WorkingCalendar(models.Model):
    """The council's working calendar: its nation's bank holidays, office hours and closure days.

    There is one, kept by administrators in Django admin. Changing it recomputes the deadlines of
    open enquiries (``monitoring.services.calendar_changed``).
    """

    name = models.CharField(max_length=100, default="Council working calendar")
    nation = models.CharField(
        max_length=3,
        choices=list(NATIONS.items()),
        default="ENG",
        help_text="Whose bank holidays apply, substitute days and one-off holidays included.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "working calendar"

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OfficeHours(models.Model):
    """Office hours of one weekday, the half-open interval [opens, closes). No row: closed all day."""

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="office_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        verbose_name_plural = "office hours"
        constraints = [
            models.UniqueConstraint(fields=["calendar", "weekday"], name="office_hours_one_per_weekday"),
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="office_hours_open_first"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": "Closing time must be after opening time."})


class ClosureDay(models.Model):
    """A day the council adds to its bank holidays, such as the Christmas shutdown."""

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="closure_day_unique")]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y} {self.reason}".strip()


class ResponsePolicy(models.Model):
    """An account's own response policy instead of 000 §25's working-day rule.

    003 D8.3: online communities are answered within 48 hours. Kept here rather than on the register
    so monitoring owns its rules; an account without one follows the working-day rule.
    """

    account = models.OneToOneField(
        "accounts_register.SocialMediaAccount", on_delete=models.CASCADE, related_name="response_policy"
    )
    fixed_hours = models.PositiveSmallIntegerField(
        help_text="Enquiries are due this many hours after they arrive, whatever the office hours."
    )
    reason = models.CharField(
        max_length=200, blank=True, help_text="For example: online community (003 D8.3)."
    )

    class Meta:
        verbose_name_plural = "response policies"
        constraints = [models.CheckConstraint(condition=Q(fixed_hours__gt=0), name="policy_hours_positive")]

    def __str__(self) -> str:
        return f"{self.account}: within {self.fixed_hours} hours"


class PolicyReview(models.Model):
    """A review of the social media policy; it is reviewed every six months (002 §1.6)."""

    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Policy reviewed on {self.reviewed_on:%d %B %Y}"

    @property
    def next_due_on(self) -> date:
        return add_months(self.reviewed_on, settings.MONITORING_POLICY_REVIEW_MONTHS)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 August + 6 months = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, std_calendar.monthrange(year, month)[1]))
