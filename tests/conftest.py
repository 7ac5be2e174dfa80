"""Shared fixtures: personas for each role, and Playwright pointed at Debian's Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from councilsocial.permissions import (
    ADMINISTRATORS,
    COMMUNICATIONS,
    CORPORATE_DIRECTORS,
    SERVICE_OFFICERS,
)

from .factories import DirectorateFactory, ServiceFactory, UserFactory

# Not under test-results/: pytest-playwright empties that folder at the start of every run.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Fast password hashing, and static files served from the source tree without collectstatic."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- Personas ---------------------------------------------------------------------------------
@pytest.fixture
def director(db):
    return UserFactory(username="director", groups=[CORPORATE_DIRECTORS])


@pytest.fixture
def directorate(director):
    return DirectorateFactory(name="Place and Economy", corporate_director=director)


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", groups=[SERVICE_OFFICERS])


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", groups=[SERVICE_OFFICERS])


@pytest.fixture
def service(directorate, officer, manager):
    """The officer's and manager's own service, in the director's directorate."""
    return ServiceFactory(
        name="Countryside Service", directorate=directorate, officers=[officer], managers=[manager]
    )


@pytest.fixture
def other_service(db):
    """A service in another directorate, with its own people."""
    other_director = UserFactory(username="other-director", groups=[CORPORATE_DIRECTORS])
    return ServiceFactory(
        name="Community Safety",
        directorate=DirectorateFactory(name="Housing and Communities", corporate_director=other_director),
        officers=[UserFactory(username="other-officer", groups=[SERVICE_OFFICERS])],
    )


@pytest.fixture
def comms(db):
    return UserFactory(username="comms", groups=[COMMUNICATIONS], is_staff=True)


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", groups=[ADMINISTRATORS], is_staff=True)


@pytest.fixture
def outsider(db):
    """Signed in, but in no role and no service."""
    return UserFactory(username="outsider")


# --- Browser ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under var/screenshots (kept out of git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
