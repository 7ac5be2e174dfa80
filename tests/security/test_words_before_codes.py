"""Words before codes (issue 13 item 4): on every page each role can open, a policy reference such as
"000 §25" is never the label, heading, button or text of anything; it is a hint beside the words.

The permission walk's world gives every URL a real object; each of the council's pages a role may
open (status 200) is parsed, and every piece of text holding a policy reference must sit inside a
hint (``.govuk-hint``), a ``<details>``, ``<small>``, or ``.app-policy-ref``.

Django admin is walked too, as each person who may open it (a superuser, an administrator and
Communications): its index, and every registered model's list, add, change, history and delete
pages that person may open. There a field's help text (``<div class="help">``) is a hint, but a
field's label, a fieldset's title, a column heading, a filter's title or choice, and an action's
description are words, so none of them may be (or begin with) a reference; and no help text begins
with one either ("… (000 §11)", not "000 §11: …").
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
# In Django admin a select's options are words too (the actions menu, a form's choices), and so is
# what admin puts in a ``<details>``: the list filters' titles and choices, a collapsed fieldset.
ADMIN_HINT_TAGS = HINT_TAGS - {"option", "details"}
# Help text that opens with a reference, even inside brackets: "000 §11: …", "(003 D2.9) …".
LEADING_REFERENCE = re.compile(r"\A\W*" + POLICY_REFERENCE.pattern.removeprefix(r"\b"))
# The staff who may open Django admin; the superuser sees every registered model.
ADMIN_ROLES = ("superuser", "administrator", "comms")
# Admin URLs that are not pages of words: JSON, JavaScript, a redirect, sign-in and sign-out.
ADMIN_NOT_PAGES = {
    "admin:catch-all",
    "admin:jsi18n",
    "admin:autocomplete",
    "admin:view_on_site",
    "admin:login",
    "admin:logout",
    "admin:<model>/<object_id>/ (redirect)",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class BareReferences(HTMLParser):
    """Collects the text holding a policy reference outside any hint."""

    def __init__(self, hint_tags=HINT_TAGS):
        super().__init__(convert_charrefs=True)
        self.hint_tags = hint_tags
        self.stack: list[tuple[str, bool]] = []  # (tag, is a hint)
        self.bare: list[str] = []
        self.hints: list[list[str]] = []  # the text of each hint element, in order
        self.open_hints: list[tuple[int, list[str]]] = []  # (depth in the stack, its text so far)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        is_help = bool(classes & HINT_CLASSES)
        self.stack.append((tag, tag in self.hint_tags or is_help))
        if is_help and not self.open_hints:
            text: list[str] = []
            self.hints.append(text)
            self.open_hints.append((len(self.stack), text))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                if self.open_hints and self.open_hints[-1][0] > len(self.stack):
                    self.open_hints.pop()
                return

    def handle_data(self, data):
        if self.open_hints:
            self.open_hints[-1][1].append(data)
        if POLICY_REFERENCE.search(data) and not any(hint for _, hint in self.stack):
            where = " > ".join(tag for tag, _ in self.stack[-3:])
            self.bare.append(f"{where}: {' '.join(data.split())[:120]}")


def _parsed(html: str, hint_tags) -> BareReferences:
    parser = BareReferences(hint_tags)
    parser.feed(html)
    parser.close()
    return parser


def bare_references(html: str, hint_tags=HINT_TAGS) -> list[str]:
    return _parsed(html, hint_tags).bare


def hints_leading_with_a_reference(html: str) -> list[str]:
    """The hints (help text) whose words begin with a policy reference instead of ending with one."""
    texts = (" ".join("".join(hint).split()) for hint in _parsed(html, ADMIN_HINT_TAGS).hints)
    return [f"help: {text[:120]}" for text in texts if LEADING_REFERENCE.match(text)]


def test_a_reference_in_a_label_is_found_and_one_in_a_hint_is_not():
    page = (
        '<label class="govuk-label">Shared mailbox (000 §11)</label>'
        '<div class="govuk-hint">The council mailbox <span>(000 §11)</span></div>'
        "<details><summary>Where this rule comes from</summary>000 §25</details>"
        '<p>Answer by the end of the day <span class="app-policy-ref">(000 §25)</span>.</p>'
        "<h2>003 D5.2</h2>"
    )

    assert bare_references(page) == ["label: Shared mailbox (000 §11)", "h2: 003 D5.2"]


def test_in_admin_an_action_filter_or_choice_is_words_and_help_leads_with_words():
    page = (
        '<select name="action"><option value="x">003 D2.3: end access</option>'
        '<option value="y">End access (003 D2.3)</option></select>'
        '<details><summary>By kind</summary><ul><li><a href="?kind=x">004 Do 3</a></li></ul></details>'
        '<div class="help"><div>000 §11: a generic, shared mailbox.</div></div>'
        '<div class="help"><div>(003 D2.9) The last day.</div></div>'
        '<div class="help"><div>A generic, shared mailbox <span>(000 §11)</span>.</div></div>'
        '<div class="help"><div>Required for temporary access.</div></div>'
    )

    assert bare_references(page) == []
    assert bare_references(page, ADMIN_HINT_TAGS) == [
        "select > option: 003 D2.3: end access",
        "select > option: End access (003 D2.3)",
        "ul > li > a: 004 Do 3",
    ]
    assert hints_leading_with_a_reference(page) == [
        "help: 000 §11: a generic, shared mailbox.",
        "help: (003 D2.9) The last day.",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_policy_reference_outside_a_hint(client, walk_world, role):
    sign_in(client, walk_world, role)
    problems = []
    for route in all_routes():
        # The council's pages; Django admin's are walked below, with admin's own hints.
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


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_no_admin_page_shows_a_policy_reference_as_words(client, walk_world, role):
    """Django admin's index and every model's pages the person may open: references only in help
    text, and no help text that begins with one."""
    sign_in(client, walk_world, role)
    problems = []
    opened = 0
    for route in all_routes():
        if not route.key.startswith("admin:") or route.key in ADMIN_NOT_PAGES:
            continue
        if role != "superuser" and expected_for(route, role) != 200:
            continue
        url = url_for(route, walk_world)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        opened += 1
        page = response.content.decode()
        problems += [f"{url}: {bare}" for bare in bare_references(page, ADMIN_HINT_TAGS)]
        problems += [f"{url}: {hint}" for hint in hints_leading_with_a_reference(page)]
    assert opened > (100 if role == "superuser" else 10), f"only {opened} admin pages opened as {role}"
    assert not problems, f"{len(problems)} policy reference(s) as words in admin as {role}:\n" + "\n".join(
        sorted(set(problems))
    )
