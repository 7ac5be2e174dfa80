"""Recorded platform answers for the connectors' tests, one cassette per scenario.

A cassette is ``tests/fixtures/<platform>/<scenario>.json``: the requests the connector is expected
to make, in order, each with the answer the platform gave (built from the platform's documented
example responses). ``play`` serves them through ``responses`` in that order (``OrderedRegistry``):
a request out of order, or one not recorded, fails the test, and so does a recorded one the
connector never made.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl

import responses
from responses import matchers, registries

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def load(platform: str, scenario: str) -> dict:
    return json.loads((FIXTURES / platform / f"{scenario}.json").read_text())


class Recording:
    """The calls the connector made, in order (``call.request``), readable after the cassette ends."""

    calls: list


@contextmanager
def play(platform: str, scenario: str):
    cassette = load(platform, scenario)
    with responses.RequestsMock(
        registry=registries.OrderedRegistry, assert_all_requests_are_fired=True
    ) as mock:
        for interaction in cassette["interactions"]:
            request, answer = interaction["request"], interaction["response"]
            match = [matchers.query_param_matcher(request.get("query", {}), strict_match=False)]
            body = answer.get("body")
            mock.add(
                request["method"],
                request["url"],
                body=json.dumps(body) if body is not None else "",
                status=answer.get("status", 200),
                headers=answer.get("headers", {}),
                content_type="application/json",
                match=match,
            )
        recording = Recording()
        try:
            yield recording
        finally:
            recording.calls = list(mock.calls)  # responses forgets them when the mock stops


def sent_query(call) -> dict:
    """The query string a recorded call was sent with."""
    return dict(parse_qsl(call.request.url.partition("?")[2]))


def sent_form(call) -> dict:
    return dict(
        parse_qsl(call.request.body if isinstance(call.request.body, str) else call.request.body.decode())
    )
