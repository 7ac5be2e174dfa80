"""Server-drawn SVG line charts for the dashboard: pure functions from figures to markup.

Each chart is accessible on its own (``role="img"`` labelled by its ``<title>`` and ``<desc>``,
the desc saying every figure in words) and the page puts the same figures in a table beside it.
No label is ever cut off: long names wrap onto more lines in the legend, and every series carries
its full name in its own ``<title>``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK colours, each at least 3:1 against white (WCAG 1.4.11), told apart by marker shape and
# dash pattern too, so colour is never the only difference.
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#912b88", "#0b0c0c", "#6f4e00", "#005a5f"]
MARKERS = ["circle", "square", "triangle", "diamond"]
DASHES = ["", "6 3", "2 3", "8 3 2 3"]

WIDTH = 720
LEFT = 56  # room for the y-axis figures
RIGHT = 24
TOP = 20
PLOT_HEIGHT = 220
X_AXIS_HEIGHT = 60  # month and year under the plot, then a gap before the legend
LEGEND_ROW = 20
LEGEND_WRAP = 72  # characters a legend line holds at 14px across the chart's width
TARGET_COLOUR = "#0b0c0c"
BAND_COLOUR = "#cce2d8"  # GOV.UK light green: where the guideline is met


@dataclass(frozen=True)
class Series:
    """One line: its full name and one value a month (None where there is no figure)."""

    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Target:
    """A level marked across the chart: a dashed line at ``value``, said in ``label``; with
    ``band_to`` the area from ``value`` up to ``band_to`` is shaded as well."""

    value: float
    label: str
    band_to: float | None = None


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    months: list[date]
    series: list[Series]
    y_max: float
    unit: str = ""
    target: Target | None = None
    chart_id: str = "line-chart"
    notes: list[str] = field(default_factory=list)
    y_min: float = 0
    # The last month is the current one, so far: said under it and in the description.
    partial_last: bool = False

    @property
    def svg(self) -> SafeString:
        return line_chart_svg(self)

    @property
    def table_rows(self) -> list[tuple[date, list[str]]]:
        """The same figures for the table alternative: a row a month, a cell a series."""
        return [
            (month, [_fmt(series.values[index], self.unit) for series in self.series])
            for index, month in enumerate(self.months)
        ]


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "no figure"
    return f"{value:g}{unit}"


def _x(index: int, count: int) -> float:
    plot_width = WIDTH - LEFT - RIGHT
    if count <= 1:
        return LEFT + plot_width / 2
    return round(LEFT + 12 + (plot_width - 24) * index / (count - 1), 1)


def _y(value: float, y_max: float, y_min: float = 0) -> float:
    value = min(max(value, y_min), y_max)
    return round(TOP + PLOT_HEIGHT * (1 - (value - y_min) / (y_max - y_min)), 1)


def _ticks(y_max: float, y_min: float = 0) -> list[float]:
    step = (y_max - y_min) / 4
    return [round(y_min + step * n, 1) for n in range(5)]


def percent_floor(values: list[float | None], target: float | None = None) -> float:
    """Where a percentage chart's axis starts: 0, or a round figure below the lowest value and the
    target, so lines between 80% and 100% are not squashed against the top. The axis is labelled."""
    lowest = min([v for v in values if v is not None] + ([target] if target is not None else []), default=0)
    return float(max(0, (int(lowest) - 5) // 20 * 20))


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4}" y="{y - 4}" width="8" height="8" fill="{colour}"></rect>'
    if shape == "triangle":
        return f'<polygon points="{x},{y - 5} {x + 5},{y + 4} {x - 5},{y + 4}" fill="{colour}"></polygon>'
    if shape == "diamond":
        return f'<polygon points="{x},{y - 5} {x + 5},{y} {x},{y + 5} {x - 5},{y}" fill="{colour}"></polygon>'
    return f'<circle cx="{x}" cy="{y}" r="4" fill="{colour}"></circle>'


def legend_lines(name: str) -> list[str]:
    """A series' name wrapped to the legend's width: every word kept, none cut."""
    return textwrap.wrap(name, LEGEND_WRAP, break_long_words=True) or [""]


def _segments(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points: a month without a figure breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def describe(chart: LineChart) -> str:
    """The chart in words, for ``<desc>``: every series' every month."""
    parts = [chart.description]
    if chart.target:
        parts.append(f"{chart.target.label}.")
    names = [f"{month:%B %Y}" for month in chart.months]
    if chart.partial_last and names:
        names[-1] += " (so far)"
    for series in chart.series:
        figures = ", ".join(
            f"{name} {_fmt(value, chart.unit)}" for name, value in zip(names, series.values, strict=True)
        )
        parts.append(f"{series.name}: {figures}.")
    return " ".join(parts)


