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
