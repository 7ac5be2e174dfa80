"""No 500 on hostile input (issue 11, safeguard "No 500 on hostile input"; HELPERS: never a 500).

A fixed hostile set (``HOSTILE``) goes to:

- every field of every form in ``test_every_form.FORMS``: the field names are read from the
  rendered form (as Communications where they may use it: their form has the most fields), and the
  rest of the submission is the entry's valid data. Each field gets the values that break any field
  (NUL, 10^20, 100 kB) and those that mean something to its kind (``FOR_KIND``: text gets direction,
  zero-width and formula characters; a date or time typed whole gets impossible dates and offsets;
  a list or tick box gets a value that is not a choice); a GOV.UK date input's three boxes get
  impossible dates together (``HOSTILE_DATES``: all of them in a form's first date input, one of
  each sort in the others);
- every field of every API write, read from ``/api/schema/`` (and the entry's valid body), and a
  deeply nested JSON body;
- every query parameter of every page and API a role can open: the names in the page's GET forms
  and links and in the schema one at a time, and the usual ones (``q``, ``page``, ``sort``,
  ``limit``, ``offset`` and the filters) all at once; and a small Hypothesis search over ``q``;
- every upload: a CSV whose cells are the hostile values, through upload, preview and confirm.

Each answer must be a clear 4xx or the form again with its error, never a 5xx, and the hostile value
is never written: the INSERT, UPDATE and DELETE statements each request runs (sessions and
django-axes' sign-in log aside) must not carry it. Free text the council may legitimately keep is
the exception: a text box may store formula-like, right-to-left or zero-width text as typed (the
CSV writer neutralises formulas on the way out, defect 14), but never a NUL and never 100 kB
(defect 25: sensible limits). A GET writes nothing at all. Each request runs in a savepoint that is
rolled back, so one accepted value does not change the next.
"""

from __future__ import annotations

import json
import logging
import os
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import sign_in
from .test_every_form import FORMS, FORMS_BY_KEY, FormEntry
from .test_permission_walk import all_routes, expected_for, url_for

HOSTILE: dict[str, str] = {
    "NUL": "a\x00b",
    "10**20": str(10**20),
    "30 February": "2026-02-30",
    "year 1": "0001-01-01",
    "leap second": "23:59:60",
    "offset +25:00": "2026-01-14T10:00:00+25:00",
    "100 kB": "x" * 100_000,
    "right-to-left override": "abc\u202edef",
    "zero-width space": "ab\u200bcd",
    "formula": '=HYPERLINK("x")',
    "command": "+cmd|calc",
    "nested brackets": "[" * 5000 + "]" * 5000,
}
# What each kind of field is sent. Every field gets the values that break storage whatever the
# field (a NUL, which PostgreSQL refuses in text, and 100 kB, past every limit); beyond those, a field
# gets the values that could mean something to its kind, and the near-duplicates that add nothing
# there are left out (a leap second is "not a choice" just as a formula is, and free text keeps a
# zero-width space as it keeps a formula). Together the kinds send every value of HOSTILE.
EVERY_FIELD = ("NUL", "100 kB")
FOR_KIND: dict[str, tuple[str, ...]] = {
    # A line with a format of its own (a handle, a web or email address, a username).
    "text": ("right-to-left override", "zero-width space", "formula", "command", "nested brackets"),
    # Text the council may keep as typed: a formula at the start, and 10,000 characters of brackets.
    "free text": ("formula", "nested brackets"),
    # A date or a time typed whole (and the API's dates).
    "date": ("10**20", "30 February", "year 1", "leap second", "offset +25:00"),
    # A list, radios, tick boxes, a number or an id: a number too big for its column, or not a number.
    "choice": ("10**20", "formula"),
    # A box of a GOV.UK date input: its three boxes are filled together (HOSTILE_DATES).
    "date part": (),
}
assert set(EVERY_FIELD).union(*FOR_KIND.values()) == set(HOSTILE), "a hostile value is sent nowhere"
CHOICE_TAGS = {"select", "radio", "checkbox", "hidden", "number"}
DATE_NAME = re.compile(r"(_at|_on|_time|_date)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")
# Text a free-text box may keep as typed (it is shown escaped and exported neutralised).
MAY_BE_KEPT_AS_TEXT = {
    "10**20",
    "10**20 as a number",
    "30 February",
    "year 1",
    "leap second",
    "offset +25:00",
    "right-to-left override",
    "zero-width space",
    "formula",
    "command",
    "nested brackets",
}
# Whole dates typed into a GOV.UK date input's three boxes (day, month, year).
HOSTILE_DATES = {
    "30 February": ("30", "2", "2026"),
    "year 1": ("1", "1", "1"),
    "year 0": ("1", "1", "0"),
    "day 10**20": ("99999999999999999999", "1", "2026"),
    "month 10**20": ("1", "99999999999999999999", "2026"),
    "year 10**20": ("1", "1", "99999999999999999999"),
    "negative day": ("-1", "1", "2026"),
    "NUL in every box": (HOSTILE["NUL"],) * 3,
    "100 kB in every box": (HOSTILE["100 kB"],) * 3,
}
# A form's other date inputs are the same field: one impossible date, one too big, one not a number.
HOSTILE_DATES_AGAIN = ("30 February", "day 10**20", "NUL in every box")
# Inputs (not text areas) that hold free text: names, notes and references people type.
FREE_TEXT_INPUTS = {
    "display_name",
    "vault_reference",
    "recovery_contact",
    "note",
    "author",
    "text",
    "platform_id",
    # What the platform says (issue 14): its id of the thread, and who published a post.
    "conversation_id",
    "published_by",
    "document_reference",
    "reference",
    "title",
    "name",
    "elections",
    "module",
    "owner",
    "policy_reference",
    "term",
    "version",
    "consent_reference",
    "comment",
    "password",
    "all_clear_message",
    "outcome",
}
# A handle may be all digits, or a Facebook page name with hyphens: that is the platform's rule
# (accounts_register.platforms). Direction, zero-width and formula characters never are.
HANDLE_MAY_BE = {"10**20", "10**20 as a number", "30 February", "year 1"}
NOT_FIELDS = {"csrfmiddlewaretoken", "expected_status", "digest"}
NESTED_BODIES = {
    "5,000 nested lists": "[" * 5000 + "]" * 5000,
    "5,000 nested objects": '{"a":' * 5000 + "1" + "}" * 5000,
}
ROLE_ORDER = (
    "comms",
    "officer",
    "manager",
    "director",
    "administrator",
    "outsider",
    "other_officer",
    "anonymous",
)


