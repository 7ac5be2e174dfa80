"""A second look at the connection pages as an attacker (issue 14 items 4–6): what the first tests
did not walk — long and look-alike handles, a cancelled OAuth sign-in's verifier, replies from other
services, hostile reply text, oversize webhook bodies."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.db import connection as db_connection
from django.urls import reverse

from accounts_register.platforms import Platform
from councilsocial.flags.models import FlagKind, GovernanceFlag
from monitoring.connections import (
    ConnectionRefused,
    connection_connect_app_password,
    connection_flags_reconcile,
    enquiry_reply_on_platform,
)
from monitoring.connectors.base import ConnectorError, CredentialsRejected, PlatformUnavailable
from monitoring.models import Connection, ConnectionStatus, Enquiry, OAuthAttempt, Response
from tests.factories import AccountFactory, EnquiryFactory, ServiceFactory, UserFactory

from . import test_connections as first_look
from .sync_helpers import connect
from .test_connections import APP_PASSWORD, NOW, connect_bluesky, start_oauth

# The first tests' fixtures: Bluesky and Facebook played by a fake platform, a fake OAuth server.
platform, oauth, bluesky, facebook = (
    first_look.platform,
    first_look.oauth,
    first_look.bluesky,
    first_look.facebook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_handle_longer_than_the_register_keeps_is_a_form_error_not_a_500(client, comms, bluesky, platform):
    client.force_login(comms)
    handle = ".".join(["a" * 60] * 4) + ".social"  # 250 characters, a valid DNS name

    response = connect_bluesky(client, bluesky, handle=handle)

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert not Connection.objects.exists() and platform.fetches == 0


@pytest.mark.parametrize(
    "handle",
    [
        "\u212aent.bsky.social",  # KELVIN SIGN, which lower() turns into an ASCII k
        "c\u0430nnock.bsky.social",  # Cyrillic a
        "cannock\u200b.bsky.social",  # zero-width space
        "ｃａｎｎｏｃｋ.bsky.social",  # full-width letters
    ],
)
def test_a_look_alike_handle_is_a_form_error(client, comms, bluesky, platform, handle):
    client.force_login(comms)

    response = connect_bluesky(client, bluesky, handle=handle)

    assert response.status_code == 200
    assert "Enter a handle like" in response.text
    assert not Connection.objects.exists() and platform.fetches == 0


def test_a_cancelled_oauth_sign_in_deletes_its_verifier(client, comms, facebook, oauth):
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)

    response = client.get(reverse("connection-oauth-callback"), {"state": state, "error": "access_denied"})

    assert response.status_code == 400
    assert not OAuthAttempt.objects.exists()


def test_a_cancelled_callback_cannot_delete_another_persons_sign_in(client, comms, facebook, oauth):
    client.force_login(comms)
    theirs, _ = start_oauth(client, facebook)
    other = UserFactory(username="comms-b", groups=["Communications"])
    client.force_login(other)

    client.get(reverse("connection-oauth-callback"), {"state": theirs, "error": "access_denied"})

    assert OAuthAttempt.objects.filter(state=theirs).exists()


@pytest.fixture
def enquiry(bluesky, platform):
    connect(bluesky, now=NOW - timedelta(days=1), platform="bluesky")
    return EnquiryFactory(account=bluesky, received_at=NOW - timedelta(hours=1), platform_id="at://post/1")


def test_an_officer_of_another_service_cannot_reply(client, enquiry, platform):
    stranger = UserFactory(username="other-officer")
    ServiceFactory(officers=[stranger], managers=[UserFactory(username="other-manager")])
    client.force_login(stranger)

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Hi"})

    assert response.status_code == 404
    assert platform.published == [] and not Response.objects.exists()


@pytest.mark.parametrize("text", ["Open\x00 at 8am", "a" * 10_000, "   "])
def test_hostile_reply_text_is_a_form_error_and_nothing_is_sent(client, officer, enquiry, platform, text):
    client.force_login(officer)

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": text})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert platform.published == [] and not Response.objects.exists()


@pytest.mark.parametrize("pk", ["99999999999999999999999", "0"])
def test_a_huge_or_missing_account_number_is_a_404(client, comms, pk):
    client.force_login(comms)

    for name in ("account-connect", "account-connect-oauth", "account-disconnect"):
        url = reverse(name, args=[1]).replace("/1/", f"/{pk}/")
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"handle": "x.bsky.social", "app_password": APP_PASSWORD}).status_code == 404


def test_an_oversize_webhook_delivery_is_refused_not_a_500(client, settings):
    settings.CONNECTOR_FACEBOOK_CLIENT_SECRET = "app-secret"
    body = b"{" + b" " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b"}"

    response = client.post(
        reverse("meta-webhook"), body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256="sha256=00"
    )

    assert 400 <= response.status_code < 500


def test_a_platform_handle_too_long_for_the_register_is_refused_not_a_500(client, comms, facebook, oauth):
    exchange = oauth.exchange_code
    oauth.exchange_code = lambda **kw: dataclasses.replace(exchange(**kw), handle="x" * 250)
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)

    response = client.get(reverse("connection-oauth-callback"), {"state": state, "code": "good-code"})

    assert response.status_code == 400
    assert "too long for the register" in response.text
    assert not Connection.objects.exists()


# --- As a new Communications officer ----------------------------------------------------------------
def account_page(client, person, account) -> str:
    client.force_login(person)
    return client.get(reverse("account-detail", args=[account.pk])).text


def test_a_connection_not_yet_synced_does_not_claim_to_be_up_to_date(client, comms, bluesky):
    connect(bluesky, now=NOW, platform="bluesky")

    page = account_page(client, comms, bluesky)

    assert "Not known until the first sync" in page
    assert "up to date at the last sync" not in page


def test_a_broken_connection_says_what_to_do_next_to_each_reader(client, comms, officer, bluesky):
    connection = connect(bluesky, now=NOW - timedelta(days=1), platform="bluesky")
    Connection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.BROKEN, last_error="Bluesky did not accept the app password"
    )

    assert "Reconnect it to start reading it again" in account_page(client, comms, bluesky)
    assert "Ask the Communications team to reconnect it" in account_page(client, officer, bluesky)


def test_a_reply_the_platform_refuses_does_not_say_to_try_again(client, officer, enquiry, platform):
    platform.reply_error = ConnectorError("A Bluesky reply can be at most 300 characters")
    client.force_login(officer)

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am."})

    assert "The reply was not sent: A Bluesky reply can be at most 300 characters." in response.text
    assert "Try again" not in response.text
    assert not Response.objects.exists()


def test_a_reply_the_platform_could_not_take_now_says_to_try_again(client, officer, enquiry, platform):
    platform.reply_error = PlatformUnavailable("Bluesky is not answering properly (502)")
    client.force_login(officer)

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am."})

    assert "Try again in a few minutes" in response.text
    assert not Response.objects.exists()


def test_an_unexpected_error_while_connecting_shows_no_secret_even_on_the_debug_page(
    client, comms, bluesky, platform, settings
):
    """Django's error page (DEBUG) and error reports list each frame's variables: the app password
    and the credentials must be among those it hides."""
    settings.DEBUG = True
    platform.failures[1] = RuntimeError("a fault of ours")
    client.raise_request_exception = False
    client.force_login(comms)

    response = connect_bluesky(client, bluesky)

    assert response.status_code == 500
    assert "a fault of ours" in response.text  # the debug page, with its variables
    assert APP_PASSWORD not in response.text
    assert not Connection.objects.exists()


def test_the_same_platform_account_cannot_be_connected_to_two_register_entries(
    client, comms, bluesky, platform, service
):
    client.force_login(comms)
    assert connect_bluesky(client, bluesky).status_code == 302
    duplicate = AccountFactory(
        service=service, platform=Platform.BLUESKY, handle="ccdc-again.bsky.social", url="https://bsky.app/x"
    )

    response = connect_bluesky(client, duplicate)

    assert response.status_code == 200
    assert "already connected to @cannockchasedc.bsky.social" in response.text
    assert list(Connection.objects.values_list("account_id", flat=True)) == [bluesky.pk]


def test_reconnecting_the_same_register_entry_is_not_a_duplicate(client, comms, bluesky, platform):
    client.force_login(comms)
    assert connect_bluesky(client, bluesky).status_code == 302

    assert connect_bluesky(client, bluesky).status_code == 302
    assert Connection.objects.count() == 1


def test_the_app_password_format_is_checked_by_the_service_too(comms, bluesky, platform):
    with pytest.raises(ConnectionRefused, match="not an app password"):
        connection_connect_app_password(
            account=bluesky,
            handle="cannockchasedc.bsky.social",
            app_password="correct horse battery staple",
            by=comms,
            now=NOW,
        )
    assert platform.fetches == 0 and not Connection.objects.exists()


def test_the_oauth_callback_sends_people_only_to_the_account_page(client, comms, facebook, oauth):
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)

    response = client.get(
        reverse("connection-oauth-callback"),
        {
            "state": state,
            "code": "good-code",
            "next": "https://evil.example/",
            "redirect_uri": "//evil.example",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account-detail", args=[facebook.pk])


def test_a_corporate_director_cannot_reply_on_the_platform(client, director, enquiry, platform):
    client.force_login(director)

    assert client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Hi"}).status_code == 404
    assert platform.published == []


def test_a_reply_when_the_stored_sign_in_cannot_be_read_asks_to_reconnect(
    client, officer, enquiry, platform, settings
):
    settings.CONNECTION_KEYS = [Fernet.generate_key().decode()]  # the old key removed before rekeying
    client.force_login(officer)

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am."})

    assert response.status_code == 200
    assert "reconnect the account" in response.text
    assert Connection.objects.get(account=enquiry.account).status == ConnectionStatus.BROKEN
    assert platform.published == [] and not Response.objects.exists()


def test_a_connection_a_reply_finds_broken_is_failing_from_then_and_flagged_after_an_hour(
    client, officer, enquiry, platform
):
    platform.reply_error = CredentialsRejected("The app password was revoked")
    client.force_login(officer)

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am."})

    assert "reconnect the account" in response.text
    connection = Connection.objects.get(account=enquiry.account)
    assert (connection.status, connection.failing_since) == (ConnectionStatus.BROKEN, NOW)
    connection_flags_reconcile(now=NOW + timedelta(minutes=61))
    assert GovernanceFlag.objects.open().filter(kind=FlagKind.CONNECTION_FAILING).count() == 1


def test_an_oauth_sign_in_whose_verifier_cannot_be_read_is_refused_plainly(
    client, comms, facebook, oauth, settings
):
    client.force_login(comms)
    state, _ = start_oauth(client, facebook)
    settings.CONNECTION_KEYS = [Fernet.generate_key().decode()]  # the key changed meanwhile

    response = client.get(reverse("connection-oauth-callback"), {"state": state, "code": "good-code"})

    assert response.status_code == 400 and "Start again from the account page" in response.text
    assert not Connection.objects.exists() and not OAuthAttempt.objects.exists()


def test_an_authors_name_is_shown_as_text_in_the_reply_message(client, officer, enquiry, platform):
    Enquiry.objects.filter(pk=enquiry.pk).update(author="<img src=x onerror=alert(1)>")
    client.force_login(officer)

    response = client.post(reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Open 8am."}, follow=True)

    assert "Your reply to &lt;img src=x onerror=alert(1)&gt; was sent and recorded" in response.text
    assert "<img src=x" not in response.text


def test_the_send_connect_and_disconnect_buttons_ignore_a_second_click(client, comms, enquiry):
    """GOV.UK Frontend's button ignores a second click within a second: a double click on "Send the
    reply" would otherwise risk posting the reply on the platform twice."""
    client.force_login(comms)
    account = enquiry.account
    pages = [
        reverse("enquiry-reply", args=[enquiry.pk]),
        reverse("account-connect", args=[account.pk]),
        reverse("account-disconnect", args=[account.pk]),
    ]

    for url in pages:
        page = client.get(url).text
        assert page.count('data-prevent-double-click="true"') == 1, url


