"""Shared set-up of the form walks: the permission walk's world, the people, and a database fingerprint.

``walk_world`` is ``build_world`` from the permission walk (one real object for every URL) plus a
superuser, so every form page has something to act on. ``database_fingerprint`` reads every table
of the council's data in one query, so a test can say "nothing was written" (no row added, changed
or removed) without knowing which table a view might touch.
"""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.db import connection

from tests.factories import UserFactory

from .test_permission_walk import ROLES, build_world

# Tables a refused or failed submission may still write, and why: sessions (signing in), django-axes'
# sign-in audit, Django admin's own log, and the framework's content types and permissions.
UNWATCHED_APPS = {"sessions", "axes", "admin", "contenttypes", "django_celery_results"}
UNWATCHED_TABLES = {"auth_permission", "auth_group_permissions"}
# auth_user.last_login changes on every sign-in, which is not the form's doing.
UNWATCHED_COLUMNS = {"auth_user": {"last_login"}}


@pytest.fixture
def superuser(db):
    return UserFactory(username="walk-superuser", is_superuser=True, is_staff=True)


@pytest.fixture
def walk_world(officer, manager, director, service, other_service, comms, administrator, outsider, superuser):
    """The permission walk's world, with the superuser and the other service's objects named."""
    from accounts_register.models import SocialMediaAccount

    w = build_world(
        officer=officer,
        manager=manager,
        director=director,
        service=service,
        other_service=other_service,
        comms=comms,
        administrator=administrator,
        outsider=outsider,
    )
    w["users"]["superuser"] = superuser
    w["users"]["anonymous"] = None
    w["other_service"] = other_service
    w["other_account"] = SocialMediaAccount.objects.get(service=other_service)
    return w


def sign_in(client, w: dict, role: str) -> None:
    """The client as the role (anonymous: signed out)."""
    client.logout()
    if role != "anonymous":
        client.force_login(w["users"][role])


def watched_tables() -> list[tuple[str, list[str]]]:
    """Every table of the council's data (and its history), with the columns to compare."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in UNWATCHED_APPS or meta.db_table in UNWATCHED_TABLES or not meta.managed:
            continue
        if meta.proxy:
            continue
        columns = [
            f.column
            for f in meta.concrete_fields
            if f.column not in UNWATCHED_COLUMNS.get(meta.db_table, set())
        ]
        tables.append((meta.db_table, columns))
    return sorted(set((t, tuple(c)) for t, c in tables))


def database_fingerprint() -> dict[str, str]:
    """{table: digest of its rows} for every watched table, read in one query."""
    tables = watched_tables()
    quote = connection.ops.quote_name
    parts = []
    for table, columns in tables:
        row = "ROW(" + ", ".join(f"x.{quote(c)}" for c in columns) + ")::text"
        # Table and column names come from the models, never from a request.
        select = f"SELECT count(*)::text || ':' || coalesce(md5(string_agg({row}, '|' ORDER BY {row})), '')"
        parts.append(f"({select} FROM {quote(table)} x)")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))  # nosec B608 - table names come from the models
        values = cursor.fetchone()
    return {table: value for (table, _), value in zip(tables, values, strict=True)}


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before if before[t] != after[t])


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


__all__ = ["ROLES", "sign_in", "database_fingerprint", "changed_tables"]
