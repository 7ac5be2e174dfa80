"""The council's working calendar (000 §25): office hours, its nation's bank holidays, closure days."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .rules import NATIONS


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