@pytest.mark.django_db(transaction=True)
def test_two_replies_sent_at_once_post_one_reply_on_the_platform(officer, manager, enquiry, platform):
    """A double click that got through, or two officers at once: the second waits for the first,
    then finds the enquiry answered."""
    first_is_on_the_platform, let_it_finish = threading.Event(), threading.Event()
    publish = platform.connector.publish_reply

    def slow_publish(self, **kwargs):
        if not first_is_on_the_platform.is_set():
            first_is_on_the_platform.set()
            let_it_finish.wait(timeout=10)
        return publish(self, **kwargs)

    platform.connector.publish_reply = slow_publish
    outcomes: dict[str, object] = {}

    def reply(name, person):
        try:
            outcomes[name] = enquiry_reply_on_platform(enquiry=enquiry, text=name, by=person, now=NOW)
        except ConnectionRefused as refusal:
            outcomes[name] = str(refusal)
        finally:
            db_connection.close()

    first = threading.Thread(target=reply, args=("first", officer))
    first.start()
    assert first_is_on_the_platform.wait(timeout=10)
    second = threading.Thread(target=reply, args=("second", manager))
    second.start()
    second.join(timeout=1)
    waited = second.is_alive()
    let_it_finish.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert waited  # the second reply waited for the first
    assert [r.text for r in platform.published] == ["first"]
    assert isinstance(outcomes["first"], Response)
    assert outcomes["second"] == "This enquiry is already closed."
    assert Response.objects.filter(enquiry=enquiry).count() == 1
