"""The heat map SVG: the right count in each cell, a title, a description and a table alternative."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from risk_assessments import services
from risk_assessments.categories import RiskCategory
from risk_assessments.heatmap import count_cells, heatmap_svg

from .helpers import NOW, score_all

SVG = "{http://www.w3.org/2000/svg}"


def cells(svg_text: str) -> dict[tuple[int, int], int]:
    root = ET.fromstring(svg_text)  # noqa: S314 — our own output
    found = {(int(g.get("data-likelihood")), int(g.get("data-impact"))): g for g in root.iter(f"{SVG}g")}
    assert len(found) == 25
    counts = {}
    for key, g in found.items():
        text = g.find(f"{SVG}text")
        shown = int(text.text) if text is not None else 0
        assert shown == int(g.get("data-count"))
        counts[key] = shown
    return counts


def test_each_cell_shows_how_many_risks_sit_there():
    counts = count_cells([(1, 1), (5, 5), (5, 5), (3, 4), (None, 2)])
    svg = heatmap_svg(counts, title="After mitigation", id_prefix="t")
    shown = cells(svg)
    assert shown[(1, 1)] == 1 and shown[(5, 5)] == 2 and shown[(3, 4)] == 1
    assert sum(shown.values()) == 4


def test_svg_is_an_accessible_image_with_title_and_description():
    svg = heatmap_svg(count_cells([(2, 3)]), title="Before mitigation", id_prefix="x", description="Risks.")
    root = ET.fromstring(svg)  # noqa: S314 — our own output
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "x-title x-desc"
    assert root.find(f"{SVG}title").text == "Before mitigation"
    assert root.find(f"{SVG}desc").text == "Risks. 1 risk: 1 medium."


def test_text_is_escaped():
    root = ET.fromstring(heatmap_svg({}, title="<script>alert(1)</script>", id_prefix="e"))  # noqa: S314
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"


def _svgs(html: str) -> list[str]:
    return [f"<svg{part.split('</svg>')[0]}</svg>" for part in html.split("<svg")[1:]]


def test_assessment_page_shows_inherent_and_residual_side_by_side(client, draft, officer):
    score_all(draft, officer, likelihood=4, impact=5, residual=(2, 2))
    services.risk_item_update(
        item=draft.items.get(category=RiskCategory.SAFEGUARDING),
        by=officer,
        likelihood=5,
        impact=5,
        residual_likelihood=1,
        residual_impact=5,
    )
    client.force_login(officer)
    html = client.get(reverse("risk-assessment-detail", args=[draft.pk])).content.decode()
    inherent, residual = (cells(svg) for svg in _svgs(html))
    assert (inherent[(4, 5)], inherent[(5, 5)]) == (8, 1)
    assert (residual[(2, 2)], residual[(1, 5)]) == (8, 1)
    assert 'id="assessment-inherent-table"' in html and 'id="assessment-residual-table"' in html


@pytest.fixture
def council(accepted, officer, comms, other_account, other_service):
    other = other_service.officers.get()
    draft = services.risk_assessment_start(account=other_account, by=other, now=NOW)
    score_all(draft, other, likelihood=5, impact=5, residual=(1, 3))
    services.risk_assessment_submit(assessment=draft, by=other, now=NOW)
    services.risk_assessment_accept(assessment=draft, by=comms, now=NOW)
    return accepted, draft


def test_council_heat_map_counts_every_risk_in_force_and_links_to_them(client, council, comms):
    client.force_login(comms)
    html = client.get(reverse("risk-heatmap")).content.decode()
    (svg,) = _svgs(html)
    shown = cells(svg)
    assert shown[(2, 2)] == 9 and shown[(1, 3)] == 9 and sum(shown.values()) == 18
    link = f"{reverse('risk-item-list')}?basis=residual&amp;likelihood=1&amp;impact=3"
    assert link in html
    listed = client.get(reverse("risk-item-list"), {"basis": "residual", "likelihood": 1, "impact": 3})
    assert listed.context["page"].paginator.count == 9


def test_council_heat_map_before_mitigation(client, council, comms):
    client.force_login(comms)
    (svg,) = _svgs(client.get(reverse("risk-heatmap"), {"basis": "inherent"}).content.decode())
    shown = cells(svg)
    assert (shown[(3, 3)], shown[(5, 5)]) == (9, 9)


@pytest.mark.parametrize("persona", ["officer", "director", "outsider"])
def test_only_communications_see_the_council_heat_map(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("risk-heatmap")).status_code == 403
    assert client.get(reverse("risk-item-list")).status_code == 403


def test_risk_list_behind_a_cell_takes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, service, officer, comms
):
    from tests.factories import AccountFactory

    for account in AccountFactory.create_batch(6, service=service):
        draft = services.risk_assessment_start(account=account, by=officer, now=NOW)
        score_all(draft, officer)
        services.risk_assessment_submit(assessment=draft, by=officer, now=NOW)
        services.risk_assessment_accept(assessment=draft, by=comms, now=NOW)
    client.force_login(comms)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("risk-item-list"), {"likelihood": 2, "impact": 2})
    assert response.context["page"].paginator.count == 54
    with django_assert_max_num_queries(10):
        client.get(reverse("risk-heatmap"))
