"""The authorisation-code flow with PKCE and ``state`` (RFC 6749, RFC 7636), once for every OAuth
platform; each platform's ``OAUTH_CLIENT`` names its endpoints and scopes and says, in
``identify``, which account a fresh token belongs to.

Client ids and secrets come from settings (``CONNECTOR_<PLATFORM>_CLIENT_ID`` and ``_SECRET``, read
from the environment), never from code. The secret goes in the token request's form body (or as
HTTP Basic where the platform asks for it) and never into a URL, a log line or an exception.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.utils import timezone

from .base import Credentials, CredentialsRejected
from .http import TimeoutSession, TokenExpired, send


class OAuthClientBase(ABC):
    """Subclasses set the class attributes and implement ``identify``."""

    platform: str = ""
    scopes: tuple[str, ...] = ()
    authorise_endpoint: str = ""
    token_endpoint: str = ""
    scope_separator: str = " "
    # X asks a confidential client to authenticate the token request with HTTP Basic.
    secret_as_basic_auth: bool = False

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        session: requests.Session | None = None,
        now: Callable[[], datetime] = timezone.now,
    ):
        prefix = f"CONNECTOR_{self.platform.upper()}"
        self.client_id = client_id if client_id is not None else getattr(settings, f"{prefix}_CLIENT_ID", "")
        self.client_secret = (
            client_secret if client_secret is not None else getattr(settings, f"{prefix}_CLIENT_SECRET", "")
        )
        self.session = session or TimeoutSession()
        self.now = now

    # --- The Protocol -----------------------------------------------------------------------
    def authorisation_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        """Where to send the Communications officer to grant access. ``code_challenge`` is the
        S256 digest of the verifier the caller keeps in the session with ``state``."""
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.scope_separator.join(self.scopes),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            **self.extra_authorise_params(),
        }
        return f"{self.authorise_endpoint}?{urlencode(query)}"

    def exchange_code(self, *, code: str, code_verifier: str, redirect_uri: str) -> Credentials:
        token = self.token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )
        return self.identify(token)

    # --- Shared by the connectors ----------------------------------------------------------
    def refresh(self, credentials: Credentials) -> Credentials:
        """New credentials from the refresh token; ``CredentialsRejected`` if there is none or the
        platform refuses it (the connection is broken until someone reconnects)."""
        if not credentials.refresh_token:
            raise CredentialsRejected(f"{self.platform} access has expired and cannot be renewed")
        token = self.token_request(
            {"grant_type": "refresh_token", "refresh_token": credentials.refresh_token}
        )
        return replace(
            credentials,
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token") or credentials.refresh_token,
            expires_at=self.expires_at(token),
        )

    def token_request(self, form: dict) -> dict:
        """POST the form to the token endpoint. A 400 or 401 there means the code, verifier or
        refresh token was refused: ``CredentialsRejected``."""
        form = {**form, "client_id": self.client_id}
        auth = None
        if self.secret_as_basic_auth:
            auth = (self.client_id, self.client_secret)
        else:
            form["client_secret"] = self.client_secret

        def refused(response: requests.Response) -> None:
            if response.status_code in (400, 401):
                raise CredentialsRejected(f"{self.platform} refused the authorisation")

        token = send(
            self.session,
            "POST",
            self.token_endpoint,
            platform=self.platform,
            check=refused,
            data=form,
            auth=auth,
            headers={"Accept": "application/json"},
        )
        if not token.get("access_token"):
            raise CredentialsRejected(f"{self.platform} sent no access token")
        return token

    def expires_at(self, token: dict) -> datetime | None:
        seconds = token.get("expires_in")
        if seconds in (None, "", 0):
            return None
        return self.now() + timedelta(seconds=int(seconds))

    def extra_authorise_params(self) -> dict:
        return {}

    @abstractmethod
    def identify(self, token: dict) -> Credentials:
        """The account this token acts for (one call to the platform), as ``Credentials``: each
        platform's client says how (X's ``users/me``, YouTube's ``channels?mine=true``, …)."""


T = TypeVar("T")


class RefreshingConnector:
    """What every OAuth platform's connector does with its token: renew it when it has expired, or
    when the platform refuses it, once per run; the sync stores the renewed credentials
    (``refreshed_credentials``). A second refusal, or a refused refresh, is ``CredentialsRejected``.
    """

    oauth_class: type[OAuthClientBase]

    def __init__(
        self,
        credentials: Credentials,
        *,
        session: requests.Session | None = None,
        oauth: OAuthClientBase | None = None,
    ):
        self.credentials = credentials
        self.session = session or TimeoutSession()
        self.oauth = oauth or self.oauth_class(session=self.session)
        self._refreshed: Credentials | None = None

    def refreshed_credentials(self) -> Credentials | None:
        return self._refreshed

    def _renew(self) -> None:
        if self._refreshed is not None:
            raise CredentialsRejected(f"{self.oauth.platform} refused the renewed access token")
        self.credentials = self.oauth.refresh(self.credentials)
        self._refreshed = self.credentials

    def with_token(self, call: Callable[[], T]) -> T:
        expires_at = self.credentials.expires_at
        if expires_at is not None and expires_at <= self.oauth.now() and self._refreshed is None:
            self._renew()
        try:
            return call()
        except TokenExpired:
            self._renew()
            return call()
