"""Shared set-up for the sync's tests: a connected account and its fake platform."""

from __future__ import annotations

from monitoring.connections import credentials_encrypt
from monitoring.connectors.base import Credentials
from monitoring.models import Connection


def connect(account, *, now, platform: str = "x", token: str = "tok-ACCESS-1234567890") -> Connection:  # noqa: S107
    credentials = Credentials(account_ref=f"ref-{account.pk}", handle=account.handle, access_token=token)
    return Connection.objects.create(
        account=account,
        platform=platform,
        account_ref=credentials.account_ref,
        handle=account.handle,
        secrets=credentials_encrypt(credentials),
        connected_at=now,
    )
