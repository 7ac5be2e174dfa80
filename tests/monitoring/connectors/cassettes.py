"""Recorded platform answers for the connectors' tests, one cassette per scenario.

Google's client speaks ``httplib2``, not ``requests``: its interactions (``"via": "httplib2"``) are
served by ``google_http`` through the library's own ``HttpMockSequence``, and ``google_played``
checks that they were asked for, in order.

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
from googleapiclient.http import HttpMockSequence
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
            if interaction.get("via") == "httplib2":
                continue  # served by ``google_http``
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


def google_http(platform: str, scenario: str) -> HttpMockSequence:
    answers = []
    for interaction in load(platform, scenario)["interactions"]:
        if interaction.get("via") != "httplib2":
            continue
        answer = interaction["response"]
        headers = {"status": str(answer.get("status", 200)), "content-type": "application/json"}
        answers.append(({**headers, **answer.get("headers", {})}, json.dumps(answer.get("body", {}))))
    return HttpMockSequence(answers)


def google_played(http: HttpMockSequence, platform: str, scenario: str) -> list[tuple[str, dict]]:
    """Check the client asked for every recorded answer, in order, with the recorded method, address
    and query; return each request's (method, query) for the test to look at further."""
    expected = [i["request"] for i in load(platform, scenario)["interactions"] if i.get("via") == "httplib2"]
    made = http.request_sequence
    assert len(made) == len(expected), f"{len(made)} requests made, {len(expected)} recorded"
    seen = []
    for (uri, method, _body, _headers), request in zip(made, expected, strict=True):
        address, _, query_string = uri.partition("?")
        query = dict(parse_qsl(query_string))
        assert (method, address) == (request["method"], request["url"])
        assert request.get("query", {}).items() <= query.items(), (query, request.get("query"))
        seen.append((method, query))
    return seen
