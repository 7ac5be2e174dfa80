"""Which connector class reads each platform, and which OAuth client connects it (issue 14).

Each platform's module is registered here:

- ``CONNECTORS[platform] = ConnectorClass``: built as ``ConnectorClass(credentials)`` (any other
  constructor argument must have a default) for every sync and every reply.
- ``OAUTH_CLIENTS[platform] = factory``: a callable with no arguments returning an ``OAuthClient``
  (it reads the council's client id and secret from the settings), for platforms connected by OAuth.
- ``APP_PASSWORD_PLATFORMS[platform] = AppPasswordPlatform(...)``: platforms connected with a handle
  and an app password (Bluesky), with the rule for what an app password looks like there.

``platform`` is ``Connection.platform``: the account's ``accounts_register.platforms.Platform``
value, or ``demo``. No database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from . import bluesky, facebook, instagram, linkedin, x, youtube
from .base import Connector, Credentials, OAuthClient
from .demo import DemoConnector

ConnectorFactory = Callable[[Credentials], Connector]

CONNECTORS: dict[str, ConnectorFactory] = {
    "demo": DemoConnector,
    "bluesky": bluesky.CONNECTOR,
    **{module.CONNECTOR.platform: module.CONNECTOR for module in (facebook, instagram, x, youtube, linkedin)},
}

OAUTH_CLIENTS: dict[str, Callable[[], OAuthClient]] = {
    module.OAUTH_CLIENT.platform: module.OAUTH_CLIENT
    for module in (facebook, instagram, x, youtube, linkedin)
}


@dataclass(frozen=True)
class AppPasswordPlatform:
    """A platform connected with a handle and an app password: how an app password looks there (so an
    account's own password is refused before it is sent anywhere, 004 Do 3), and the non-secret
    settings a new connection starts with."""

    is_app_password: Callable[[str], bool]
    extra: Callable[[], dict] = field(default=dict)


def _bluesky_extra() -> dict:
    # The council's PDS: Bluesky's own unless it runs its own (and the tests' local network).
    return {"pds_url": settings.CONNECTOR_BLUESKY_SERVICE_URL}


APP_PASSWORD_PLATFORMS: dict[str, AppPasswordPlatform] = {
    "bluesky": AppPasswordPlatform(is_app_password=bluesky.is_app_password, extra=_bluesky_extra),
}


# The longest reply each platform publishes, where it has a limit the form can say before sending
# (the connector refuses a longer one too). Characters as Python counts them.
REPLY_LIMITS: dict[str, int] = {"bluesky": bluesky.MAX_REPLY_GRAPHEMES}


def reply_limit(platform: str) -> int | None:
    """The longest reply ``platform`` takes, or None where the form's own limit is the only one."""
    return REPLY_LIMITS.get(platform)


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
    if platform in OAUTH_CLIENTS and oauth_configured(platform):
        return "oauth"
    return None


def oauth_configured(platform: str) -> bool:
    """Whether the council has registered its app with the platform (``CONNECTOR_<PLATFORM>_CLIENT_ID``
    is set): without it there is nothing to send the officer to."""
    return bool(getattr(settings, f"CONNECTOR_{platform.upper()}_CLIENT_ID", ""))
