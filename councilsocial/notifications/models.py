"""The notification outbox.

Every email the application sends is first written here, in the same transaction as the event
that causes it, so a decision and its notification are committed together or not at all. A job
sends what is due; nothing is lost while Redis or the mail server is down, and nothing is sent twice.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def due(self, *, now) -> NotificationQuerySet:
        """Pending messages whose next attempt is due."""
        return self.filter(status=Notification.Status.PENDING, send_after__lte=now)


class Notification(models.Model):
    """One email. A one-use secret (an approval link) is kept apart from the body, only until sending.

    The body holds ``SECRET_PLACEHOLDER`` where the secret goes; sending puts the secret in its place
    and then empties ``secret``, so nobody reading the outbox (the admin, the outbox page) can use
    the link, before or after it is sent.
    """

    #: Stands in the stored body for the secret; it is also what the stored copy shows once sent.
    SECRET_PLACEHOLDER = "[link sent by email only: not kept here]"  # noqa: S105 (not a password)

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    to = models.EmailField("to")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    secret = models.TextField(
        blank=True,
        editable=False,
        help_text="Put in the body's placeholder when sending, then erased. Never shown.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    send_after = models.DateTimeField(
        default=timezone.now, help_text="The next attempt is made at or after this time."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="Identifies the event and recipient, so writing the same notification twice keeps one.",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Job: send_pending_notifications — pending messages by next attempt time.
            models.Index(
                fields=["send_after"], condition=Q(status="pending"), name="notification_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