# --- Reading forms --------------------------------------------------------------------------------
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
CONTROL = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)\s*=\s*"([^"]*)"')


def _attributes(text: str) -> dict[str, str]:
    return {k.lower(): v for k, v in ATTRIBUTE.findall(text)}


def form_fields(html: str, page_path: str, action_path: str, method: str = "post") -> dict[str, str]:
    """{field name: tag} of the forms on the page that send ``method`` to ``action_path``."""
    fields: dict[str, str] = {}
    for form in FORM.finditer(html):
        attributes = _attributes(form.group(1))
        if attributes.get("method", "get").lower() != method:
            continue
        action = (attributes.get("action", "") or page_path).split("?")[0]
        if method == "post" and action != action_path:
            continue
        for control in CONTROL.finditer(form.group(2)):
            tag, control_attributes = control.group(1).lower(), _attributes(control.group(2))
            name = control_attributes.get("name")
            if not name or name in NOT_FIELDS or control_attributes.get("type") in ("submit", "button"):
                continue
            fields[name] = tag if tag in ("textarea", "select") else control_attributes.get("type", "text")
    return fields


def date_groups(names) -> list[str]:
    """The GOV.UK date inputs among the names: ``x`` when ``x_0``, ``x_1`` and ``x_2`` are all there."""
    bases = {n[:-2] for n in names if re.search(r"_[012]$", n)}
    return sorted(b for b in bases if all(f"{b}_{i}" in names for i in range(3)))


def is_free_text(name: str, kind: str) -> bool:
    return kind == "textarea" or name in FREE_TEXT_INPUTS or name.endswith("_reference")


def field_kind(name: str, tag: str, baseline, date_parts: set[str]) -> str:
    """Which of FOR_KIND a field is: from its tag in the page, or its value in the valid body (the API)."""
    if name in date_parts:
        return "date part"
    if tag in CHOICE_TAGS or isinstance(baseline, bool | int | float | list) or baseline is None:
        return "choice"
    if tag in ("date", "time", "datetime-local") or DATE_NAME.search(name):
        return "date"
    if isinstance(baseline, str) and ISO_DATE.match(baseline):
        return "date"
    return "free text" if is_free_text(name, tag) else "text"


