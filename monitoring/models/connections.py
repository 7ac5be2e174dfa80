"""Connected accounts: how the app signs in to a platform to read an account's posts and enquiries
(issue 14), where each stream of the sync has got to, and OAuth sign-ins in progress.

The secrets (tokens, a Bluesky app password) live in one column, encrypted with the council's keys
(``councilsocial.lib.secrets``); nothing here returns them, and the admin, exports and the API never
show them. The register still never holds an account's own password (004 Do 3).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

#: A connection just synced by one worker is not synced again by another in the same run.
SYNC_MIN_INTERVAL = timedelta(minutes=1)


class ConnectionStatus(models.TextChoices):
    CONNECTED = "connected", "Connected"
    BROKEN = "broken", "Needs reconnecting"


class ConnectionQuerySet(models.QuerySet):
    def due(self, *, now: datetime) -> ConnectionQuerySet:
        """Connected, not tried in the last ``SYNC_MIN_INTERVAL``, not held back by the platform's rate
        limit, and not being synced by another worker (or its claim has lapsed). Uses
        ``connection_sync_due_idx``."""
        return self.filter(
            Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - SYNC_MIN_INTERVAL),
            Q(next_sync_after__isnull=True) | Q(next_sync_after__lte=now),
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=ConnectionStatus.CONNECTED,
        )

    def failing_since_before(self, cut_off: datetime) -> ConnectionQuerySet:
        """Failing (broken, or every sync failing) since before ``cut_off``.
        Uses ``connection_failing_idx``."""
        return self.filter(failing_since__lte=cut_off)


class Connection(models.Model):
    """One account's connection to its platform: what the sync signs in with, and how it is going.

    ``platform`` names the connector it syncs through (``monitoring.connectors.registry``): the
    account's own platform, or ``demo`` for the demonstration council. ``secrets`` is a Fernet token of
    a JSON object (``access_token``, ``refresh_token``, ``app_password``): write it only through
    ``monitoring.connections``; disconnecting deletes the row and with it the secrets.
    """

    account = models.OneToOneField(
        "accounts_register.SocialMediaAccount", on_delete=models.CASCADE, related_name="connection"
    )
    platform = models.CharField(max_length=30, help_text="The connector it syncs through.")
    account_ref = models.CharField(
        "the platform's id for the account", max_length=300, help_text="A DID, a Page id, a channel id."
    )
    handle = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.CONNECTED
    )
    secrets = models.TextField(editable=False, blank=True, help_text="Encrypted; never shown.")
    extra = models.JSONField(
        default=dict, blank=True, help_text="The platform's other settings (not secret)."
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="When the access token expires.")
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    connected_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    backlog = models.PositiveIntegerField(
        default=0, help_text="Pages still waiting on the platform after the last sync."
    )
    next_sync_after = models.DateTimeField(
        null=True, blank=True, help_text="The platform asked us to wait until then (its rate limit)."
    )
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is syncing it until then at the latest."
    )

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["account_id"]
        constraints = [
            # One platform account feeds one register entry: its enquiries would otherwise arrive
            # twice, in two inboxes, and count twice (``_connection_save`` says so in words first).
            models.UniqueConstraint(
                fields=["platform", "account_ref"], name="connection_one_per_platform_account"
            ),
        ]
        indexes = [
            # Job sync_connections (every 5 minutes): the connected accounts whose sync is due,
            # least recently tried first.
            models.Index(
                fields=["last_attempt_at"],
                condition=Q(status=ConnectionStatus.CONNECTED),
                name="connection_sync_due_idx",
            ),
            # Check connection_failing (every 5 minutes): connections failing since before the cut-off.
            models.Index(
                fields=["failing_since"],
                condition=Q(failing_since__isnull=False),
                name="connection_failing_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.platform} {self.handle or self.account_ref}"

    def __repr__(self) -> str:  # never the secrets column, even in a traceback
        return f"<Connection {self.pk} {self.platform} {self.account_ref!r} {self.status}>"

    @property
    def is_connected(self) -> bool:
        return self.status == ConnectionStatus.CONNECTED

    @property
    def health(self) -> str:
        """``syncing``, ``failing`` (connected, but its syncs are failing) or ``broken``."""
        if not self.is_connected:
            return "broken"
        return "failing" if self.failing_since else "syncing"

    @property
    def health_label(self) -> str:
        return {"syncing": self.get_status_display(), "failing": "Not syncing"}.get(
            self.health, self.get_status_display()
        )


class SyncCursor(models.Model):
    """Where one stream of a connection has got to: the platform's opaque cursor, stored in the same
    transaction as the items of the page it follows, so an interrupted sync resumes from it."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="cursors")
    stream = models.CharField(max_length=20)
    cursor = models.TextField(blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "stream"], name="sync_cursor_one_per_stream")
        ]

    def __str__(self) -> str:
        return f"{self.connection_id} {self.stream}"


#: An OAuth sign-in must come back within this long, once.
OAUTH_ATTEMPT_MINUTES = 10


class OAuthAttemptQuerySet(models.QuerySet):
    def expired(self, *, now: datetime) -> OAuthAttemptQuerySet:
        return self.filter(created_at__lt=now - timedelta(minutes=OAUTH_ATTEMPT_MINUTES))


class OAuthAttempt(models.Model):
    """An OAuth sign-in started from an account page (RFC 6749 ``state``, RFC 7636 PKCE).

    Bound to the person who started it and to their session; used once (the callback deletes it) and
    only within ``OAUTH_ATTEMPT_MINUTES``. The PKCE verifier is encrypted like the tokens.
    """

    state = models.CharField(max_length=100, unique=True)
    code_verifier = models.TextField(editable=False, help_text="Encrypted.")
    account = models.ForeignKey(
        "accounts_register.SocialMediaAccount", on_delete=models.CASCADE, related_name="+"
    )
    platform = models.CharField(max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    objects = OAuthAttemptQuerySet.as_manager()

    class Meta:
        indexes = [
            # Starting a sign-in deletes the attempts that have expired.
            models.Index(fields=["created_at"], name="oauth_attempt_created_idx"),
        ]

    def __str__(self) -> str:
        return f"OAuth sign-in to {self.platform} for account {self.account_id}"

    def __repr__(self) -> str:
        return f"<OAuthAttempt {self.pk} {self.platform} account={self.account_id}>"
