"""Helpers shared by the business-case tests: the emailed link, and a person in a second role."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from councilsocial.notifications.sending import notifications_send_due
from councilsocial.permissions import COMMUNICATIONS


def emailed_link_path(case) -> str:
    """Send what the outbox holds, and read the case's newest approval link from the email itself.

    The outbox keeps the link only until it is sent (issue 11, defect 7a), so tests read it where the
    Director does: in the email.
    """
    notifications_send_due(now=timezone.now() + timedelta(seconds=1))
    for message in reversed(mail.outbox):
        found = re.search(rf"https?://[^/\s]+(/business-cases/{case.pk}/decide/\S+/)", message.body)
        if found:
            return found.group(1)
    raise AssertionError("No approval link was emailed for this case")


def also_communications(user):
    """Put someone in Communications as well as their own role (a Director who is also in Comms)."""
    user.groups.add(Group.objects.get_or_create(name=COMMUNICATIONS)[0])
    user.is_staff = True
    user.save()
    return user