def values_for(kind: str) -> dict[str, str]:
    return {label: HOSTILE[label] for label in (*EVERY_FIELD, *FOR_KIND[kind])}


def _success(response) -> bool:
    if response.status_code in (301, 302, 303):
        return "/sign-in/" not in response["Location"]
    return response.status_code in (200, 201) and b"govuk-error-summary" not in response.content


def _probe(value) -> str:
    """A piece of the value that shows up in the SQL if the value is stored (quotes are escaped there)."""
    return max(re.split(r"[\"'\\\x00]", str(value)), key=len)[:1000]


def _judge(response, writes: list[str], *, free_text: bool, label: str, value, name: str = "") -> str | None:
    """The problem with one hostile submission, or None if it was refused (or kept as harmless text).

    A write that does not hold the value (a checkbox's value is never stored, an ignored field, a
    value normalised away) is the valid rest of the submission doing its job, not the hostile input.
    """
    if response.status_code >= 500:
        return f"{response.status_code}"
    if "\x00" in str(value):
        return None  # PostgreSQL refuses NUL in text: storing one would have been a 500 above
    probe = _probe(value)
    if not writes or not probe or not any(probe in sql for sql in writes):
        return None
    if free_text and label in MAY_BE_KEPT_AS_TEXT and _success(response):
        return None
    if name == "handle" and label in HANDLE_MAY_BE and _success(response):
        return None
    tables = sorted({m for sql in writes for m in WRITE_TABLE.findall(sql[:200])})
    kept = "accepted and saved" if _success(response) else f"answered {response.status_code} but saved"
    return f"{kept} ({', '.join(tables[:3])})"


WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s", re.IGNORECASE)
WRITE_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)


def _watched_writes(queries) -> list[str]:
    """The statements that wrote to a watched table (not sessions, django-axes or admin's log)."""
    writes = []
    for query in queries:
        sql = query["sql"] or ""  # None: the database refused the statement (the answer shows it)
        table = WRITE_TABLE.findall(sql[:200])
        if WRITE.match(sql) and table and not table[0].startswith(UNWATCHED_PREFIXES):
            writes.append(sql)
    return writes


UNWATCHED_PREFIXES = ("django_session", "axes_", "django_admin_log")


def _in_savepoint(send):
    """Send one request inside a savepoint that is rolled back; the response and its writes."""
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = send()
        transaction.set_rollback(True)
    return response, _watched_writes(queries.captured_queries)


@pytest.fixture(autouse=True)
def _quiet_errors():
    """A 500's traceback is formatted for the log; thousands of them would take minutes."""
    logging.disable(logging.CRITICAL if os.environ.get("WALKS_QUIET", "1") == "1" else logging.NOTSET)
    yield
    logging.disable(logging.NOTSET)


# --- Every form field -----------------------------------------------------------------------------
FIELD_WALKED = [e for e in FORMS if e.submit is None]
# Forms in two steps (an upload, then a confirmation) are walked by test_hostile_uploads; the
# password reset link's form by Django's own SetPasswordForm (its two fields only compare strings).
NOT_FIELD_WALKED = {e.key for e in FORMS if e.submit is not None}


def _fields_for(client, entry: FormEntry, w: dict, role: str) -> dict[str, str]:
    url = entry.url(w)
    fields: dict[str, str] = {}
    if not entry.json:
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            fields = form_fields(response.content.decode(errors="replace"), url, url)
    for name, value in entry.data(w, role).items():
        fields.setdefault(name, "textarea" if isinstance(value, str) and len(value) > 60 else "text")
    return fields


def walking_role(entry: FormEntry) -> str:
    """Communications where they may use the form (their form has the most fields), else the first."""
    return "comms" if "comms" in entry.may else entry.may[0]


