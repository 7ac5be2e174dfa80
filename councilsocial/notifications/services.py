"""Writing to the outbox: every email the application sends goes through ``notification_enqueue``."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from councilsocial.tasking import enqueue_on_commit

from .models import Notification
from .tasks import send_pending_notifications


def one_line(text: str) -> str:
    """Text for an email header: line breaks and runs of spaces become one space.

    A line break in a header makes Django refuse the whole message (``BadHeaderError``), and an
    injected ``Bcc:`` line is an attack; a header is one line, always.
    """
    return " ".join(str(text).split())


def notification_enqueue(
    *,
    to: str,
    subject: str,
    body: str,
    dedupe_key: str | None = None,
    now: datetime | None = None,
    secret: str = "",
) -> Notification:
    """Write an email to the outbox in the caller's transaction; it is sent after commit.

    With a ``dedupe_key`` (the event and the recipient), writing the same notification again
    returns the one already there, so a repeated request or a second job run sends nothing twice.

    ``secret`` (a one-use approval link) is kept apart from the body, which must hold
    ``Notification.SECRET_PLACEHOLDER`` where it goes; it is erased once the message is sent or given
    up, and never shown (issue 11, defect 7).
    """
    if secret and Notification.SECRET_PLACEHOLDER not in body:
        raise ValueError("A secret needs Notification.SECRET_PLACEHOLDER in the body to go in.")
    fields = {"to": to.strip(), "subject": one_line(subject)[:300], "body": body, "secret": secret}
    if now is not None:
        fields.update(created_at=now, send_after=now)
    if dedupe_key is None:
        notification = Notification.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(dedupe_key=dedupe_key, **fields)
        except IntegrityError:
            return Notification.objects.get(dedupe_key=dedupe_key)
    enqueue_on_commit(send_pending_notifications)
    return notification
