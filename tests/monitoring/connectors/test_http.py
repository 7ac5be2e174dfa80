"""What every connector shares: failures mapped once (``http``), the opaque cursor, and the shape the
sync's registry builds each platform's module in (``CONNECTOR(credentials)``, ``OAUTH_CLIENT()``)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
import requests
import responses

from monitoring.connectors import http
from monitoring.connectors.base import ConnectorError, Credentials, PlatformUnavailable, RateLimited
from monitoring.connectors.meta import MetaOAuthClient
from monitoring.connectors.oauth import OAuthClientBase

URL = "https://platform.test/api"


def send(**answer):
    with responses.RequestsMock() as mock:
        mock.add("GET", URL, **answer)
        return http.send(http.TimeoutSession(), "GET", URL, platform="The platform")


@pytest.mark.parametrize(
    ("answer", "failure"),
    [
        ({"status": 503, "json": {}}, PlatformUnavailable),
        ({"status": 500, "body": "<html>oops</html>"}, PlatformUnavailable),
        ({"body": requests.exceptions.ConnectTimeout("slow")}, PlatformUnavailable),
        ({"body": requests.exceptions.ReadTimeout("slow")}, PlatformUnavailable),
        ({"body": requests.exceptions.ConnectionError("refused")}, PlatformUnavailable),
        ({"status": 200, "body": "<html>not json</html>"}, PlatformUnavailable),
        ({"status": 200, "json": ["not", "an", "object"]}, PlatformUnavailable),
        ({"status": 401, "json": {}}, http.TokenExpired),
        ({"status": 404, "json": {}}, http.NotFound),
        ({"status": 400, "json": {}}, ConnectorError),
        ({"status": 429, "json": {}}, RateLimited),
    ],
)
def test_each_failure_is_told_apart(answer, failure):
    with pytest.raises(failure) as raised:
        send(**answer)

    assert type(raised.value) is failure


def test_an_empty_answer_is_an_empty_body():
    assert send(status=204, body="") == {}


def test_a_failure_message_never_carries_the_request():
    with pytest.raises(ConnectorError) as raised:
        with responses.RequestsMock() as mock:
            mock.add("GET", URL, status=400, json={})
            http.send(
                http.TimeoutSession(), "GET", URL, platform="The platform", params={"access_token": "s3cret"}
            )

    assert "s3cret" not in str(raised.value)
    assert str(raised.value) == "The platform refused the request (400)"


def test_every_request_has_a_timeout_even_when_a_library_sends_none():
    with responses.RequestsMock() as mock:
        mock.add("GET", URL, json={})
        http.TimeoutSession().get(URL)

        assert mock.calls[0].request.req_kwargs["timeout"] == http.DEFAULT_TIMEOUT


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "120"}, 120),
        ({"retry-after": "Mon, 20 Jan 2025 12:05:00 GMT"}, 300),
        ({"x-rate-limit-reset": "1737375000"}, 600),
        ({"Retry-After": "soon"}, http.DEFAULT_RETRY_AFTER),
        ({}, http.DEFAULT_RETRY_AFTER),
    ],
)
def test_retry_after_reads_seconds_a_date_or_the_reset_time(headers, wait):
    now = datetime(2025, 1, 20, 12, 0, tzinfo=UTC).timestamp()

    assert http.retry_after_seconds(headers, reset_header="x-rate-limit-reset", now=now) == wait


@pytest.mark.parametrize("damaged", [None, "", "not base64 !", "bnVsbA==", "W10="])
def test_a_missing_or_damaged_cursor_reads_as_a_first_sync(damaged):
    assert http.decode_cursor(damaged) == {}
    assert http.page_cursor(http.decode_cursor(damaged), "posts") == http.PageCursor()


def test_a_cursor_comes_back_as_it_was_stored():
    cursor = http.encode_cursor({"posts": http.PageCursor(since="5", after="x", high="9"), "uploads": "UU1"})

    parts = http.decode_cursor(cursor)
    assert http.page_cursor(parts, "posts") == http.PageCursor(since="5", after="x", high="9")
    assert parts["uploads"] == "UU1"


@pytest.mark.parametrize("platform", ["facebook", "instagram", "x", "youtube", "linkedin"])
def test_each_module_builds_as_the_sync_builds_it(platform, settings):
    module = importlib.import_module(f"monitoring.connectors.{platform}")
    setattr(settings, f"CONNECTOR_{platform.upper()}_CLIENT_ID", f"{platform}-client")

    connector = module.CONNECTOR(Credentials(account_ref="1", access_token="t"))
    oauth = module.OAUTH_CLIENT()

    assert connector.platform == oauth.platform == platform
    assert connector.can_reply is True
    assert connector.refreshed_credentials() is None
    assert oauth.client_id == f"{platform}-client"
    assert oauth.scopes and all(isinstance(scope, str) for scope in oauth.scopes)


def test_a_platform_client_that_cannot_say_whose_token_it_is_cannot_be_built():
    """``identify`` and Meta's ``credentials_for_page`` are each platform's own: a client missing one
    is refused when it is built, not when a council first connects."""

    class NoIdentify(OAuthClientBase):
        platform = "nowhere"

    class NoPage(MetaOAuthClient):
        platform = "nowhere"

    for incomplete in (NoIdentify, NoPage):
        with pytest.raises(TypeError, match="abstract"):
            incomplete(client_id="id", client_secret="secret")