@pytest.mark.django_db
@pytest.mark.parametrize("entry", FIELD_WALKED, ids=[e.key for e in FIELD_WALKED])
def test_every_form_field_refuses_hostile_input(client, walk_world, entry):
    """Each hostile value for its kind of field in each field, the rest valid: a 4xx or a form error,
    no 5xx, no write."""
    w = walk_world
    role = walking_role(entry)
    if entry.setup:
        entry.setup(w)
    sign_in(client, w, role)
    client.raise_request_exception = False
    url = entry.url(w)
    baseline = entry.data(w, role)
    fields = _fields_for(client, entry, w, role)
    problems = []

    def send(data):
        if entry.json:
            return client.post(url, json.dumps(data), content_type="application/json")
        return client.post(url, data)

    parts = {f"{group}_{i}" for group in date_groups(fields) for i in range(3)}
    for name, kind in fields.items():
        if kind == "checkbox" and not isinstance(baseline.get(name), list):
            continue  # a tick box is on whatever its value; the value is never stored
        field = field_kind(name, kind, baseline.get(name, ""), parts)
        if field == "date part":
            continue  # walked below, as whole dates
        for label, value in values_for(field).items():
            data = dict(baseline)
            data[name] = [value] if isinstance(baseline.get(name), list) else value
            response, changed = _in_savepoint(lambda data=data: send(data))
            problem = _judge(
                response, changed, free_text=is_free_text(name, kind), label=label, value=value, name=name
            )
            if problem:
                problems.append(f"POST {url} {name}={label}: {problem}")
        if entry.json:  # JSON's own types: a huge number, a list and an object where text is expected
            for label, value in (("10**20 as a number", 10**20), ("a list", [1]), ("an object", {"a": 1})):
                response, changed = _in_savepoint(
                    lambda name=name, value=value: send({**baseline, name: value})
                )
                problem = _judge(
                    response,
                    changed,
                    free_text=is_free_text(name, "text"),
                    label=label,
                    value=value,
                    name=name,
                )
                if problem:
                    problems.append(f"POST {url} {name}={label}: {problem}")
    for index, group in enumerate(date_groups(fields)):
        for label, parts in HOSTILE_DATES.items():
            if index and label not in HOSTILE_DATES_AGAIN:
                continue
            data = {**baseline, **{f"{group}_{i}": part for i, part in enumerate(parts)}}
            response, changed = _in_savepoint(lambda data=data: send(data))
            stored = (
                f"{int(parts[2]):04d}-{int(parts[1]):02d}-{int(parts[0]):02d}"
                if all(part.lstrip("-").isdigit() and len(part) < 5 for part in parts)
                else parts[0]
            )
            problem = _judge(response, changed, free_text=False, label=label, value=stored)
            if problem:
                problems.append(f"POST {url} {group} (date)={label}: {problem}")
    if entry.json:
        for label, body in NESTED_BODIES.items():
            response, changed = _in_savepoint(
                lambda body=body: client.post(url, body, content_type="application/json")
            )
            problem = _judge(response, changed, free_text=False, label=label, value="[[[[")
            if problem:
                problems.append(f"POST {url} body={label}: {problem}")
    assert not problems, f"{entry.key} as {role}: {len(problems)} problem(s)\n" + "\n".join(problems)


def test_the_walk_reads_date_inputs_and_form_fields():
    html = (
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x">'
        '<input name="when_0"><input name="when_1"><input name="when_2"><textarea name="why"></textarea>'
        '<button type="submit" name="go">Go</button></form><form method="get"><input name="q"></form>'
    )
    fields = form_fields(html, "/p/", "/p/")
    assert fields == {"when_0": "text", "when_1": "text", "when_2": "text", "why": "textarea"}
    assert date_groups(fields) == ["when"]
    assert form_fields(html, "/p/", "/p/", method="get") == {"q": "text"}


# --- Every API write field, from the schema -------------------------------------------------------
def _schema(client) -> dict:
    return json.loads(client.get("/api/schema/", {"format": "json"}).content)


def _properties(schema: dict, node: dict) -> set[str]:
    if "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    names = set(node.get("properties", {}))
    for key in ("oneOf", "anyOf", "allOf"):
        for part in node.get(key, []):
            names |= _properties(schema, part)
    if node.get("type") == "array" and "items" in node:
        names |= _properties(schema, node["items"])
    return names


