"""Security headers on real responses, with the production settings the suite switches off.

The suite turns HTTPS redirection and secure cookies off (pyproject's pytest env) so the test
client can speak plain HTTP; here they are turned back on, as in production, and requests are made
over HTTPS. `check --deploy` is tested in test_settings.py.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

PRODUCTION_HTTPS = override_settings(
    SECURE_SSL_REDIRECT=True, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True
)
PAGES = ["/sign-in/", "/password-reset/", "/no-such-page/", "/healthz"]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def https_client(client):
    with PRODUCTION_HTTPS:
        yield client


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(https_client, path):
    response = https_client.get(path, secure=True)

    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_the_content_security_policy_is_strict(https_client, path):
    response = https_client.get(path, secure=True)

    header = response["Content-Security-Policy"]
    directives = csp_directives(header)
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(https_client):
    response = https_client.get("/sign-in/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/sign-in/"


@pytest.mark.django_db
def test_the_csrf_cookie_is_secure_http_only_and_same_site(https_client):
    response = https_client.get("/sign-in/", secure=True)

    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_the_session_cookie_is_secure_http_only_and_same_site(https_client, officer):
    response = https_client.post(
        "/sign-in/",
        {"username": "officer", "password": "correct horse battery staple"},
        secure=True,
    )

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
