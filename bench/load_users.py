"""The Locust users for ``bench/load.py`` (issue 8 item 4); not run on its own.

``bench/load.py`` starts Locust with this file and passes, in the environment, the path of a JSON
file (LOAD_FIXTURE) naming the demo password, an API token, the accounts and the business cases.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from datetime import UTC, datetime

import gevent
from locust import HttpUser, between, events, task

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"]).read())  # noqa: SIM115 - read once at import
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASES = list(FIXTURE["cases"])  # shared by the director users in this process; each is decided once


# Every response time once all users have started AND signed in (sign-ins kept apart), and every
# error from the first request; written to LOAD_RESULT when Locust quits, for exact percentiles in
# bench/load.py. The run ends LOAD_SECONDS after measuring starts (Locust's --run-time is a cap).
RECORD: dict = {
    "spawned": False,
    "signing_in": 0,
    "measuring": False,
    "pages": [],
    "sign_in": [],
    "errors": 0,
    "start": 0.0,
    "stop": 0.0,
    "started_after": 0.0,
}
BEGAN = time.monotonic()
ENVIRONMENT: list = []  # Locust's Environment, kept at init for the spawning-complete listener


def _maybe_start_measuring(environment) -> None:
    if RECORD["spawned"] and RECORD["signing_in"] == 0 and not RECORD["measuring"]:
        RECORD["measuring"], RECORD["start"] = True, time.monotonic()
        RECORD["started_after"] = RECORD["start"] - BEGAN
        gevent.spawn_later(float(os.environ.get("LOAD_SECONDS", "30")), environment.runner.quit)


@events.spawning_complete.add_listener
def _spawned(user_count, **_kwargs):
    RECORD["spawned"] = True
    _maybe_start_measuring(ENVIRONMENT[0])


@events.init.add_listener
def _init(environment, **_kwargs):
    ENVIRONMENT.append(environment)


@events.request.add_listener
def _record(name, response_time, exception, **_kwargs):
    if exception is not None:
        RECORD["errors"] += 1
    if name.startswith("/sign-in/ [POST]"):
        RECORD["sign_in"].append(response_time)
    elif RECORD["measuring"] and not name.startswith("/sign-in/"):
        RECORD["pages"].append(response_time)


@events.test_stop.add_listener
def _stop_measuring(**_kwargs):
    RECORD["stop"] = RECORD["stop"] or time.monotonic()


@events.quitting.add_listener
def _write(**_kwargs):
    RECORD["stop"] = RECORD["stop"] or time.monotonic()
    with open(os.environ["LOAD_RESULT"], "w") as out:
        json.dump({k: v for k, v in RECORD.items() if k not in ("measuring", "spawned")}, out)


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    return match.group(1) if match else ""


class SignedInUser(HttpUser):
    """A person who signs in through the real sign-in form (CSRF token and all) when they start."""

    abstract = True
    username = ""

    def on_start(self):
        RECORD["signing_in"] += 1
        try:
            self._sign_in()
        finally:
            RECORD["signing_in"] -= 1
            _maybe_start_measuring(self.environment)

    def _sign_in(self):
        page = self.client.get("/sign-in/", name="/sign-in/ [GET]")
        with self.client.post(
            "/sign-in/",
            data={
                "csrfmiddlewaretoken": csrf_from(page.text),
                "username": self.username,
                "password": FIXTURE["password"],
                "next": "/",
            },
            headers={"Referer": f"{self.host}/sign-in/"},
            name="/sign-in/ [POST]",
            catch_response=True,
        ) as response:
            if "sessionid" not in self.client.cookies:
                response.failure("not signed in")


class Officer(SignedInUser):
    """A service officer browsing the register, account pages and the inbox."""

    weight = 6
    wait_time = between(0.5, 2)
    username = "officer"

    @task(3)
    def register_list(self):
        self.client.get("/accounts/", name="/accounts/")

    @task(3)
    def account_page(self):
        pk = FIXTURE["accounts"][uuid.uuid4().int % len(FIXTURE["accounts"])]
        self.client.get(f"/accounts/{pk}/", name="/accounts/[pk]/")

    @task(3)
    def inbox(self):
        self.client.get("/inbox/", name="/inbox/")


class Integration(HttpUser):
    """A monitoring tool posting enquiries to the API with a token."""

    weight = 3
    wait_time = between(0.5, 2)

    @task
    def post_enquiry(self):
        pk = FIXTURE["accounts"][uuid.uuid4().int % len(FIXTURE["accounts"])]
        self.client.post(
            "/api/enquiries/",
            json={
                "account": pk,
                "platform_id": f"load-{uuid.uuid4()}",
                "received_at": datetime.now(UTC).isoformat(),
                "author": "load_test",
                "text": "Is the visitor centre open on Sunday?",
                "channel": "comment",
            },
            headers={"Authorization": f"Token {FIXTURE['token']}"},
            name="/api/enquiries/ [POST]",
        )


class Director(SignedInUser):
    """A Corporate Director opening the cases waiting for them and approving one."""

    weight = 1
    wait_time = between(1, 3)
    username = "director"

    @task
    def decide(self):
        self.client.get("/business-cases/", name="/business-cases/")
        if not CASES:
            return
        pk = CASES.pop()
        self.client.get(f"/business-cases/{pk}/", name="/business-cases/[pk]/")
        form = self.client.get(
            f"/business-cases/{pk}/do/approve/", name="/business-cases/[pk]/do/approve/ [GET]"
        )
        self.client.post(
            f"/business-cases/{pk}/do/approve/",
            data={
                "csrfmiddlewaretoken": csrf_from(form.text),
                "expected_status": "awaiting_director",
                "comment": "Approved: a clear plan with an exit.",
            },
            headers={"Referer": f"{self.host}/business-cases/{pk}/do/approve/"},
            name="/business-cases/[pk]/do/approve/ [POST]",
        )