@pytest.mark.django_db
def test_every_api_write_is_walked(client, walk_world):
    """Every POST in the API schema has a FORMS entry (so the field walk above sends it hostile input),
    and the entry's valid body names every field the schema documents."""
    sign_in(client, walk_world, "comms")
    schema = _schema(client)
    problems = []
    for path, operations in schema["paths"].items():
        if "post" not in operations:
            continue
        sample = re.sub(r"\{[^}]+\}", "1", path)
        key = resolve(sample).url_name
        entry = FORMS_BY_KEY.get(key)
        if entry is None or not entry.json:
            problems.append(f"{path}: add a JSON entry to test_every_form.FORMS")
            continue
        content = operations["post"].get("requestBody", {}).get("content", {})
        documented = set()
        for media in content.values():
            documented |= _properties(schema, media["schema"])
        missing = documented - set(entry.data(walk_world, entry.may[0]))
        if missing:
            problems.append(f"{path}: the entry's body leaves out {sorted(missing)}")
    assert not problems, "\n".join(problems)


# --- Every query parameter ------------------------------------------------------------------------
USUAL_PARAMETERS = (
    "q",
    "page",
    "sort",
    "limit",
    "offset",
    "status",
    "kind",
    "service",
    "platform",
    "directorate",
    "flags",
    "risk",
    "basis",
    "likelihood",
    "impact",
    "with",
    "export",
    "format",
)
# The query-string walk sends the values that differ in kind (a number, a date, a time zone, long
# text, direction and formula characters); the near-duplicates of the form walk add nothing here.
QUERY_HOSTILE = (
    "NUL",
    "10**20",
    "30 February",
    "offset +25:00",
    "100 kB",
    "right-to-left override",
    "formula",
)
# The usual parameters are names, numbers and choices, none a date: an impossible date or a time
# zone is "not a number or a choice" there, as a formula is.
USUAL_HOSTILE = ("NUL", "10**20", "100 kB", "right-to-left override", "formula")
HREF = re.compile(r'href="([^"]*\?[^"]*)"')


def _page_parameters(html: str, path: str) -> set[str]:
    """Query parameter names the page itself uses: its GET forms and its links back to itself."""
    names = set(form_fields(html, path, path, method="get"))
    for href in HREF.findall(html):
        target, _, query = href.replace("&amp;", "&").partition("?")
        if target in ("", path):
            names |= {pair.split("=", 1)[0] for pair in query.split("&") if pair}
    return names


