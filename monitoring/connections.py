"""Writes for connected accounts (issue 14 item 4): connecting by app password or OAuth (PKCE and
``state``), disconnecting, replying on the platform from the inbox; and the one place secrets are
encrypted and decrypted for a connection.

Only Communications connects and disconnects (001 §19: Communications administers every account);
a secret is never returned to a caller other than the sync and the reply below.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets as token_source
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce

from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import FlagChanges, flags_reconcile
from councilsocial.lib import secrets
from councilsocial.permissions import is_communications
from operations.services import emergency_in_force

from .connectors.base import (
    ConnectorError,
    Credentials,
    CredentialsRejected,
    PlatformUnavailable,
    ReplyNotSupported,
)
from .connectors.registry import (
    APP_PASSWORD_PLATFORMS,
    CONNECTORS,
    connector_for,
    how_to_connect,
    oauth_client_for,
    reply_limit,
)
from .models import (
    OAUTH_ATTEMPT_MINUTES,
    Connection,
    ConnectionStatus,
    Enquiry,
    OAuthAttempt,
    Response,
    ResponseKind,
)
from .services import ResponseError, enquiry_record_response

logger = logging.getLogger(__name__)

#: A Bluesky app password: four groups of four lowercase letters or digits. An account's own password
#: never looks like this, and the register never holds one (004 Do 3).
SECRET_KEYS = ("access_token", "refresh_token", "app_password")


class ConnectionRefused(Exception):
    """What cannot be done, in words safe to show (never a secret)."""


# --- Secrets ---------------------------------------------------------------------------------------
def credentials_encrypt(credentials: Credentials) -> str:
    return secrets.encrypt_json({key: getattr(credentials, key) for key in SECRET_KEYS})


def connection_credentials(connection: Connection) -> Credentials:
    """The connection's credentials, decrypted: only for the sync or a reply, never shown."""
    stored = secrets.decrypt_json(connection.secrets)
    return Credentials(
        account_ref=connection.account_ref,
        handle=connection.handle,
        expires_at=connection.expires_at,
        extra=dict(connection.extra or {}),
        **{key: stored.get(key, "") for key in SECRET_KEYS},
    )


def connection_store_credentials(*, connection_id: int, credentials: Credentials) -> None:
    """Store refreshed credentials (a new OAuth token), encrypted."""
    Connection.objects.filter(pk=connection_id).update(
        secrets=credentials_encrypt(credentials),
        expires_at=credentials.expires_at,
        extra=dict(credentials.extra or {}),
    )


def _connection_save(*, account, platform: str, credentials: Credentials, by, now: datetime) -> Connection:
    """Create or replace the account's connection: connected, with fresh health. Reconnecting the same
    platform account keeps its cursors (it carries on where it stopped); another account starts afresh.
    A handle or id longer than the register keeps is refused, rather than failing in the database."""
    handle = credentials.handle or account.handle
    if (
        len(handle) > Connection._meta.get_field("handle").max_length
        or len(credentials.account_ref) > Connection._meta.get_field("account_ref").max_length
    ):
        raise ConnectionRefused("The platform's name for this account is too long for the register.")
    elsewhere = (
        Connection.objects.filter(platform=platform, account_ref=credentials.account_ref)
        .exclude(account=account)
        .select_related("account")
        .first()
    )
    if elsewhere is not None:  # its enquiries would arrive twice, in two inboxes, and count twice
        raise ConnectionRefused(
            f"That account is already connected to {elsewhere.account.display_handle} in the register. "
            "Disconnect it there first."
        )
    try:
        connection = _connection_replace(
            account=account, platform=platform, credentials=credentials, by=by, now=now
        )
    except IntegrityError:  # connected to another register entry at this very moment
        raise ConnectionRefused(
            "That account was connected to another entry in the register at the same moment. "
            "Disconnect it there first."
        ) from None
    logger.info("Account %s connected to %s by user %s", account.pk, platform, getattr(by, "pk", None))
    return connection


def _connection_replace(*, account, platform: str, credentials: Credentials, by, now: datetime) -> Connection:
    """The account's connection replaced in one transaction (the database refuses a platform account
    already connected elsewhere: ``connection_one_per_platform_account``)."""
    handle = credentials.handle or account.handle
    with transaction.atomic():
        before = Connection.objects.select_for_update().filter(account=account).first()
        if before is not None and (before.platform, before.account_ref) != (
            platform,
            credentials.account_ref,
        ):
            before.cursors.all().delete()
        connection, _ = Connection.objects.update_or_create(
            account=account,
            defaults={
                "platform": platform,
                "account_ref": credentials.account_ref,
                "handle": handle,
                "status": ConnectionStatus.CONNECTED,
                "secrets": credentials_encrypt(credentials),
                "extra": dict(credentials.extra or {}),
                "expires_at": credentials.expires_at,
                "connected_by": by,
                "connected_at": now,
                "last_error": "",
                "failing_since": None,
                "next_sync_after": None,
            },
        )
    return connection


