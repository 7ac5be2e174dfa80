"""The accessibility statement (Public Sector Bodies Accessibility Regulations 2018), in the GOV.UK
sample statement's structure. Public: people must be able to read it before signing in."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.shortcuts import render

# Update these when the statement is reviewed or the service is tested again.
PREPARED_ON = date(2026, 11, 23)
LAST_TESTED_ON = date(2026, 11, 23)


def accessibility_statement(request):
    return render(
        request,
        "councilsocial/accessibility.html",
        {
            "contact_email": settings.COMMUNICATIONS_EMAIL,
            "prepared_on": PREPARED_ON,
            "last_tested_on": LAST_TESTED_ON,
        },
    )
