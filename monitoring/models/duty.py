"""The duty rota: who is the social media duty officer on each working day (000 Appendix 2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DutyDay(models.Model):
    """000 Appendix 2: "A social media duty officer is in place each working day". One a day, set by
    Communications on the council's working days only."""

    day = models.DateField(unique=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.officer} on duty {self.day:%Y-%m-%d}"
