"""Sign-in lock-out after repeated wrong passwords (django-axes; issue 8 item 2).

Five failures for one username from one address lock that pair out for fifteen minutes; during the
lock-out even the right password is refused, with the lock-out page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

RIGHT = "correct horse battery staple"
WRONG = "not the password"


def sign_in(client, username, password, address="127.0.0.1"):
    return client.post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address="127.0.0.1"):
    """Wrong passwords; the fifth is itself answered with the lock-out page."""
    for attempt in range(1, times + 1):
        response = sign_in(client, username, WRONG, address)
        assert response.status_code == (429 if attempt >= 5 else 200)


def is_signed_in(client) -> bool:
    return client.get("/accounts/").status_code == 200  # a staff page ("/" is public)


@pytest.mark.django_db
def test_a_wrong_password_says_so_before_the_limit(client, officer):
    response = sign_in(client, "officer", WRONG)

    assert "Enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_the_right_password_is_refused_after_five_failures(client, officer):
    fail(client, "officer", 5)

    response = sign_in(client, "officer", RIGHT)

    assert response.status_code == 429
    page = response.content.decode()
    assert "You cannot sign in at the moment" in page
    assert "try again in 15 minutes" in page
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_the_right_password_still_works_after_four_failures(client, officer):
    fail(client, "officer", 4)

    response = sign_in(client, "officer", RIGHT)

    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_another_person_can_sign_in_from_the_same_address_during_a_lock_out(client, officer, manager):
    fail(client, "officer", 5)

    response = sign_in(client, "manager", RIGHT)

    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_the_same_person_can_sign_in_from_another_address_during_a_lock_out(client, officer):
    fail(client, "officer", 5, address="192.0.2.10")

    response = sign_in(client, "officer", RIGHT, address="192.0.2.20")

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_count_of_failures(client, officer):
    fail(client, "officer", 4)
    assert sign_in(client, "officer", RIGHT).status_code == 302
    client.post("/sign-out/")
    fail(client, "officer", 4)

    response = sign_in(client, "officer", RIGHT)

    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "refused"), [(14, True), (16, False)])
def test_the_lock_out_ends_after_fifteen_minutes(client, officer, minutes, refused):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "officer", 5)

    with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
        response = sign_in(client, "officer", RIGHT)

    assert (response.status_code == 429) is refused


@pytest.mark.django_db
@pytest.mark.parametrize(("behind_proxy", "refused"), [(True, False), (False, True)])
def test_behind_a_proxy_the_lock_out_follows_the_forwarded_address(
    client, settings, officer, behind_proxy, refused
):
    """Every request reaches the app from the proxy's address; the client's is the right-most
    X-Forwarded-For entry, which the proxy itself appended."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None
    for _ in range(5):
        client.post(
            "/sign-in/",
            {"username": "officer", "password": WRONG},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.99, 192.0.2.10",
        )

    response = client.post(
        "/sign-in/",
        {"username": "officer", "password": RIGHT},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99, 192.0.2.20",
    )

    assert (response.status_code == 429) is refused
