"""Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (issue 8 item 2).

IdleSessionMiddleware extends a signed-in session as it is used, so the timeout counts from the
last request, not from signing in.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.councilsocial.test_settings import PRODUCTION, manage


def idle_timeout() -> timedelta:
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)


@pytest.fixture
def start():
    return timezone.now()


@pytest.fixture
def signed_in(client, officer, start):
    with time_machine.travel(start, tick=False):
        client.force_login(officer)
        assert client.get("/accounts/").status_code == 200
    return client


def test_the_idle_timeout_defaults_to_eight_hours():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


@pytest.mark.django_db
def test_a_session_unused_for_longer_than_the_timeout_is_signed_out(signed_in, start):
    with time_machine.travel(start + idle_timeout() + timedelta(minutes=1), tick=False):
        response = signed_in.get("/accounts/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_a_session_used_within_the_timeout_stays_signed_in(signed_in, start):
    # Used shortly before it would have ended, then again after the original end: the use in
    # between extended it.
    with time_machine.travel(start + idle_timeout() - timedelta(minutes=10), tick=False):
        assert signed_in.get("/accounts/").status_code == 200

    with time_machine.travel(start + idle_timeout() + timedelta(minutes=10), tick=False):
        response = signed_in.get("/accounts/")

    assert response.status_code == 200


def test_the_idle_timeout_is_read_from_session_idle_timeout():
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)",
        env={**PRODUCTION, "SESSION_IDLE_TIMEOUT": "900"},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "900"