def _require_communications(by) -> None:
    if not is_communications(by):
        raise ConnectionRefused("Only Communications can connect or disconnect an account.")


# --- Connecting with an app password (Bluesky) -----------------------------------------------------
def connection_connect_app_password(
    *, account, handle: str, app_password: str, by, now: datetime
) -> Connection:
    """Connect with a handle and an app password, after one call to the platform proves they work.

    Anything not in the app-password format is refused before it leaves the form, so an account's
    own password is never sent or kept (004 Do 3).
    """
    _require_communications(by)
    platform = account.platform
    if how_to_connect(platform) != "app_password":
        raise ConnectionRefused("This platform is not connected with an app password.")
    rule = APP_PASSWORD_PLATFORMS[platform]
    if not rule.is_app_password(app_password or ""):
        raise ConnectionRefused("That is not an app password.")
    factory = connector_for(platform)
    extra = rule.extra()
    credentials = Credentials(account_ref=handle, handle=handle, app_password=app_password, extra=extra)
    try:
        connector = factory(credentials)
        connector.fetch_posts(None)  # one call: do they work?
    except CredentialsRejected:
        raise ConnectionRefused(
            "The platform did not accept that handle and app password. Check both and try again."
        ) from None
    except ConnectorError as error:
        raise ConnectionRefused(f"The platform could not be reached: {error}. Try again later.") from None
    signed_in = connector.refreshed_credentials()
    if signed_in is not None:  # e.g. the account's DID and a session, learnt by signing in
        credentials = Credentials(
            account_ref=signed_in.account_ref or handle,
            handle=signed_in.handle or handle,
            access_token=signed_in.access_token,
            refresh_token=signed_in.refresh_token,
            expires_at=signed_in.expires_at,
            app_password=app_password,
            extra={**extra, **signed_in.extra},
        )
    return _connection_save(account=account, platform=platform, credentials=credentials, by=by, now=now)


# --- Connecting with OAuth (authorisation code, PKCE S256, state) ----------------------------------
@dataclass(frozen=True)
class OAuthStart:
    state: str
    url: str


def _code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def connection_oauth_start(*, account, by, redirect_uri: str, now: datetime) -> OAuthStart:
    """Start an OAuth sign-in: a new single-use ``state`` and PKCE verifier (RFC 7636, S256), kept
    for ``OAUTH_ATTEMPT_MINUTES``; the caller puts ``state`` in the person's session and sends them
    to ``url``."""
    _require_communications(by)
    if how_to_connect(account.platform) != "oauth":
        raise ConnectionRefused(
            "This platform cannot be connected yet: the council has not registered the app with it."
        )
    client = oauth_client_for(account.platform)
    state = token_source.token_urlsafe(32)
    verifier = token_source.token_urlsafe(64)  # 86 characters, within RFC 7636's 43–128
    with transaction.atomic():
        OAuthAttempt.objects.expired(now=now).delete()
        OAuthAttempt.objects.create(
            state=state,
            code_verifier=secrets.encrypt(verifier),
            account=account,
            platform=account.platform,
            user=by,
            created_at=now,
        )
    url = client.authorisation_url(
        state=state, code_challenge=_code_challenge(verifier), redirect_uri=redirect_uri
    )
    return OAuthStart(state=state, url=url)


