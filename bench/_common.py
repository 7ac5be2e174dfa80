"""What every benchmark shares: its own PostgreSQL database, production-like settings, Django set up.

Import this module before Django: ``configure("cs_bench_x")`` sets the environment, then
``ensure_database()`` creates (or with ``drop``, recreates) the database and ``setup_django()``
starts Django with static files served from the source tree and the schema migrated.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def configure(database: str) -> str:
    """Point the app at the benchmark's own database with production-like settings."""
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilsocial.settings")
    os.environ.setdefault("SECRET_KEY", "only-for-the-benchmark-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault(
        "CONNECTION_KEYS", "ZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQtMDAwMDA="
    )  # the published development key
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return url


def ensure_database(*, drop: bool = False) -> None:
    """Create the benchmark's database if it is missing (dropping it first with ``drop``)."""
    import psycopg2
    from psycopg2 import sql
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    connection.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with connection.cursor() as cursor:
        if drop:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def setup_django() -> None:
    """Start Django, serve static files from the source tree (no collectstatic), migrate."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)
