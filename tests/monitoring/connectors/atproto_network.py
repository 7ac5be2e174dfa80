"""Start and drive tests/atproto_network/network.mjs (a PLC directory, a PDS and the Bluesky App View
from @atproto/dev-env) for the tests, and make accounts on it as the public and the council would."""

from __future__ import annotations

import json
import os
import queue
import secrets
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
from atproto import Client, models

NETWORK_DIR = Path(__file__).resolve().parents[2] / "atproto_network"
NODE = NETWORK_DIR / "node_modules" / ".bin" / "node"
SCRIPT = NETWORK_DIR / "network.mjs"
START_TIMEOUT = 60.0
SYNC_TIMEOUT = 30.0
SETUP = "bash scripts/atproto-network-setup.sh"


@dataclass(frozen=True)
class Account:
    handle: str
    password: str  # the account's own password: only the test network's, never given to a connector
    did: str


class AtprotoNetwork:
    def __init__(self, process: subprocess.Popen, lines: queue.Queue, log: Path, ready: dict) -> None:
        self._process = process
        self._lines = lines
        self._log = log
        self._serial = count(1)
        self._lock = threading.Lock()
        self.pds_url: str = ready["pds_url"]
        self.plc_url: str = ready["plc_url"]
        self.appview_url: str = ready["appview_url"]
        self.started_in: float = ready["started_in"]

    # --- Life ----------------------------------------------------------------------------------
    @classmethod
    def start(cls) -> AtprotoNetwork:
        if not NODE.exists():
            pytest.fail(
                f"The local AT Protocol network is not installed ({NODE} is missing): run `{SETUP}` "
                "(`make test` does it)."
            )
        log = Path(tempfile.mkstemp(prefix="atproto-network-", suffix=".log")[1])
        env = {
            **os.environ,
            "ATPROTO_DB_URL": os.environ.get(
                "ATPROTO_DB_URL", "postgres://postgres@127.0.0.1:5432/atproto_test"
            ),
            # Its own schemas per run, so two test runs on one machine do not meet.
            # (dev-env takes only letters and underscores there).
            "ATPROTO_DB_SCHEMA": "cs_" + "".join(chr(ord("a") + int(digit)) for digit in str(os.getpid())),
            "REDIS_HOST": os.environ.get("ATPROTO_REDIS_HOST", "127.0.0.1:6379"),
            "LOG_ENABLED": "false",
        }
        began = time.monotonic()
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [str(NODE), str(SCRIPT)],
                cwd=NETWORK_DIR,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
        try:
            ready = _next_json(lines, START_TIMEOUT, process, log)
        except BaseException:
            _terminate(process)
            raise
        if not ready.get("ready"):
            _terminate(process)
            pytest.fail(f"The AT Protocol network did not start: {ready}\n{_tail(log)}")
        ready["started_in"] = round(time.monotonic() - began, 1)
        return cls(process, lines, log, ready)

    def stop(self) -> None:
        _terminate(self._process)
        self._log.unlink(missing_ok=True)

    def sync(self) -> None:
        """Wait until the App View has indexed all that the PDS holds (notifications, feeds)."""
        with self._lock:
            self._process.stdin.write("sync\n")
            self._process.stdin.flush()
            answer = _next_json(self._lines, SYNC_TIMEOUT, self._process, self._log)
        if not answer.get("synced"):
            pytest.fail(f"The AT Protocol network could not catch up: {answer}")

    # --- People ----------------------------------------------------------------------------------
    def create_account(self, name: str = "user") -> Account:
        """A new account on the PDS, with its own password (as a person signing up would have)."""
        handle = f"{name[:10]}{next(self._serial)}.test"  # the network is new each session
        password = secrets.token_urlsafe(16)
        client = Client(base_url=self.pds_url)
        created = client.com.atproto.server.create_account(
            models.ComAtprotoServerCreateAccount.Data(
                handle=handle, email=f"{handle}@example.org", password=password
            )
        )
        self.sync()  # the App View knows the account (and its profile) from here on
        return Account(handle=handle, password=password, did=created.did)

    def client(self, account: Account) -> Client:
        """The account signed in with its own password, as in the Bluesky app."""
        client = Client(base_url=self.pds_url)
        client.login(account.handle, account.password)
        return client

    @staticmethod
    def create_app_password(client: Client, name: str = "councilsocial") -> str:
        """An app password, made as the account's owner makes one in Bluesky's settings."""
        answer = client.com.atproto.server.create_app_password(
            models.ComAtprotoServerCreateAppPassword.Data(name=name)
        )
        return answer.password

    @staticmethod
    def revoke_app_password(client: Client, name: str = "councilsocial") -> None:
        client.com.atproto.server.revoke_app_password(
            models.ComAtprotoServerRevokeAppPassword.Data(name=name)
        )


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _next_json(lines: queue.Queue, timeout: float, process: subprocess.Popen, log: Path) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"The AT Protocol network did not answer within {timeout:.0f} s.\n{_tail(log)}")
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            continue
        if line is None:
            pytest.fail(f"The AT Protocol network stopped (exit {process.poll()}).\n{_tail(log)}")
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)


def _terminate(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _tail(log: Path, size: int = 4000) -> str:
    try:
        return log.read_text(errors="replace")[-size:]
    except OSError:
        return ""
