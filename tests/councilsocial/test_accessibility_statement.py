"""The accessibility statement: public, in the GOV.UK sample statement's structure, linked from
every page's footer (Public Sector Bodies Accessibility Regulations 2018; issue 8 item 1)."""

from __future__ import annotations

import pytest

SECTIONS = [
    "How accessible this service is",
    "Feedback and contact information",
    "Reporting accessibility problems with this service",
    "Enforcement procedure",
    "Compliance status",
    "Non-accessible content",
    "Preparation of this accessibility statement",
]


@pytest.mark.django_db
def test_the_statement_can_be_read_without_signing_in(client):
    response = client.get("/accessibility/")

    assert response.status_code == 200
    page = response.content.decode()
    for heading in SECTIONS:
        assert heading in page
    assert "communications@cannockchasedc.gov.uk" in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "officer"])
def test_every_page_links_to_the_statement_from_its_footer(client, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    page = client.get("/" if persona else "/sign-in/").content.decode()

    footer = page[page.index("<footer") :]
    assert 'href="/accessibility/">Accessibility statement</a>' in footer


@pytest.mark.django_db
def test_the_statement_says_when_and_how_the_service_was_last_tested(client):
    """Issue 17: the date of the last test, what it covered, and each known issue with its date."""
    page = client.get("/accessibility/").content.decode()

    assert "This service was last tested on 27 November 2026" in page
    assert "It was last reviewed on 27 November 2026" in page
    methods = ["axe-core 4.14", "1280 and at 320 pixels wide", "text spacing", "text at 200%", "keyboard"]
    for method in methods:
        assert method in page
    assert page.count("by 31 March 2027") == 2  # the charts' small words; the Administration pages