def line_chart_svg(chart: LineChart) -> SafeString:
    """Draw ``chart``: a line per series, month by month, the target as a labelled dashed line.

    The height grows with the legend, so however long the names, every line of text is inside the
    drawing.
    """
    count = len(chart.months)
    legend_top = TOP + PLOT_HEIGHT + X_AXIS_HEIGHT
    legend_rows = sum(len(legend_lines(s.name)) for s in chart.series) + (1 if chart.target else 0)
    height = legend_top + legend_rows * LEGEND_ROW + 10
    cid = escape(chart.chart_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" class="app-line-chart">',
        f'<title id="{cid}-title">{escape(chart.title)}</title>',
        f'<desc id="{cid}-desc">{escape(describe(chart))}</desc>',
    ]
    bottom = TOP + PLOT_HEIGHT
    right = WIDTH - RIGHT
    if chart.target and chart.target.band_to is not None:
        top_y = _y(chart.target.band_to, chart.y_max, chart.y_min)
        band_height = round(_y(chart.target.value, chart.y_max, chart.y_min) - top_y, 1)
        out.append(
            f'<rect class="app-line-chart__band" x="{LEFT}" y="{top_y}" width="{right - LEFT}" '
            f'height="{band_height}" fill="{BAND_COLOUR}"></rect>'
        )
    for tick in _ticks(chart.y_max, chart.y_min):
        y = _y(tick, chart.y_max, chart.y_min)
        out.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{right}" y2="{y}" stroke="#cecece" stroke-width="1"></line>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 5}" text-anchor="end" font-size="13">'
            f"{escape(_fmt(tick, chart.unit))}</text>"
        )
    out.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#0b0c0c"></line>')
    for index, month in enumerate(chart.months):
        x = _x(index, count)
        out.append(f'<text x="{x}" y="{bottom + 18}" text-anchor="middle" font-size="13">{month:%b}</text>')
        if chart.partial_last and index == count - 1:
            out.append(f'<text x="{x}" y="{bottom + 34}" text-anchor="middle" font-size="13">so far</text>')
        elif index == 0 or month.month == 1:
            out.append(
                f'<text x="{x}" y="{bottom + 34}" text-anchor="middle" font-size="13">{month:%Y}</text>'
            )
    if chart.target:
        y = _y(chart.target.value, chart.y_max, chart.y_min)
        out.append(
            f'<line class="app-line-chart__target" x1="{LEFT}" y1="{y}" x2="{right}" y2="{y}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="10 5"></line>'
        )
    for number, series in enumerate(chart.series):
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[number % len(DASHES)]
        shape = MARKERS[number % len(MARKERS)]
        points = [
            None if value is None else (_x(index, count), _y(value, chart.y_max, chart.y_min))
            for index, value in enumerate(series.values)
        ]
        figures = "; ".join(
            f"{month:%B %Y}: {_fmt(value, chart.unit)}"
            for month, value in zip(chart.months, series.values, strict=True)
        )
        out.append(f'<g class="app-line-chart__series" data-series="{escape(series.name)}">')
        out.append(f"<title>{escape(series.name)}: {escape(figures)}</title>")
        for run in _segments(points):
            coords = " ".join(f"{x},{y}" for x, y in run)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="3"'
                f"{dash_attr}></polyline>"
            )
        out.extend(_marker(shape, x, y, colour) for x, y in (p for p in points if p is not None))
        out.append("</g>")
    # The legend: a swatch and the full name of each line, wrapped, then the target in words.
    y = legend_top
    for number, series in enumerate(chart.series):
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{LEFT}" y1="{y - 5}" x2="{LEFT + 30}" y2="{y - 5}" stroke="{colour}" '
            f'stroke-width="3"{dash_attr}></line>'
        )
        out.append(_marker(MARKERS[number % len(MARKERS)], LEFT + 15, y - 5, colour))
        lines = legend_lines(series.name)
        out.append(f'<text class="app-line-chart__label" x="{LEFT + 40}" y="{y}" font-size="14">')
        out.extend(
            f'<tspan x="{LEFT + 40}" dy="{0 if n == 0 else LEGEND_ROW}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        out.append("</text>")
        y += LEGEND_ROW * len(lines)
    if chart.target:
        out.append(
            f'<line x1="{LEFT}" y1="{y - 5}" x2="{LEFT + 30}" y2="{y - 5}" stroke="{TARGET_COLOUR}" '
            'stroke-width="2" stroke-dasharray="10 5"></line>'
        )
        out.append(
            f'<text class="app-line-chart__target-label" x="{LEFT + 40}" y="{y}" font-size="14">'
            f"{escape(chart.target.label)}</text>"
        )
    out.append("</svg>")
    return mark_safe("\n".join(out))  # noqa: S308  # nosec B308 B703 - every value above is escaped
