"""Connecting an account (issue 14 item 4): app passwords and OAuth, Communications only; secrets
encrypted at rest and never shown, exported, served or logged; key rotation; disconnecting; replying
on the platform from the inbox, and the emergency rule (003 D9.1)."""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db import connection as db
from django.urls import reverse

from accounts_register.platforms import Platform
from councilsocial.lib.secrets import SecretsError, decrypt
from councilsocial.permissions import COMMUNICATIONS
from monitoring import connections
from monitoring.connections import connection_credentials, credentials_encrypt
from monitoring.connectors import registry
from monitoring.connectors.base import Credentials, CredentialsRejected
from monitoring.connectors.bluesky import MAX_REPLY_GRAPHEMES
from monitoring.models import Connection, ConnectionStatus, EnquiryStatus, OAuthAttempt, Response
from monitoring.sync import connection_sync
from tests.factories import AccountFactory, EnquiryFactory, UserFactory

from .connector_fakes import FakePlatform
from .sync_helpers import connect

NOW = datetime(2025, 1, 15, 11, 0, tzinfo=UTC)  # Wednesday 11:00
APP_PASSWORD = "abcd-2345-efgh-6789"
ACCESS_TOKEN = "EAAB-page-token-9f8e7d6c5b4a"
REFRESH_TOKEN = "refresh-0a1b2c3d4e5f"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def platform(monkeypatch, settings):
    """Bluesky and Facebook, played by the fake platform (their real connectors are other modules);
    the council has registered its app with Facebook."""
    settings.CONNECTOR_FACEBOOK_CLIENT_ID = "council-app-id"
    fake = FakePlatform()
    monkeypatch.setitem(registry.CONNECTORS, "bluesky", fake.connector)
    monkeypatch.setitem(registry.CONNECTORS, "facebook", fake.connector)
    return fake


class FakeOAuthClient:
    """A stand-in for the platform's authorisation server: it checks PKCE as the real one would."""

    platform = "facebook"
    scopes = ("pages_read_engagement",)

    def __init__(self):
        self.challenges: dict[str, str] = {}
        self.exchanged: list[str] = []

    def authorisation_url(self, *, state, code_challenge, redirect_uri):
        self.challenges[state] = code_challenge
        return f"https://platform.example/oauth?state={state}&code_challenge={code_challenge}&method=S256"

    def exchange_code(self, *, code, code_verifier, redirect_uri):
        digest = (
            base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
        )
        if code != "good-code" or digest not in self.challenges.values():
            raise CredentialsRejected("The code or its verifier was refused")
        self.exchanged.append(code)
        return Credentials(
            account_ref="page-111",
            handle="CannockChaseDC",
            access_token=ACCESS_TOKEN,
            refresh_token=REFRESH_TOKEN,
            expires_at=NOW + timedelta(days=60),
        )


@pytest.fixture
def oauth(monkeypatch, platform):
    client = FakeOAuthClient()
    monkeypatch.setitem(registry.OAUTH_CLIENTS, "facebook", lambda: client)
    return client


@pytest.fixture
def bluesky(service):
    return AccountFactory(
        service=service,
        platform=Platform.BLUESKY,
        handle="cannockchasedc.bsky.social",
        url="https://bsky.app/profile/cannockchasedc.bsky.social",
    )


@pytest.fixture
def facebook(service):
    return AccountFactory(service=service, platform=Platform.FACEBOOK, handle="CannockChaseDC")


def raw_secrets() -> list[str]:
    """The secrets column as the database holds it, read with SQL."""
    with db.cursor() as cursor:
        cursor.execute("SELECT secrets FROM monitoring_connection")
        return [row[0] for row in cursor.fetchall()]


def connect_bluesky(client, account, password=APP_PASSWORD, handle="cannockchasedc.bsky.social"):
    return client.post(
        reverse("account-connect", args=[account.pk]), {"handle": handle, "app_password": password}
    )