def connection_oauth_finish(
    *, state: str, session_state: str | None, code: str, by, redirect_uri: str, now: datetime
) -> Connection:
    """Finish an OAuth sign-in: the ``state`` must be the one this person's session started, not
    used before and not expired; it is used up whatever happens next. The code is exchanged for
    tokens through the platform's OAuth client, with the PKCE verifier."""
    _require_communications(by)
    if (
        not state
        or not session_state
        or not token_source.compare_digest(state.encode(), session_state.encode())
    ):
        raise ConnectionRefused("This sign-in was not started here. Start again from the account page.")
    with transaction.atomic():
        attempt = (
            OAuthAttempt.objects.select_for_update()
            .select_related("account")
            .filter(state=state, user=by)
            .first()
        )
        if attempt is not None:
            attempt.delete()  # single use, from here on
    if attempt is None or now - attempt.created_at > timedelta(minutes=OAUTH_ATTEMPT_MINUTES):
        raise ConnectionRefused(
            "This sign-in has expired or was already used. Start again from the account page."
        )
    client = oauth_client_for(attempt.platform)
    if client is None:
        raise ConnectionRefused("This platform cannot be connected yet.")
    try:
        credentials = client.exchange_code(
            code=code, code_verifier=secrets.decrypt(attempt.code_verifier), redirect_uri=redirect_uri
        )
    except secrets.SecretsError:  # the key was changed while the person was on the platform
        raise ConnectionRefused(
            "This sign-in cannot be finished. Start again from the account page."
        ) from None
    except ConnectorError as error:
        raise ConnectionRefused(f"The platform did not connect the account: {error}") from None
    return _connection_save(
        account=attempt.account, platform=attempt.platform, credentials=credentials, by=by, now=now
    )


def connection_oauth_cancel(*, state: str, session_state: str | None, by) -> None:
    """The platform sent the person back without a code (they cancelled, or it refused): the sign-in
    this session started is deleted with its PKCE verifier, rather than left until it expires. Only
    the person's own, and only the one their session started."""
    if (
        not state
        or not session_state
        or not token_source.compare_digest(state.encode(), session_state.encode())
    ):
        return
    OAuthAttempt.objects.filter(state=state, user=by).delete()


# --- Disconnecting ---------------------------------------------------------------------------------
def connection_disconnect(*, account, by, now: datetime) -> bool:
    """Delete the account's connection, and with it its tokens or app password and its cursors.
    Its "not syncing" flag, if any, clears."""
    _require_communications(by)
    with transaction.atomic():
        ids = list(Connection.objects.filter(account=account).values_list("pk", flat=True))
        Connection.objects.filter(pk__in=ids).delete()
        if ids:
            connection_flags_reconcile(now=now, only=ids)
    if ids:
        logger.info("Account %s disconnected by user %s", account.pk, by.pk)
    return bool(ids)


# --- Health (issue 14 item 5) ----------------------------------------------------------------------
def failing_cut_off(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.CONNECTION_FAILING_FLAG_MINUTES)


def connection_flags_reconcile(*, now: datetime, only=None) -> FlagChanges:
    """One flag for each connection failing (broken, or every sync failing) for over an hour; it
    resolves when a sync succeeds or the account is disconnected. Raised once, so the digest emails
    about it once, however many runs fail. Uses ``connection_failing_idx``."""
    return flags_reconcile(
        kind=FlagKind.CONNECTION_FAILING,
        subjects=Connection.objects.failing_since_before(failing_cut_off(now)),
        now=now,
        account_field="account_id",
        service_field="account__service_id",
        only=only,
    )


# --- Replying on the platform from the inbox -------------------------------------------------------
def reply_refusal(*, enquiry: Enquiry, by) -> str | None:
    """Why ``by`` cannot reply to ``enquiry`` on the platform from the app now, or None.

    An emergency stops replying from the app for everyone but the Communications officers named for
    it (003 D9.1); purdah does not (what is said is the officer's judgement, 003 D10). Reading never
    stops.
    """
    emergency = emergency_in_force()
    if emergency is not None and not emergency.named_officers.filter(pk=by.pk).exists():
        return (
            "An emergency is in force: only the Communications officers named for it can reply from "
            "the app until it is lifted."
        )
    if not enquiry.is_open:
        return "This enquiry is already closed."
    connection = Connection.objects.filter(account_id=enquiry.account_id).first()
    if connection is None:
        return "This account is not connected, so replies are sent on the platform itself."
    if connection.status != ConnectionStatus.CONNECTED:
        return "This account's connection needs reconnecting before the app can reply."
    factory = CONNECTORS.get(connection.platform)
    if factory is None or not getattr(factory, "can_reply", False):
        return "This platform does not let the app reply; reply on the platform itself."
    return None


def reply_limit_for(enquiry: Enquiry) -> int | None:
    """The longest reply the platform the enquiry's account is connected through publishes, or None."""
    platform = (
        Connection.objects.filter(account_id=enquiry.account_id).values_list("platform", flat=True).first()
    )
    return reply_limit(platform) if platform else None


def _connection_broken(connection: Connection, *, error: str, now: datetime) -> None:
    """A reply found the connection broken: marked so, and failing from now (unless it already was),
    so that after an hour the "not syncing" flag is raised as when a sync finds it broken."""
    Connection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.BROKEN, last_error=error, failing_since=Coalesce(F("failing_since"), now)
    )


