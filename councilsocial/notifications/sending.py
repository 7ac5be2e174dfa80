"""Sending the outbox: the job behind ``send_pending_notifications``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: 1, 2, 4, 8… times the base wait, capped at six hours."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 6 * 60 * 60))


def notifications_send_due(*, now: datetime, batch_size: int = 200) -> SendReport:
    """Send every outbox message that is due, each at most once.

    Each message is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` inside its own transaction and
    marked sent before the lock is released, so two workers never send the same message. A failure
    is recorded and retried later with back-off; after ``OUTBOX_MAX_ATTEMPTS`` it is marked failed.
    A message that can never be sent (a header or address Django refuses) is failed at once.
    """
    sent = retried = failed = 0
    candidate_ids = list(
        Notification.objects.due(now=now).order_by("send_after").values_list("pk", flat=True)[:batch_size]
    )
    for pk in candidate_ids:
        with transaction.atomic():
            message = (
                Notification.objects.select_for_update(skip_locked=True).due(now=now).filter(pk=pk).first()
            )
            if message is None:  # another worker has it, or it was sent meanwhile
                continue
            message.attempts += 1
            body = message.body
            if message.secret:
                body = body.replace(Notification.SECRET_PLACEHOLDER, message.secret)
            try:
                EmailMessage(
                    subject=message.subject,
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[message.to],
                ).send()
            except Exception as exc:  # any mail failure is recorded on the message, never lost
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                # A header Django refuses (BadHeaderError) or an address it cannot parse is a
                # ValueError: the message itself is at fault, so trying again can never work.
                if isinstance(exc, ValueError) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                    message.status = Notification.Status.FAILED
                    message.secret = ""  # a message given up never needs its link again
                    failed += 1
                    logger.error("Gave up sending notification %s: %s", message.pk, message.last_error)
                else:
                    message.send_after = now + retry_delay(message.attempts)
                    retried += 1
            else:
                message.status = Notification.Status.SENT
                message.sent_at = now
                message.last_error = ""
                message.secret = ""  # sent: the link is in the recipient's mailbox and nowhere else
                sent += 1
            message.save(
                update_fields=["attempts", "status", "sent_at", "send_after", "last_error", "secret"]
            )
    return SendReport(sent=sent, retried=retried, failed=failed)