# --- App passwords --------------------------------------------------------------------------------
def test_communications_connects_with_an_app_password_checked_once_and_stored_encrypted(
    client, comms, bluesky, platform
):
    client.force_login(comms)

    response = connect_bluesky(client, bluesky)

    assert response.status_code == 302
    connection = Connection.objects.get(account=bluesky)
    assert (connection.platform, connection.handle, connection.status) == (
        "bluesky",
        "cannockchasedc.bsky.social",
        ConnectionStatus.CONNECTED,
    )
    assert connection.connected_by == comms and connection.connected_at == NOW
    assert platform.fetches == 1  # verified by one call before saving
    assert platform.credentials_seen[0].app_password == APP_PASSWORD
    [raw] = raw_secrets()
    assert APP_PASSWORD not in raw and "app_password" not in raw
    assert connection_credentials(connection).app_password == APP_PASSWORD


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "outsider"])
def test_only_communications_may_connect(client, request, persona, bluesky, platform):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("account-connect", args=[bluesky.pk]))
    sent = connect_bluesky(client, bluesky)

    assert page.status_code in (403, 404) and sent.status_code in (403, 404)
    assert not Connection.objects.exists() and platform.fetches == 0


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "ABCD-2345-EFGH-6789",
        "abcd2345efgh6789",
        "abcd-2345-efgh-678!",
        "p@ss",
    ],
)
def test_anything_but_an_app_password_is_refused_before_it_is_sent(
    client, comms, bluesky, platform, password
):
    client.force_login(comms)

    response = connect_bluesky(client, bluesky, password=password)

    assert response.status_code == 200
    assert "That is not an app password" in response.text
    assert "Never enter the account&#x27;s own password" in response.text
    assert password not in response.text  # not even echoed back
    assert not Connection.objects.exists() and platform.fetches == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("handle", "cannock\x00chase.bsky.social"),
        ("app_password", "abcd-2345-\x00fgh-6789"),
        ("handle", "a" * 100_000),
        ("app_password", "a" * 100_000),
        ("handle", "<script>alert(1)</script>"),
        ("handle", "../../etc/passwd"),
    ],
)
def test_hostile_input_gives_a_form_error(client, comms, bluesky, platform, field, value):
    client.force_login(comms)
    data = {"handle": "cannockchasedc.bsky.social", "app_password": APP_PASSWORD, field: value}

    response = client.post(reverse("account-connect", args=[bluesky.pk]), data)

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert not Connection.objects.exists()


def test_an_app_password_the_platform_refuses_is_not_saved(client, comms, bluesky, platform):
    platform.failures[1] = CredentialsRejected("Invalid identifier or password")
    client.force_login(comms)

    response = connect_bluesky(client, bluesky)

    assert response.status_code == 200
    assert "did not accept that handle and app password" in response.text
    assert not Connection.objects.exists()


def test_a_platform_that_cannot_be_connected_says_so(client, comms, service):
    account = AccountFactory(
        service=service, platform=Platform.NEXTDOOR, handle="ccdc", url="https://nextdoor.co.uk/x"
    )
    client.force_login(comms)

    response = client.get(reverse("account-connect", args=[account.pk]))

    assert response.status_code == 200 and "cannot be connected yet" in response.text


# --- Secrets never shown, exported, served or logged -----------------------------------------------------
@pytest.fixture
def connected(client, comms, bluesky, platform):
    client.force_login(comms)
    assert connect_bluesky(client, bluesky).status_code == 302
    Connection.objects.filter(account=bluesky).update(
        secrets=credentials_encrypt(
            Credentials(
                account_ref="did:plc:abc",
                app_password=APP_PASSWORD,
                access_token=ACCESS_TOKEN,
                refresh_token=REFRESH_TOKEN,
            )
        )
    )
    return Connection.objects.get(account=bluesky)


SECRETS = (APP_PASSWORD, ACCESS_TOKEN, REFRESH_TOKEN)


def test_the_secrets_are_in_no_page_export_or_api_response(client, comms, connected, bluesky):
    superuser = UserFactory(username="superuser", is_staff=True, is_superuser=True)
    enquiry = EnquiryFactory(account=bluesky, url="https://bsky.app/profile/x/post/1")
    pages = [
        reverse("account-detail", args=[bluesky.pk]),
        reverse("account-connect", args=[bluesky.pk]),
        reverse("account-disconnect", args=[bluesky.pk]),
        reverse("register-list"),
        reverse("register-export", args=["csv"]),
        reverse("register-export", args=["xlsx"]),
        "/api/accounts/",
        f"/api/accounts/{bluesky.pk}/",
        reverse("inbox"),
        reverse("enquiry-respond", args=[enquiry.pk]),
        reverse("enquiry-reply", args=[enquiry.pk]),
    ]
    admin_pages = [
        reverse("admin:monitoring_connection_changelist"),
        reverse("admin:monitoring_connection_change", args=[connected.pk]),
    ]
    for url in pages + admin_pages:
        if url == admin_pages[0]:
            client.force_login(superuser)
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        for secret in SECRETS:
            assert secret.encode() not in body, (url, secret)
        assert connected.secrets.encode() not in body, url  # not even encrypted