def enquiry_reply_on_platform(*, enquiry: Enquiry, text: str, by, now: datetime) -> Response:
    """Publish a reply on the platform and record it as the full answer, with what was said
    (000 §25: the reply stops the clock). Refused as ``reply_refusal`` says.

    One reply at a time per enquiry: the enquiry's row is locked while the platform is asked, so a
    second request (a double click, two officers at once) waits for the first, then finds the
    enquiry answered and is refused, rather than posting a second reply in the council's name. What
    a refused reply learnt (the connection is broken, a refreshed token) is kept.
    """
    text = (text or "").strip()
    if not text:
        raise ConnectionRefused("Enter the reply.")
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        try:
            return _reply_publish_and_record(enquiry=locked, text=text, by=by, now=now)
        except ConnectionRefused as refusal:
            refused = refusal  # leaves the block normally, so what it learnt is committed
    raise refused


def _reply_publish_and_record(*, enquiry: Enquiry, text: str, by, now: datetime) -> Response:
    refusal = reply_refusal(enquiry=enquiry, by=by)
    if refusal:
        raise ConnectionRefused(refusal)
    connection = Connection.objects.get(account_id=enquiry.account_id)
    try:
        credentials = connection_credentials(connection)
    except secrets.SecretsError:  # its key was removed before ``rekey_connections`` re-encrypted it
        unreadable = "The stored sign-in cannot be read: reconnect the account."
        _connection_broken(connection, error=unreadable, now=now)
        raise ConnectionRefused(unreadable) from None
    connector = connector_for(connection.platform)(credentials)
    try:
        reply = connector.publish_reply(
            in_reply_to=enquiry.platform_id,
            conversation_id=enquiry.conversation_id or enquiry.platform_id,
            text=text,
        )
    except ReplyNotSupported:
        raise ConnectionRefused(
            "This enquiry cannot be answered from the app; reply on the platform."
        ) from None
    except CredentialsRejected:
        _connection_broken(connection, error="The platform refused the account's sign-in.", now=now)
        raise ConnectionRefused(
            "The platform refused the account's sign-in: reconnect the account, then reply again."
        ) from None
    except PlatformUnavailable as error:
        raise ConnectionRefused(f"The reply was not sent: {error}. Try again in a few minutes.") from None
    except ConnectorError as error:  # the platform refused this reply: trying again will not help
        raise ConnectionRefused(f"The reply was not sent: {error}.") from None
    finally:
        refreshed = connector.refreshed_credentials()
        if refreshed is not None:
            connection_store_credentials(connection_id=connection.pk, credentials=refreshed)
    try:
        return enquiry_record_response(
            enquiry=enquiry,
            kind=ResponseKind.FULL,
            responded_at=min(reply.replied_at, now),
            text=reply.text or text,
            platform_id=reply.platform_id,
            by=by,
            now=now,
        )
    except ResponseError as error:
        logger.warning("Reply %s sent but not recorded on enquiry %s", reply.platform_id, enquiry.pk)
        raise ConnectionRefused(
            "The reply was sent on the platform, but could not be recorded here: "
            + " ".join(error.errors.values())
        ) from None


# --- Key rotation ----------------------------------------------------------------------------------
def connections_rekey(*, batch_size: int = 500) -> int:
    """Re-encrypt every stored secret (connections' tokens, OAuth verifiers) with the first of
    ``CONNECTION_KEYS`` (``MultiFernet.rotate``), so the old key can then be removed. Row by row under
    a lock, in batches; running it twice changes nothing but the tokens' timestamps. Returns how
    many secrets were re-encrypted."""
    done = 0
    for model, column in ((Connection, "secrets"), (OAuthAttempt, "code_verifier")):
        last = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update()
                    .filter(pk__gt=last)
                    .exclude(**{column: ""})
                    .order_by("pk")
                    .only("pk", column)[:batch_size]
                )
                for row in rows:
                    model.objects.filter(pk=row.pk).update(**{column: secrets.rotate(getattr(row, column))})
            if not rows:
                break
            done += len(rows)
            last = rows[-1].pk
    logger.info("Re-encrypted %d stored secrets with the first connection key.", done)
    return done


def platform_reply_state(*, enquiry: Enquiry, by) -> dict:
    """For the enquiry page: whether the account is connected, and why a reply from the app is
    refused now (None: it can be sent)."""
    connected = Connection.objects.filter(account_id=enquiry.account_id).exists()
    return {"connected": connected, "refusal": reply_refusal(enquiry=enquiry, by=by) if connected else None}
