"""Which connector class reads each platform, and which OAuth client connects it (issue 14).

The integrator registers each platform's module here, one line each:

- ``CONNECTORS[platform] = ConnectorClass``: built as ``ConnectorClass(credentials)`` (any other
  constructor argument must have a default) for every sync and every reply.
- ``OAUTH_CLIENTS[platform] = factory``: a callable with no arguments returning an ``OAuthClient``
  (it reads the council's client id and secret from the settings), for platforms connected by OAuth.
- ``APP_PASSWORD_PLATFORMS``: platforms connected with a handle and an app password (Bluesky).

``platform`` is ``Connection.platform``: the account's ``accounts_register.platforms.Platform``
value, or ``demo``. Pure Python, no database.
"""

from __future__ import annotations

from collections.abc import Callable

from .base import Connector, Credentials, OAuthClient
from .demo import DemoConnector

ConnectorFactory = Callable[[Credentials], Connector]

CONNECTORS: dict[str, ConnectorFactory] = {
    "demo": DemoConnector,
}

OAUTH_CLIENTS: dict[str, Callable[[], OAuthClient]] = {}

APP_PASSWORD_PLATFORMS: set[str] = set()


class NoConnector(LookupError):
    """No connector is registered for this platform."""


def connector_for(platform: str) -> ConnectorFactory:
    try:
        return CONNECTORS[platform]
    except KeyError:
        raise NoConnector(f"There is no connector for {platform!r} yet.") from None


def oauth_client_for(platform: str) -> OAuthClient | None:
    factory = OAUTH_CLIENTS.get(platform)
    return factory() if factory is not None else None


def how_to_connect(platform: str) -> str | None:
    """``"app_password"``, ``"oauth"``, or None when the platform cannot be connected (yet)."""
    if platform not in CONNECTORS:
        return None
    if platform in APP_PASSWORD_PLATFORMS:
        return "app_password"
    if platform in OAUTH_CLIENTS:
        return "oauth"
    return None
