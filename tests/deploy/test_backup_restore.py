"""scripts/backup_restore_check.sh: a backup is only a backup once it has been restored.

Runs the script against the test database on PostgreSQL, seeded with the demo data (issue 8 item 6).
"""

from __future__ import annotations

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "backup_restore_check.sh"

pytestmark = pytest.mark.django_db(transaction=True)


def database_url(name: str | None = None) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name or db['NAME']}"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
    )


def restored_copies() -> set[str]:
    """Databases the script restored from this test database (other test runs may be making theirs)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
            [f"{connection.settings_dict['NAME']}_restore_check_"],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def seeded():
    call_command("seed_demo", "--allow-production", stdout=StringIO())


@pytest.fixture
def kept_copy(seeded):
    """A restored copy of the seeded test database, kept for the test and then dropped."""
    before = restored_copies()
    result = run(database_url(), env={"KEEP_RESTORED": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    (name,) = restored_copies() - before
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_backup_restores_with_the_same_row_counts(seeded):
    before = restored_copies()

    result = run(database_url())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: all" in result.stdout
    assert "public.accounts_register_socialmediaaccount" in result.stdout
    assert restored_copies() == before  # the restored copy is dropped afterwards


def test_a_kept_dump_is_written_to_the_backup_folder(seeded, tmp_path):
    result = run(database_url(), env={"BACKUP_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stdout + result.stderr
    (dump,) = tmp_path.glob("*.dump")
    assert dump.read_bytes().startswith(b"PGDMP")


def test_identical_databases_compare_equal(kept_copy):
    result = run("--compare", database_url(), database_url(kept_copy))

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_row_count_that_differs_is_reported_as_a_mismatch(kept_copy):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO auth_group (name) VALUES ('Written after the backup')")

    result = run("--compare", database_url(), database_url(kept_copy))

    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("public.auth_group ")]
    assert line.endswith("differs")


def test_a_database_that_does_not_exist_fails_without_a_comparison():
    result = run(database_url("cs_no_such_database"))

    assert result.returncode == 2
    assert "OK" not in result.stdout
