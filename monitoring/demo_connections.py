"""The demo council's connected accounts (issue 14 item 7): a couple of its accounts connected to the
demonstration platform (``connectors.demo``), so under ``make run`` new posts and enquiries arrive
every few minutes with no real platform. Idempotent: an account already connected is left alone."""

from __future__ import annotations

from datetime import datetime

from accounts_register.models import AccountStatus, SocialMediaAccount

from .connections import credentials_encrypt
from .connectors.base import Credentials
from .models import Connection, ConnectionStatus


def seed_demo_connections(*, by, now: datetime, accounts: int = 2) -> int:
    """Connect the first ``accounts`` active accounts to the demo platform; returns how many are new."""
    created = 0
    for account in SocialMediaAccount.objects.filter(status=AccountStatus.ACTIVE).order_by("pk")[:accounts]:
        credentials = Credentials(
            account_ref=f"demo-{account.handle.lower()}",
            handle=account.handle,
            access_token="demo-token-not-secret",  # noqa: S106 - the demonstration platform's
        )
        _connection, was_created = Connection.objects.get_or_create(
            account=account,
            defaults={
                "platform": "demo",
                "account_ref": credentials.account_ref,
                "handle": account.handle,
                "status": ConnectionStatus.CONNECTED,
                "secrets": credentials_encrypt(credentials),
                "connected_by": by,
                "connected_at": now,
            },
        )
        created += was_created
    return created
