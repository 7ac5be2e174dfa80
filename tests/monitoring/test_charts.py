"""The dashboard's line charts are pure functions from figures to SVG (issue 13 item 7)."""

from __future__ import annotations

import re
from datetime import date

from monitoring.charts import LineChart, Series, Target, legend_lines, line_chart_svg, percent_floor

MONTHS = [date(2025, m, 1) for m in range(3, 13)] + [date(2026, 1, 1), date(2026, 2, 1)]
LONG_NAME = (
    "Cannock Chase Council and Stafford Borough Council Building Control, "
    "the shared service's own account for questions about building regulations"
)


def chart(series, **kwargs) -> LineChart:
    return LineChart(
        title="Enquiries answered within their deadline, by month",
        description="Line chart of the percentage answered by the deadline.",
        months=MONTHS,
        series=series,
        y_max=100,
        unit="%",
        target=Target(95, "Target: 95% answered by the deadline"),
        chart_id="response-chart",
        **kwargs,
    )


def series(name: str, start: float) -> Series:
    return Series(name, [start + n for n in range(12)])


def test_each_series_is_a_line_of_twelve_points_and_the_target_a_labelled_line():
    svg = line_chart_svg(chart([series("The whole council", 80), series("Place and Economy", 70)]))

    assert svg.count('class="app-line-chart__series"') == 2
    assert svg.count("<polyline") == 2
    first = re.search(r'<polyline points="([^"]+)"', svg).group(1)
    assert len(first.split()) == 12
    assert svg.count('class="app-line-chart__target"') == 1
    assert "Target: 95% answered by the deadline" in svg


def test_the_chart_is_an_image_labelled_by_its_title_and_a_description_of_every_figure():
    svg = line_chart_svg(chart([series("The whole council", 80)]))

    assert 'role="img" aria-labelledby="response-chart-title response-chart-desc"' in svg
    title = '<title id="response-chart-title">Enquiries answered within their deadline, by month</title>'
    assert title in svg
    desc = re.search(r'<desc id="response-chart-desc">(.*?)</desc>', svg, re.S).group(1)
    assert "The whole council: March 2025 80%" in desc and "February 2026 91%" in desc
    assert "Target: 95% answered by the deadline." in desc


def test_a_long_name_is_wrapped_whole_in_the_legend_and_given_in_full_in_its_title():
    svg = line_chart_svg(chart([series(LONG_NAME, 60)]))

    lines = legend_lines(LONG_NAME)
    assert len(lines) > 1
    assert " ".join(lines) == LONG_NAME
    legend = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(legend) == LONG_NAME.replace("'", "&#x27;")
    assert f"<title>{LONG_NAME.replace(chr(39), '&#x27;')}: March 2025: 60%" in svg
    # The drawing is tall enough for every line of the legend and the target below it.
    height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))
    last_y = max(float(y) for y in re.findall(r'<text[^>]*y="([\d.]+)"', svg))
    assert last_y < height


def test_a_month_without_a_figure_breaks_the_line_and_is_said_as_no_figure():
    values = [90.0] * 12
    values[5] = None
    svg = line_chart_svg(chart([Series("Building Control", values)]))

    assert svg.count("<polyline") == 2
    assert "August 2025 no figure" in svg


def test_names_and_labels_are_escaped():
    svg = line_chart_svg(chart([Series("<script>alert(1)</script>", [50.0] * 12)]))

    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_band_shades_from_the_guideline_up():
    svg = line_chart_svg(
        LineChart(
            title="Cannock Chase Life (Facebook): original posts a week",
            description="Posts a week.",
            months=MONTHS,
            series=[series("Cannock Chase Life (Facebook)", 1)],
            y_max=16,
            target=Target(7, "Guideline: at least 7 a week (shaded where it is met)", band_to=16),
            chart_id="posting-chart-1",
        )
    )

    band = re.search(r'<rect class="app-line-chart__band" x="[\d.]+" y="([\d.]+)"[^>]*height="([\d.]+)"', svg)
    target_y = float(re.search(r'class="app-line-chart__target" x1="[\d.]+" y1="([\d.]+)"', svg).group(1))
    assert float(band.group(1)) + float(band.group(2)) == target_y


def test_a_percentage_axis_starts_below_the_lowest_figure_and_the_target():
    assert percent_floor([88.0, 97.5, None], 95) == 80
    assert percent_floor([12.0, 97.5], 95) == 0
    assert percent_floor([None], 95) == 80


def test_the_current_month_is_marked_so_far():
    svg = line_chart_svg(chart([series("The whole council", 80)], partial_last=True))

    assert ">so far</text>" in svg
    assert "February 2026 (so far) 91%" in svg
