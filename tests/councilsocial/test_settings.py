"""The settings module: strict environment parsing and a clean deployment check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The production-like variables README.md documents.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x7Qp9vLm2Rt8Wz4Nc6Hb1Jd5Fg0Ks3Ya" * 2,
    "ALLOWED_HOSTS": "social.cannockchasedc.gov.uk",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/councilsocial",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://social.cannockchasedc.gov.uk",
    "CONNECTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWtleS1mb3ItdGhlLXRlc3Q=",
}
# Variables the suite sets that a production process would not have.
_SUITE_ONLY = {
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CELERY_TASK_ALWAYS_EAGER",
    "EMAIL_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CONNECTION_KEYS",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in _SUITE_ONLY}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_is_refused_without_secret_key_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_start_up_is_refused_without_allowed_hosts_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_debug_runs_with_no_variables_at_all():
    result = manage("check", env={"DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_refused_with_its_name():
    result = manage("check", env={**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_start_up_is_refused_without_connection_keys_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION.items() if k != "CONNECTION_KEYS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "CONNECTION_KEYS is not set" in result.stderr


def test_a_connection_key_that_is_not_a_fernet_key_is_refused_without_showing_it():
    result = manage("check", env={**PRODUCTION, "CONNECTION_KEYS": "hunter2-not-a-key"})
    assert result.returncode != 0
    assert "Key 1 of CONNECTION_KEYS is not a Fernet key" in result.stderr
    assert "hunter2" not in result.stderr


def test_check_deploy_refuses_the_published_development_connection_key():
    from councilsocial.settings import DEVELOPMENT_CONNECTION_KEY

    keys = f"{PRODUCTION['CONNECTION_KEYS']},{DEVELOPMENT_CONNECTION_KEY}"
    result = manage("check", "--deploy", env={**PRODUCTION, "CONNECTION_KEYS": keys})
    assert result.returncode != 0
    assert "councilsocial.E001" in result.stderr
    assert "Key 2 of CONNECTION_KEYS is the published development key" in result.stderr
    assert DEVELOPMENT_CONNECTION_KEY not in result.stderr + result.stdout


def test_plain_check_still_starts_with_the_development_key_for_the_test_suite():
    from councilsocial.settings import DEVELOPMENT_CONNECTION_KEY

    result = manage("check", env={**PRODUCTION, "CONNECTION_KEYS": DEVELOPMENT_CONNECTION_KEY})
    assert result.returncode == 0, result.stderr