def test_the_admin_cannot_change_or_add_a_connection(client, connected):
    client.force_login(UserFactory(username="superuser", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:monitoring_connection_change", args=[connected.pk]),
        {"secrets": "x", "status": "broken"},
    )

    assert response.status_code == 403
    assert client.get(reverse("admin:monitoring_connection_add")).status_code == 403


def test_the_secrets_are_in_no_log_line(client, comms, bluesky, platform, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(comms)
    connect_bluesky(client, bluesky)
    connection = Connection.objects.get(account=bluesky)
    platform.enquiry("e1", NOW - timedelta(hours=1))
    platform.failures[4] = CredentialsRejected("Token expired")  # the second sync's first fetch
    connection_sync(connection_id=connection.pk, now=NOW)  # posts (fetch 2), enquiries (fetch 3)
    enquiry = bluesky.enquiries.get()
    client.force_login(comms)
    client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am to 4pm."})
    connection_sync(connection_id=connection.pk, now=NOW + timedelta(minutes=5))  # refused: broken
    client.post(reverse("account-disconnect", args=[bluesky.pk]))

    assert caplog.records, "the flow logs something"
    for record in caplog.records:
        line = f"{record.getMessage()} {record.__dict__}"
        for secret in (APP_PASSWORD, connection.secrets):
            assert secret not in line


def test_a_connection_prints_without_its_secrets(connected):
    for text in (repr(connected), str(connected), repr(connection_credentials(connected))):
        for secret in SECRETS:
            assert secret not in text


# --- Key rotation ------------------------------------------------------------------------------------
def test_rekey_re_encrypts_every_secret_with_the_first_key(settings, connected):
    old, new = settings.CONNECTION_KEYS[0], Fernet.generate_key().decode()
    before = raw_secrets()
    settings.CONNECTION_KEYS = [new, old]

    call_command("rekey_connections", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert raw_secrets() != before
    settings.CONNECTION_KEYS = [new]  # the old key removed
    connected.refresh_from_db()
    assert connection_credentials(connected).access_token == ACCESS_TOKEN


def test_without_rekey_removing_the_old_key_loses_the_secrets(settings, connected):
    settings.CONNECTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(SecretsError) as error:
        connection_credentials(connected)
    assert ACCESS_TOKEN not in str(error.value)


# --- Disconnecting -----------------------------------------------------------------------------------
def test_disconnecting_deletes_the_tokens(client, comms, connected, bluesky):
    page = client.get(reverse("account-disconnect", args=[bluesky.pk]))
    assert page.status_code == 200 and "Disconnect the account?" in page.text

    response = client.post(reverse("account-disconnect", args=[bluesky.pk]))

    assert response.status_code == 302
    assert not Connection.objects.filter(account=bluesky).exists()
    assert raw_secrets() == []


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "outsider"])
def test_only_communications_may_disconnect(client, request, persona, connected, bluesky):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("account-disconnect", args=[bluesky.pk]))

    assert response.status_code in (403, 404)
    assert Connection.objects.filter(account=bluesky).exists()


# --- OAuth (authorisation code with PKCE and state) ------------------------------------------------------
def start_oauth(client, account):
    response = client.get(reverse("account-connect-oauth", args=[account.pk]))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    return query["state"][0], query["code_challenge"][0]


def callback(client, state, code="good-code"):
    return client.get(reverse("connection-oauth-callback"), {"state": state, "code": code})


