"""Shared set-up of the form walks: the permission walk's world, the people, and a database fingerprint.

``walk_world`` is ``build_world`` from the permission walk (one real object for every URL) plus a
superuser, so every form page has something to act on. It is built once per module and rolled back
at the end; each test works in a savepoint of it. ``database_fingerprint`` reads every table
of the council's data in one query, so a test can say "nothing was written" (no row added, changed
or removed) without knowing which table a view might touch.
"""

from __future__ import annotations

import copy
import hashlib

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings

from councilsocial.permissions import ADMINISTRATORS, COMMUNICATIONS, CORPORATE_DIRECTORS, SERVICE_OFFICERS
from tests.factories import DirectorateFactory, ServiceFactory, UserFactory

from .test_permission_walk import ROLES, build_world

# Tables a refused or failed submission may still write, and why: sessions (signing in), django-axes'
# sign-in audit, Django admin's own log, and the framework's content types and permissions.
UNWATCHED_APPS = {"sessions", "axes", "admin", "contenttypes", "django_celery_results"}
UNWATCHED_TABLES = {"auth_permission", "auth_group_permissions"}
# auth_user.last_login changes on every sign-in, which is not the form's doing.
UNWATCHED_COLUMNS = {"auth_user": {"last_login"}}


def _people() -> dict:
    """The personas of ``tests/conftest.py`` (made here once per module, not once per test)."""
    director = UserFactory(username="director", groups=[CORPORATE_DIRECTORS])
    officer = UserFactory(username="officer", groups=[SERVICE_OFFICERS])
    manager = UserFactory(username="manager", groups=[SERVICE_OFFICERS])
    directorate = DirectorateFactory(name="Place and Economy", corporate_director=director)
    other_director = UserFactory(username="other-director", groups=[CORPORATE_DIRECTORS])
    return {
        "officer": officer,
        "manager": manager,
        "director": director,
        "service": ServiceFactory(
            name="Countryside Service", directorate=directorate, officers=[officer], managers=[manager]
        ),
        "other_service": ServiceFactory(
            name="Community Safety",
            directorate=DirectorateFactory(name="Housing and Communities", corporate_director=other_director),
            officers=[UserFactory(username="other-officer", groups=[SERVICE_OFFICERS])],
        ),
        "comms": UserFactory(username="comms", groups=[COMMUNICATIONS], is_staff=True),
        "administrator": UserFactory(username="admin", groups=[ADMINISTRATORS], is_staff=True),
        "outsider": UserFactory(username="outsider"),
    }


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """The world, built once per module in a transaction that is rolled back when the module ends.

    Each test runs in its own savepoint inside it (pytest-django's ``django_db``), so what one test
    writes is gone before the next.
    """
    from accounts_register.models import SocialMediaAccount

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            w = build_world(**_people())
            w["users"]["superuser"] = UserFactory(username="walk-superuser", is_superuser=True, is_staff=True)
        w["users"]["anonymous"] = None
        w["other_account"] = SocialMediaAccount.objects.get(service__name="Community Safety")
        w["other_service"] = w["other_account"].service
        # One session per person, signed in once: signing in (django-axes logs each one) costs more
        # than most of the requests the walks send.
        w["sessions"] = {}
        for role, person in w["users"].items():
            if person is not None:
                signed_in = Client()
                signed_in.force_login(person)
                w["sessions"][role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def walk_world(_module_world, db):
    """The permission walk's world, with the superuser and the other service's objects named.

    A deep copy for each test: a test adds to it and changes its objects (in memory) freely, and the
    database under it is as the module built it (each test's writes are rolled back).
    """
    return copy.deepcopy(_module_world)


def sign_in(client, w: dict, role: str) -> None:
    """The client as the role (anonymous: signed out), with the role's session from ``walk_world``."""
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = w["sessions"][role]


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
