"""The 5×5 risk heat map as accessible SVG, drawn on the server (no JavaScript charting).

Likelihood runs up the side (1 at the bottom), impact along the bottom (1 on the left); each cell
shows how many risks sit there, coloured by its rating band. The SVG has ``role="img"``, a
``<title>`` and a ``<desc>``; ``heatmap_rows`` gives the same numbers for the table alternative
that every page shows beside it. Built with ElementTree, so every text is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import scoring

CELL = 64
LEFT = 132
TOP = 16
BOTTOM = 76
RIGHT = 16
WIDTH = LEFT + 5 * CELL + RIGHT
HEIGHT = TOP + 5 * CELL + BOTTOM

CellHref = Callable[[int, int], str] | None


def count_cells(pairs: Iterable[tuple[int | None, int | None]]) -> Counter:
    """How many (likelihood, impact) pairs fall in each cell; unscored pairs are left out."""
    return Counter((likelihood, impact) for likelihood, impact in pairs if likelihood and impact)


def describe(counts: Mapping[tuple[int, int], int]) -> str:
    """A sentence giving the total and how many risks fall in each rating band."""
    total = sum(counts.values())
    if not total:
        return "No scored risks to show."
    by_band = Counter()
    for (likelihood, impact), count in counts.items():
        by_band[scoring.band_for(scoring.risk_score(likelihood, impact)).label] += count
    parts = [
        f"{by_band[band.label]} {band.label.lower()}"
        for band in reversed(scoring.BANDS)
        if by_band[band.label]
    ]
    noun = "risk" if total == 1 else "risks"
    return f"{total} {noun}: {', '.join(parts)}."


def heatmap_svg(
    counts: Mapping[tuple[int, int], int],
    *,
    title: str,
    id_prefix: str,
    description: str = "",
    cell_href: CellHref = None,
) -> str:
    """The heat map as an SVG string, counts per (likelihood, impact) cell: a row of cells per
    likelihood (highest at the top), then the impact axis below and the likelihood axis beside."""
    svg = _svg_root(
        counts, title=title, id_prefix=id_prefix, description=description, linked=cell_href is not None
    )
    for likelihood in scoring.SCALE:
        _text(
            svg, LEFT - 8, _row_top(likelihood) + CELL // 2 + 5, anchor="end", size=13
        ).text = f"{likelihood} {scoring.LIKELIHOOD_LEVELS[likelihood].label}"
        for impact in scoring.SCALE:
            _draw_cell(svg, likelihood, impact, counts.get((likelihood, impact), 0), cell_href)
    _draw_axes(svg)
    return ET.tostring(svg, encoding="unicode")


def _row_top(likelihood: int) -> int:
    return TOP + (5 - likelihood) * CELL


def _column_left(impact: int) -> int:
    return LEFT + (impact - 1) * CELL


def _text(
    parent: ET.Element, x: int, y: int, *, anchor: str = "middle", size: int, **extra: str
) -> ET.Element:
    attributes = {"x": str(x), "y": str(y), "text-anchor": anchor, "font-size": str(size)}
    return ET.SubElement(parent, "text", {**attributes, **extra})


def _svg_root(
    counts: Mapping[tuple[int, int], int], *, title: str, id_prefix: str, description: str, linked: bool
) -> ET.Element:
    """The ``<svg>`` with its title and description, named by ``aria-labelledby``."""
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "width": str(WIDTH),
            "height": str(HEIGHT),
            # A picture, unless its cells are links: then a group, so the links inside it are
            # reachable (an image may not contain interactive content).
            "role": "group" if linked else "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "class": "app-heatmap__svg",
        },
    )
    ET.SubElement(svg, "title", {"id": title_id}).text = title
    ET.SubElement(svg, "desc", {"id": desc_id}).text = " ".join(
        part for part in (description, describe(counts)) if part
    )
    return svg


def _draw_cell(svg: ET.Element, likelihood: int, impact: int, count: int, cell_href: CellHref) -> None:
    """One cell: a square in its rating band's colour (faded when empty) with its count; a link to
    the risks in it when ``cell_href`` is given and it has any."""
    x, y = _column_left(impact), _row_top(likelihood)
    band = scoring.band_for(scoring.risk_score(likelihood, impact))
    parent = svg
    if cell_href is not None and count:
        parent = ET.SubElement(
            svg,
            "a",
            {
                "href": cell_href(likelihood, impact),
                "aria-label": f"{count} risk{'s' if count != 1 else ''} with likelihood {likelihood} "
                f"and impact {impact}",
            },
        )
    cell = ET.SubElement(
        parent,
        "g",
        {
            "class": "app-heatmap__cell",
            "data-likelihood": str(likelihood),
            "data-impact": str(impact),
            "data-count": str(count),
            "data-band": band.key,
        },
    )
    ET.SubElement(
        cell,
        "rect",
        {
            "x": str(x),
            "y": str(y),
            "width": str(CELL),
            "height": str(CELL),
            "fill": band.fill,
            "fill-opacity": "1" if count else "0.35",
            "stroke": "#ffffff",
            "stroke-width": "2",
        },
    )
    if count:
        number = _text(
            cell, x + CELL // 2, y + CELL // 2 + 8, size=22, **{"font-weight": "bold", "fill": band.text}
        )
        number.text = str(count)


def _draw_axes(svg: ET.Element) -> None:
    """The impact numbers and names under the grid, and both axis titles."""
    for impact in scoring.SCALE:
        x = _column_left(impact) + CELL // 2
        _text(svg, x, TOP + 5 * CELL + 20, size=13).text = str(impact)
        _text(svg, x, TOP + 5 * CELL + 38, size=11).text = scoring.IMPACT_LEVELS[impact].label
    _text(svg, LEFT + 5 * CELL // 2, HEIGHT - 8, size=14).text = "Impact →"
    middle = TOP + 5 * CELL // 2
    _text(svg, 16, middle, size=14, transform=f"rotate(-90 16 {middle})").text = "Likelihood →"


@dataclass(frozen=True)
class TableCell:
    impact: int
    count: int
    href: str


@dataclass(frozen=True)
class TableRow:
    likelihood: int
    label: str
    cells: tuple[TableCell, ...]


def heatmap_rows(counts: Mapping[tuple[int, int], int], cell_href: CellHref = None) -> list[TableRow]:
    """The table alternative: one row per likelihood (5 first), one cell per impact."""
    return [
        TableRow(
            likelihood,
            scoring.LIKELIHOOD_LEVELS[likelihood].label,
            tuple(
                TableCell(
                    impact,
                    counts.get((likelihood, impact), 0),
                    cell_href(likelihood, impact) if cell_href and counts.get((likelihood, impact)) else "",
                )
                for impact in scoring.SCALE
            ),
        )
        for likelihood in reversed(scoring.SCALE)
    ]


def heatmap_context(
    counts: Mapping[tuple[int, int], int],
    *,
    title: str,
    id_prefix: str,
    description: str = "",
    cell_href: CellHref = None,
) -> dict:
    """What ``risk_assessments/includes/heatmap.html`` needs: the SVG and the table alternative."""
    return {
        "title": title,
        "id_prefix": id_prefix,
        "svg": heatmap_svg(
            counts, title=title, id_prefix=id_prefix, description=description, cell_href=cell_href
        ),
        "rows": heatmap_rows(counts, cell_href),
        "impacts": [scoring.IMPACT_LEVELS[i] for i in scoring.SCALE],
        "summary": describe(counts),
    }
