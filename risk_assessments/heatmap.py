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
    """The heat map as an SVG string, counts per (likelihood, impact) cell."""
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
            "role": "group" if cell_href is not None else "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "class": "app-heatmap__svg",
        },
    )
    ET.SubElement(svg, "title", {"id": title_id}).text = title
    ET.SubElement(svg, "desc", {"id": desc_id}).text = " ".join(
        part for part in (description, describe(counts)) if part
    )
    for likelihood in scoring.SCALE:
        y = TOP + (5 - likelihood) * CELL
        label = ET.SubElement(
            svg,
            "text",
            {"x": str(LEFT - 8), "y": str(y + CELL // 2 + 5), "text-anchor": "end", "font-size": "13"},
        )
        label.text = f"{likelihood} {scoring.LIKELIHOOD_LEVELS[likelihood].label}"
        for impact in scoring.SCALE:
            x = LEFT + (impact - 1) * CELL
            count = counts.get((likelihood, impact), 0)
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
                text = ET.SubElement(
                    cell,
                    "text",
                    {
                        "x": str(x + CELL // 2),
                        "y": str(y + CELL // 2 + 8),
                        "text-anchor": "middle",
                        "font-size": "22",
                        "font-weight": "bold",
                        "fill": band.text,
                    },
                )
                text.text = str(count)
    for impact in scoring.SCALE:
        x = LEFT + (impact - 1) * CELL + CELL // 2
        number = ET.SubElement(
            svg,
            "text",
            {"x": str(x), "y": str(TOP + 5 * CELL + 20), "text-anchor": "middle", "font-size": "13"},
        )
        number.text = str(impact)
        name = ET.SubElement(
            svg,
            "text",
            {"x": str(x), "y": str(TOP + 5 * CELL + 38), "text-anchor": "middle", "font-size": "11"},
        )
        name.text = scoring.IMPACT_LEVELS[impact].label
    axis = ET.SubElement(
        svg,
        "text",
        {"x": str(LEFT + 5 * CELL // 2), "y": str(HEIGHT - 8), "text-anchor": "middle", "font-size": "14"},
    )
    axis.text = "Impact →"
    side = ET.SubElement(
        svg,
        "text",
        {
            "x": "16",
            "y": str(TOP + 5 * CELL // 2),
            "text-anchor": "middle",
            "font-size": "14",
            "transform": f"rotate(-90 16 {TOP + 5 * CELL // 2})",
        },
    )
    side.text = "Likelihood →"
    return ET.tostring(svg, encoding="unicode")


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
