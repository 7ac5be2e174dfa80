"""Meta's webhook: the signature, the replay guard, the subscription handshake, and which accounts a
delivery asks to sync (payloads in tests/fixtures/meta_webhooks/, from Meta's documented examples)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from uuid import uuid4

import pytest
from django.core.cache import caches
from django.urls import reverse

from monitoring import webhook_views
from monitoring.connectors import webhooks

from .cassettes import FIXTURES

SECRET = "meta-app-secret"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@pytest.fixture(autouse=True)
def meta_app(settings):
    settings.CONNECTOR_FACEBOOK_CLIENT_SECRET = SECRET
    settings.CONNECTOR_INSTAGRAM_CLIENT_SECRET = ""
    settings.CONNECTOR_META_WEBHOOK_VERIFY_TOKEN = "our-verify-token"
    # Each test its own empty replay guard (the Redis one is tested on its own, below).
    settings.CACHES = {**settings.CACHES, "webhooks": {"BACKEND": LOCMEM, "LOCATION": f"webhooks-{uuid4()}"}}


@pytest.fixture
def syncs(monkeypatch):
    """What the webhook asked to be synced (the sync itself is tested in tests/monitoring/test_sync*.py)."""
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(webhook_views, "request_sync", lambda platform, ref: asked.append((platform, ref)))
    return asked


def payload(name: str) -> bytes:
    return (FIXTURES / "meta_webhooks" / f"{name}.json").read_bytes()


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
    return client.post(reverse("meta-webhook"), data=body, content_type="application/json", **headers)


# --- The signature ------------------------------------------------------------------------------
def test_the_signature_is_the_hex_hmac_sha256_of_the_body_with_the_app_secret():
    body = b'{"object":"page","entry":[]}'
    header = "sha256=5dcb51eb590634700c8d9cc1fde4d2d5981ca7bb83f250eb3fb71bfd849057ed"

    assert webhooks.verify_meta_signature(body, header, SECRET) is True
    assert webhooks.verify_meta_signature(body + b" ", header, SECRET) is False
    assert webhooks.verify_meta_signature(body, header, "another-secret") is False
    assert webhooks.verify_meta_signature(body, header.removeprefix("sha256="), SECRET) is False
    assert webhooks.verify_meta_signature(body, header, "") is False
    assert webhooks.verify_meta_signature(body, "sha256=ünïcode", SECRET) is False


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("page_feed", [("facebook", "109876543210987")]),  # the ratings change of the other Page is not ours
        ("instagram_comments", [("instagram", "17841400000000001")]),  # two changes, one sync
        ("page_messaging", [("facebook", "109876543210987")]),
    ],
)
def test_a_delivery_names_the_accounts_to_sync(name, expected):
    assert webhooks.accounts_to_sync(json.loads(payload(name))) == expected


@pytest.mark.parametrize(
    "hostile", [None, [], "page", {"object": "page", "entry": "x"}, {"object": "user", "entry": []}]
)
def test_anything_else_names_no_account(hostile):
    assert webhooks.accounts_to_sync(hostile) == []


# --- The view -----------------------------------------------------------------------------------
def test_a_signed_delivery_is_accepted_and_asks_for_a_sync(client, syncs):
    body = payload("page_feed")
    response = deliver(client, body, signed(body))

    assert response.status_code == 200
    assert syncs == [("facebook", "109876543210987")]


def test_a_delivery_signed_with_the_instagram_app_secret_is_accepted_too(client, syncs, settings):
    settings.CONNECTOR_INSTAGRAM_CLIENT_SECRET = "instagram-app-secret"
    body = payload("instagram_comments")
    response = deliver(client, body, signed(body, "instagram-app-secret"))

    assert response.status_code == 200
    assert syncs == [("instagram", "17841400000000001")]


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=" + "0" * 64, "sha1=abc", "signed(other)"],
    ids=["missing", "empty", "wrong", "sha1", "other-secret"],
)
def test_a_delivery_with_a_wrong_or_missing_signature_is_refused(client, syncs, signature):
    body = payload("page_feed")
    if signature == "signed(other)":
        signature = signed(body, "not-our-secret")
    response = deliver(client, body, signature)

    assert response.status_code == 403
    assert syncs == []


def test_a_tampered_body_is_refused(client, syncs):
    body = payload("page_feed")
    response = deliver(client, body.replace(b"109876543210987", b"109876543219999"), signed(body))

    assert response.status_code == 403
    assert syncs == []


def test_without_an_app_secret_nothing_is_accepted(client, syncs, settings):
    settings.CONNECTOR_FACEBOOK_CLIENT_SECRET = ""
    body = payload("page_feed")

    assert deliver(client, body, signed(body, "")).status_code == 403
    assert syncs == []


def test_a_replayed_delivery_is_answered_but_not_acted_on(client, syncs):
    body = payload("page_feed")
    first = deliver(client, body, signed(body))
    again = deliver(client, body, signed(body))

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == b"Already received."
    assert syncs == [("facebook", "109876543210987")]


def test_a_refused_delivery_does_not_use_up_the_replay_guard(client, syncs):
    body = payload("page_feed")
    deliver(client, body, "sha256=" + "0" * 64)
    response = deliver(client, body, signed(body))

    assert response.status_code == 200
    assert syncs == [("facebook", "109876543210987")]


def test_a_signed_body_that_is_not_json_is_a_bad_request(client, syncs):
    body = b"not json \xff"
    response = deliver(client, body, signed(body))

    assert response.status_code == 400
    assert syncs == []


def test_the_subscription_handshake_echoes_the_challenge_for_our_verify_token(client):
    query = {"hub.mode": "subscribe", "hub.verify_token": "our-verify-token", "hub.challenge": "1158201444"}
    response = client.get(reverse("meta-webhook"), query)

    assert response.status_code == 200
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guessed", "hub.challenge": "1158201444"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "our-verify-token", "hub.challenge": "1158201444"},
        {"hub.challenge": "1158201444"},
    ],
)
def test_the_handshake_is_refused_without_our_verify_token(client, query):
    response = client.get(reverse("meta-webhook"), query)

    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_the_handshake_is_refused_when_no_verify_token_is_configured(client, settings):
    settings.CONNECTOR_META_WEBHOOK_VERIFY_TOKEN = ""
    query = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1158201444"}

    assert client.get(reverse("meta-webhook"), query).status_code == 403


def test_other_methods_are_not_allowed(client):
    assert client.put(reverse("meta-webhook")).status_code == 405


def test_the_replay_guard_is_kept_a_day_in_redis_for_every_web_worker(settings):
    settings.CACHES = {
        **settings.CACHES,
        "webhooks": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CELERY_BROKER_URL"],
            "KEY_PREFIX": "test-webhooks",
        },
    }
    body = json.dumps({"object": "page", "entry": [], "nonce": str(uuid4())}).encode()
    guard = caches["webhooks"]
    key = guard.make_and_validate_key(f"meta:{hashlib.sha256(body).hexdigest()}")
    try:
        first, again = webhooks.first_delivery(body), webhooks.first_delivery(body)
        ttl = guard._cache.get_client(key).ttl(key)
    finally:
        guard.delete(f"meta:{hashlib.sha256(body).hexdigest()}")

    assert (first, again) == (True, False)
    assert webhooks.REPLAY_SECONDS - 60 < ttl <= webhooks.REPLAY_SECONDS