def _schema_parameters(schema: dict, path: str) -> set[str]:
    names = set()
    for template, operations in schema["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and "get" in operations:
            names |= {p["name"] for p in operations["get"].get("parameters", []) if p.get("in") == "query"}
            names |= {"limit", "offset"}
    return names


def _first_role_with_a_page(route) -> str | None:
    return next((role for role in ROLE_ORDER if expected_for(route, role) == 200), None)


@pytest.mark.django_db
def test_every_query_parameter_refuses_hostile_input(client, walk_world):
    """Every page and API a role can open, with hostile query parameters: never a 5xx, never a write."""
    w = walk_world
    client.raise_request_exception = False
    sign_in(client, w, "comms")
    schema = _schema(client)
    problems = []
    for route in all_routes():
        if route.admin_model or route.key.startswith("admin:"):
            continue
        role = _first_role_with_a_page(route)
        if role is None:
            continue
        sign_in(client, w, role)
        url = url_for(route, w)
        page = client.get(url)
        names = _schema_parameters(schema, url)
        if "html" in page.get("Content-Type", "") and not getattr(page, "streaming", False):
            names |= _page_parameters(page.content.decode(errors="replace"), url)
        for label in QUERY_HOSTILE:
            value = HOSTILE[label][:6000]  # longer query strings are refused by the web server first
            requests = [(name, {name: value}) for name in sorted(names)]
            if label in USUAL_HOSTILE:
                requests.append(("all usual parameters", {name: value for name in USUAL_PARAMETERS}))
            for what, params in requests:
                response, writes = _in_savepoint(lambda params=params, url=url: client.get(url, params))
                if response.status_code >= 500 or writes:
                    result = response.status_code if not writes else f"wrote: {writes[0][:80]}"
                    problems.append(f"GET {url} as {role} {what}={label}: {result}")
    assert not problems, f"{len(problems)} problem(s)\n" + "\n".join(problems)


SEARCH_PAGES = ("public-register-check", "register-list", "who-may-use-what")
SUSPECT_CHARACTERS = st.sampled_from(
    ["\x00", "\u202e", "\u200b", "%", "_", "\\", "'", '"', "=", "+", "@", "\ud7ff"]
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(alphabet=SUSPECT_CHARACTERS | st.characters(), max_size=40))
def test_searches_answer_any_text_without_a_500(client, walk_world, q):
    """Hypothesis: any text in ``q`` on the search pages (the public check signed out) is never a 5xx."""
    client.raise_request_exception = False
    routes = {r.key: r for r in all_routes()}
    for key in SEARCH_PAGES:
        route = routes[key]
        role = _first_role_with_a_page(route)
        sign_in(client, walk_world, "anonymous" if key == "public-register-check" else role)
        response, changed = _in_savepoint(
            lambda route=route: client.get(url_for(route, walk_world), {"q": q})
        )
        assert response.status_code < 500, f"{key} ?q={q!r}: {response.status_code}"
        assert not changed, f"{key} ?q={q!r} wrote {changed[0][:80]}"


# --- Every upload ---------------------------------------------------------------------------------
def _csv(header: list[str], good: dict[str, str]) -> bytes:
    """One row per hostile value per column (the other cells valid), as CSV."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for column in header:
        for value in HOSTILE.values():
            if len(value) > 10_000:
                value = value[:10_000]
            writer.writerow([value if c == column else good.get(c, "") for c in header])
    return out.getvalue().encode()


def _uploads(w: dict) -> list[tuple[str, str, str, dict, bytes]]:
    from django.utils import timezone

    received = timezone.now().replace(microsecond=0).isoformat()
    register = _csv(
        [
            "platform",
            "handle",
            "url",
            "display_name",
            "service",
            "kind",
            "launch_date",
            "review_date",
            "admin_mailbox",
            "mailbox_is_shared",
            "comms_has_admin_access",
            "password_changed_on",
            "followers",
        ],
        {
            "platform": "Facebook",
            "handle": "zzhostile",
            "display_name": "Hostile",
            "service": "Countryside Service",
            "kind": "Departmental",
            "admin_mailbox": "countryside@cannockchasedc.gov.uk",
            "mailbox_is_shared": "yes",
            "comms_has_admin_access": "yes",
        },
    )
    enquiries = _csv(
        ["account", "platform_id", "received_at", "author", "text", "channel"],
        {
            "account": str(w["account"].pk),
            "platform_id": "zzhostile",
            "received_at": received,
            "channel": "comment",
        },
    )
    training = _csv(
        ["person", "module", "completed_at", "expires_at"],
        {"person": "officer", "module": "Hostile module", "completed_at": "2026-01-05"},
    )
    nul_after_8kb = b"account,platform_id,received_at,author,text,channel\n" + b"x" * 9000 + b"\x00\n"
    return [
        ("account-import", "comms", "file", {}, register),
        ("activity-import", "officer", "file", {"kind": "enquiries"}, enquiries),
        ("activity-import", "officer", "file", {"kind": "enquiries"}, nul_after_8kb),
        ("training-import", "comms", "file", {}, training),
    ]


class _Failed(Exception):
    def __init__(self, response):
        self.response = response


def _step(method, *args):
    """One step of an upload, kept unless it failed with a 5xx (then rolled back, so the next runs)."""
    try:
        with transaction.atomic():
            response = method(*args)
            if response.status_code >= 500:
                raise _Failed(response)
    except _Failed as failed:
        return failed.response
    return response


@pytest.mark.django_db
def test_hostile_uploads_are_refused_or_previewed_without_a_500(client, walk_world):
    """A file of hostile cells: the upload, its preview (opened twice) and its confirmation never 5xx."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.raise_request_exception = False
    problems = []
    for name, role, field, extra, content in _uploads(walk_world):
        sign_in(client, walk_world, role)
        upload = SimpleUploadedFile("hostile.csv", content, content_type="text/csv")
        steps = [("upload", _step(client.post, reverse(name), {field: upload, **extra}))]
        location = steps[0][1].get("Location", "") if steps[0][1].status_code == 302 else ""
        if location:
            steps.append(("preview", _step(client.get, location)))
            steps.append(("preview again", _step(client.get, location)))
            found = re.search(rb'name="digest" value="([^"]*)"', steps[-1][1].content)
            digest = found.group(1).decode() if found else ""
            steps.append(("confirm", _step(client.post, location, {"digest": digest})))
        elif name == "training-import" and steps[0][1].status_code == 200:
            steps.append(("confirm", _step(client.post, reverse(name), {"confirm": "yes"})))
        for step, response in steps:
            if response.status_code >= 500:
                problems.append(f"{name} ({len(content):,} bytes) {step}: {response.status_code}")
    assert not problems, "\n".join(problems)