def test_oauth_connects_with_pkce_and_a_state_bound_to_the_session(client, comms, facebook, oauth):
    client.force_login(comms)
    page = client.get(reverse("account-connect", args=[facebook.pk]))
    assert "Continue to Facebook" in page.text
    assert reverse("account-connect-oauth", args=[facebook.pk]) in page.text

    state, challenge = start_oauth(client, facebook)
    attempt = OAuthAttempt.objects.get(state=state)
    assert attempt.user == comms and attempt.account == facebook
    assert len(challenge) == 43  # S256: base64url of a SHA-256, unpadded
    with db.cursor() as cursor:
        cursor.execute("SELECT code_verifier FROM monitoring_oauthattempt")
        [(raw_verifier,)] = cursor.fetchall()
    assert raw_verifier != decrypt(raw_verifier)

    response = callback(client, state)

    assert response.status_code == 302 and response["Location"] == reverse(
        "account-detail", args=[facebook.pk]
    )
    connection = Connection.objects.get(account=facebook)
    assert (connection.account_ref, connection.handle, connection.expires_at) == (
        "page-111",
        "CannockChaseDC",
        NOW + timedelta(days=60),
    )
    assert connection_credentials(connection).access_token == ACCESS_TOKEN
    assert all(ACCESS_TOKEN not in raw and REFRESH_TOKEN not in raw for raw in raw_secrets())
    assert not OAuthAttempt.objects.exists()  # used up


def test_a_replayed_oauth_callback_is_refused(client, comms, facebook, oauth):
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)
    assert callback(client, state).status_code == 302
    Connection.objects.all().delete()

    replayed = callback(client, state)

    assert replayed.status_code == 400
    assert not Connection.objects.exists()
    assert oauth.exchanged == ["good-code"]


def test_a_state_from_another_session_is_refused(client, comms, facebook, oauth):
    client.force_login(comms)
    theirs, _ = start_oauth(client, facebook)  # an attacker's sign-in, started elsewhere
    other = UserFactory(username="comms2", groups=[COMMUNICATIONS])
    client.force_login(other)
    start_oauth(client, facebook)  # this session's own state

    response = callback(client, theirs)

    assert response.status_code == 400
    assert "not started here" in response.text
    assert not Connection.objects.exists() and oauth.exchanged == []


def test_an_oauth_state_older_than_ten_minutes_is_refused(client, comms, facebook, oauth):
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)

    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        response = callback(client, state)

    assert response.status_code == 400 and "expired" in response.text
    assert not Connection.objects.exists() and not OAuthAttempt.objects.exists()


def test_a_sign_in_refused_on_the_platform_connects_nothing(client, comms, facebook, oauth):
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)

    response = client.get(reverse("connection-oauth-callback"), {"state": state, "error": "access_denied"})

    assert response.status_code == 400 and not Connection.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "outsider"])
def test_only_communications_may_start_or_finish_an_oauth_sign_in(
    client, request, persona, comms, facebook, oauth
):
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("account-connect-oauth", args=[facebook.pk])).status_code in (403, 404)
    assert callback(client, state).status_code == 403
    assert not Connection.objects.exists()


# --- Replying on the platform --------------------------------------------------------------------------
@pytest.fixture
def enquiry(bluesky, platform):
    connect(bluesky, now=NOW - timedelta(days=1), platform="bluesky")
    return EnquiryFactory(account=bluesky, received_at=NOW - timedelta(hours=1), platform_id="at://post/1")


def test_an_officer_replies_on_the_platform_and_the_clock_stops_once(client, officer, enquiry, platform):
    client.force_login(officer)
    page = client.get(reverse("enquiry-respond", args=[enquiry.pk]))
    assert reverse("enquiry-reply", args=[enquiry.pk]) in page.text

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "  Open 8am to 4pm.  "})

    assert response.status_code == 302
    assert [(r.in_reply_to, r.text) for r in platform.published] == [("at://post/1", "Open 8am to 4pm.")]
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANSWERED and enquiry.first_response_at == NOW
    recorded = Response.objects.get(enquiry=enquiry)
    assert (recorded.kind, recorded.text, recorded.platform_id, recorded.recorded_by) == (
        "full",
        "Open 8am to 4pm.",
        "reply-1",
        officer,
    )
    # The next sync sees the same reply in the thread: nothing more is recorded.
    connection_sync(connection_id=enquiry.account.connection.pk, now=NOW + timedelta(minutes=5))
    assert Response.objects.filter(enquiry=enquiry).count() == 1


@pytest.mark.parametrize("text", ["", "   ", "a" * 5001, "bad\x00byte"])
def test_a_reply_that_cannot_be_sent_gives_a_form_error(client, officer, enquiry, platform, text):
    client.force_login(officer)

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": text})

    assert response.status_code == 200 and "govuk-error-summary" in response.text
    assert platform.published == [] and not Response.objects.exists()


