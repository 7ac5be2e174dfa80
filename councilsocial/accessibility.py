"""The accessibility statement (Public Sector Bodies Accessibility Regulations 2018), in the GOV.UK
sample statement's structure. Public: people must be able to read it before signing in."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.shortcuts import render

# Update these when the statement is reviewed or the service is tested again.
PREPARED_ON = date(2026, 11, 23)
REVIEWED_ON = date(2026, 11, 27)
# The browser suite's walk (tests/browser/test_accessibility_navigation.py): axe-core, reflow at
# 320 px, text spacing and 200% text on every page, and the keyboard tests (issue 17).
LAST_TESTED_ON = date(2026, 11, 27)
# The known issues the statement lists are to be fixed by this date.
KNOWN_ISSUES_FIXED_BY = date(2027, 3, 31)


def accessibility_statement(request):
    return render(
        request,
        "councilsocial/accessibility.html",
        {
            "contact_email": settings.COMMUNICATIONS_EMAIL,
            "prepared_on": PREPARED_ON,
            "reviewed_on": REVIEWED_ON,
            "last_tested_on": LAST_TESTED_ON,
            "fix_by": KNOWN_ISSUES_FIXED_BY,
        },
    )
