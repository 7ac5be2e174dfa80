"""Words before codes (issue 13 item 4): on every page each role can open, a policy reference such as
"000 §25" is never the label, heading, button or text of anything; it is a hint beside the words.

The permission walk's world gives every URL a real object; each of the council's pages a role may
open (status 200; Django admin aside) is parsed, and every piece of text holding a policy reference
must sit inside a hint (``.govuk-hint``), a ``<details>``, ``<small>``, or ``.app-policy-ref``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from .conftest import sign_in
from .test_permission_walk import ROLES, all_routes, expected_for, url_for

pytestmark = pytest.mark.django_db

# "000 §25", "003 D5.2", "000 Appendix 2", "004 Do 3", "004 Don't 5–6", "003 Section B", "003 B2.4".
POLICY_REFERENCE = re.compile(r"\b0\d\d (?:§|D\d|Appendix \d|Do \d|Don't \d|Section [A-Z]|B\d)")
HINT_CLASSES = {"govuk-hint", "app-policy-ref", "help", "helptext"}
HINT_TAGS = {"details", "small", "script", "style", "head", "title", "textarea", "option"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class BareReferences(HTMLParser):
    """Collects the text holding a policy reference outside any hint."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, is a hint)
        self.bare: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append((tag, tag in HINT_TAGS or bool(classes & HINT_CLASSES)))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if POLICY_REFERENCE.search(data) and not any(hint for _, hint in self.stack):
            where = " > ".join(tag for tag, _ in self.stack[-3:])
            self.bare.append(f"{where}: {' '.join(data.split())[:120]}")


def bare_references(html: str) -> list[str]:
    parser = BareReferences()
    parser.feed(html)
    parser.close()
    return parser.bare


def test_a_reference_in_a_label_is_found_and_one_in_a_hint_is_not():
    page = (
        '<label class="govuk-label">Shared mailbox (000 §11)</label>'
        '<div class="govuk-hint">The council mailbox <span>(000 §11)</span></div>'
        "<details><summary>Where this rule comes from</summary>000 §25</details>"
        '<p>Answer by the end of the day <span class="app-policy-ref">(000 §25)</span>.</p>'
        "<h2>003 D5.2</h2>"
    )

    assert bare_references(page) == ["label: Shared mailbox (000 §11)", "h2: 003 D5.2"]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_policy_reference_outside_a_hint(client, walk_world, role):
    sign_in(client, walk_world, role)
    problems = []
    for route in all_routes():
        # The council's pages; Django admin's pages are its own markup (model help in ``.help``).
        if route.key.startswith("admin:") or expected_for(route, role) != 200:
            continue
        url = url_for(route, walk_world)
        response = client.get(url)
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        problems += [f"{url}: {bare}" for bare in bare_references(response.content.decode())]
    assert not problems, f"{len(problems)} bare policy reference(s) as {role}:\n" + "\n".join(
        sorted(set(problems))
    )