def test_an_emergency_stops_replies_from_everyone_but_its_named_officers(
    client, officer, comms, enquiry, platform
):
    from operations.services import emergency_declare

    named = UserFactory(username="named-comms", groups=[COMMUNICATIONS])
    emergency_declare(
        by=comms,
        title="Flooding",
        reason="Flooding",
        holding_message="Please wait.",
        named_officers=[named],
        now=NOW,
    )
    for person in (officer, comms):
        client.force_login(person)
        page = client.get(reverse("enquiry-respond", args=[enquiry.pk]))
        assert "only the Communications officers named for it can reply" in page.text
        refused = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am."})
        assert refused.status_code == 403
    assert platform.published == []

    client.force_login(named)
    assert client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am."}).status_code == 302
    assert len(platform.published) == 1


def test_where_the_platform_cannot_reply_the_app_does_not_offer_to(client, officer, bluesky, monkeypatch):
    silent = FakePlatform(can_reply=False)
    monkeypatch.setitem(registry.CONNECTORS, "bluesky", silent.connector)
    connect(bluesky, now=NOW - timedelta(days=1), platform="bluesky")
    enquiry = EnquiryFactory(account=bluesky, received_at=NOW - timedelta(hours=1))
    client.force_login(officer)

    page = client.get(reverse("enquiry-respond", args=[enquiry.pk]))
    refused = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am."})

    assert reverse("enquiry-reply", args=[enquiry.pk]) not in page.text
    assert "does not let the app reply" in page.text
    assert refused.status_code == 403 and silent.published == []


def test_someone_outside_the_service_cannot_reply(client, request, enquiry, platform):
    client.force_login(request.getfixturevalue("outsider"))

    assert client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Hi"}).status_code == 404
    assert platform.published == []


def test_the_inbox_links_each_enquiry_to_the_platform(client, officer, service):
    EnquiryFactory(account=AccountFactory(service=service), url="https://x.com/resident/status/42")
    client.force_login(officer)

    response = client.get(reverse("inbox"))

    assert 'href="https://x.com/resident/status/42"' in response.text
    assert "View it on X (Twitter)" in response.text


# --- The account page's connection health -----------------------------------------------------------------
def test_the_account_page_shows_the_last_sync_the_backlog_and_the_error(client, comms, officer, bluesky):
    connection = connect(bluesky, now=NOW - timedelta(days=1), platform="bluesky")
    Connection.objects.filter(pk=connection.pk).update(
        last_success_at=NOW - timedelta(hours=2),
        backlog=1,
        last_error="The platform answered 503",
        failing_since=NOW - timedelta(hours=1),
    )
    client.force_login(comms)
    page = client.get(reverse("account-detail", args=[bluesky.pk])).text

    assert "15 January 2025 09:00" in page  # last successful sync, UK time
    assert "More is waiting on the platform" in page
    assert "The platform answered 503" in page and "Not syncing" in page
    assert reverse("account-disconnect", args=[bluesky.pk]) in page

    client.force_login(officer)
    assert (
        reverse("account-disconnect", args=[bluesky.pk])
        not in client.get(reverse("account-detail", args=[bluesky.pk])).text
    )


@pytest.mark.parametrize("state", ["é-not-ascii", "\x00", "x" * 5000, ""])
def test_a_hostile_state_is_refused_plainly(client, comms, facebook, oauth, state):
    client.force_login(comms)
    start_oauth(client, facebook)

    response = callback(client, state)

    assert response.status_code == 400
    assert not Connection.objects.exists()


def test_reconnecting_the_same_account_keeps_its_cursors_and_another_starts_afresh(
    client, comms, facebook, oauth, monkeypatch
):
    from monitoring.models import SyncCursor

    client.force_login(comms)
    callback(client, start_oauth(client, facebook)[0])
    connection = Connection.objects.get(account=facebook)
    SyncCursor.objects.create(connection=connection, stream="enquiries", cursor="42", updated_at=NOW)
    callback(client, start_oauth(client, facebook)[0])
    assert SyncCursor.objects.filter(connection=connection).count() == 1

    other = Credentials(account_ref="page-222", access_token=ACCESS_TOKEN)
    monkeypatch.setattr(oauth, "exchange_code", lambda **kwargs: other)
    callback(client, start_oauth(client, facebook)[0])

    assert Connection.objects.get(account=facebook).account_ref == "page-222"
    assert not SyncCursor.objects.exists()


def test_rekey_also_re_encrypts_oauth_sign_ins_in_progress(settings, client, comms, facebook, oauth):
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)
    old, new = settings.CONNECTION_KEYS[0], Fernet.generate_key().decode()
    settings.CONNECTION_KEYS = [new, old]

    call_command("rekey_connections", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.CONNECTION_KEYS = [new]

    assert callback(client, state).status_code == 302  # the verifier still reads, with the new key
    assert Connection.objects.filter(account=facebook).exists()


@pytest.mark.django_db
def test_an_oauth_platform_the_council_has_not_registered_with_cannot_be_connected(settings):
    settings.CONNECTOR_X_CLIENT_ID = ""
    assert registry.how_to_connect("x") is None
    settings.CONNECTOR_X_CLIENT_ID = "council-app-id"
    assert registry.how_to_connect("x") == "oauth"


def test_a_bluesky_reply_over_its_300_characters_is_refused_before_anything_is_sent(
    client, officer, enquiry, platform
):
    """Bluesky publishes at most 300 characters: the page says so, and a longer reply is a form error
    with nothing posted and nothing recorded, instead of the platform's refusal after pressing send."""
    assert registry.reply_limit("bluesky") == MAX_REPLY_GRAPHEMES == 300
    client.force_login(officer)
    page = client.get(reverse("enquiry-reply", args=[enquiry.pk]))
    assert "Bluesky replies can be at most 300 characters." in page.text

    refused = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "a" * 301})

    assert refused.status_code == 200
    assert "Your reply must be 300 characters or fewer to be posted on Bluesky" in refused.text
    assert platform.published == [] and not Response.objects.exists()

    sent = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "a" * 300})
    assert sent.status_code == 302 and len(platform.published) == 1


def test_two_register_entries_cannot_hold_connections_to_one_platform_account(bluesky):
    """The service refuses it with a sentence; the database refuses it too, should two people connect
    at the same moment."""
    connect(bluesky, now=NOW, platform="bluesky")
    first = Connection.objects.get(account=bluesky)
    other = AccountFactory(service=bluesky.service, platform=Platform.BLUESKY, handle="other.bsky.social")

    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(
            account=other, platform=first.platform, account_ref=first.account_ref, connected_at=NOW
        )
    assert Connection.objects.filter(account_ref=first.account_ref).count() == 1


def test_a_connection_made_elsewhere_at_the_same_moment_is_refused_in_words(bluesky, comms, monkeypatch):
    """The race the service's own check cannot see: another register entry connects the same platform
    account between the check and the save. The database refuses it; the person gets a sentence."""
    other = AccountFactory(service=bluesky.service, platform=Platform.BLUESKY, handle="other.bsky.social")
    credentials = Credentials(
        account_ref="did:plc:same", handle="cannockchasedc.bsky.social", app_password="x"
    )
    real_replace = connections._connection_replace

    def replace_after_someone_else(**kwargs):
        Connection.objects.create(
            account=other, platform="bluesky", account_ref="did:plc:same", connected_at=NOW
        )
        return real_replace(**kwargs)

    monkeypatch.setattr(connections, "_connection_replace", replace_after_someone_else)
    with pytest.raises(connections.ConnectionRefused, match="at the same moment"):
        connections._connection_save(
            account=bluesky, platform="bluesky", credentials=credentials, by=comms, now=NOW
        )

    assert list(Connection.objects.values_list("account", flat=True)) == [other.pk]


def test_a_reply_posted_on_the_platform_cannot_be_undone(client, officer, enquiry, platform):
    """It is public whatever the record says: the inbox does not offer to undo it, and the service
    refuses, leaving the enquiry answered and its clock stopped."""
    client.force_login(officer)
    client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am to 4pm."})
    posted = Response.objects.get(enquiry=enquiry)

    inbox = client.get(reverse("inbox")).text
    assert reverse("response-undo", args=[posted.pk]) not in inbox
    refused = client.post(reverse("response-undo", args=[posted.pk]), follow=True)

    assert "This reply is posted on Bluesky, so it cannot be undone here" in refused.text
    posted.refresh_from_db()
    enquiry.refresh_from_db()
    assert posted.undone_at is None
    assert enquiry.status == EnquiryStatus.ANSWERED and enquiry.first_response_at is not None
