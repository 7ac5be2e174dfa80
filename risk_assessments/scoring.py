"""How a risk is scored: the named levels, the score, the rating bands and the review interval.

Everything about scoring lives here, as pure functions and constants, so forms, models, the heat
map, the print view and the review rule all say the same thing (001 §7, 000 §9).

A risk is scored twice: its *inherent* score (likelihood × impact before the mitigations) and its
*residual* score (after them). Mitigations reduce a risk; they never make it worse, so a residual
score above the inherent score is refused.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

SCALE = (1, 2, 3, 4, 5)
MIN_SCORE = 1
MAX_SCORE = 25


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    description: str

    @property
    def choice_label(self) -> str:
        return f"{self.value} – {self.label}"


LIKELIHOOD_LEVELS: dict[int, Level] = {
    1: Level(
        1, "Rare", "Could happen only in exceptional circumstances; not expected in the next few years."
    ),
    2: Level(2, "Unlikely", "Could happen at some time, but is not expected in the next year."),
    3: Level(3, "Possible", "Might well happen in the next year; it has happened to other councils."),
    4: Level(4, "Likely", "Will probably happen in the next year; it has happened here before."),
    5: Level(5, "Almost certain", "Is expected to happen, or is already happening, within months."),
}

IMPACT_LEVELS: dict[int, Level] = {
    1: Level(1, "Minimal", "Barely noticed: no complaint, no cost, put right at once by the service."),
    2: Level(2, "Minor", "A few complaints or a short-lived local story; put right within the service."),
    3: Level(
        3,
        "Moderate",
        "Local media interest, a formal complaint or a small breach; Communications must step in.",
    ),
    4: Level(
        4,
        "Major",
        "Regional media interest, a reportable data breach, harm to a person or legal action; "
        "Corporate Director involved.",
    ),
    5: Level(
        5,
        "Severe",
        "National media interest, serious harm to a child or vulnerable adult, a regulator's "
        "sanction or lasting loss of trust in the council.",
    ),
}


@dataclass(frozen=True)
class Band:
    """A rating band: the scores from ``low`` to ``high`` inclusive share a rating and a colour."""

    key: str
    label: str
    low: int
    high: int
    fill: str  # the heat map's cell colour (GOV.UK Frontend palette)
    text: str  # a readable text colour on that fill
    meaning: str


BANDS: tuple[Band, ...] = (
    Band("low", "Low", 1, 3, "#00703c", "#ffffff", "Accept and keep under review."),
    Band("medium", "Medium", 4, 9, "#ffdd00", "#0b0c0c", "Manage with the mitigations in place."),
    Band("high", "High", 10, 15, "#f47738", "#0b0c0c", "Act now; review the assessment within six months."),
    Band(
        "very_high",
        "Very high",
        16,
        25,
        "#d4351c",
        "#ffffff",
        "Do not go ahead until the risk is reduced; tell Communications at once.",
    ),
)


#: Each band's GOV.UK tag colour (the score tags; the heat map uses ``fill``).
BAND_TAG_COLOURS = {"low": "green", "medium": "yellow", "high": "orange", "very_high": "red"}


class ScoreError(ValueError):
    """A likelihood or impact outside 1–5, or a residual score above the inherent one."""


def _check_level(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise ScoreError(f"The {name} must be a whole number from 1 to 5.")
    return value


def risk_score(likelihood: int, impact: int) -> int:
    """The risk's score: likelihood × impact, each on the 1–5 scale, so from 1 to 25."""
    return _check_level(likelihood, "likelihood") * _check_level(impact, "impact")


def band_for(score: int) -> Band:
    """The rating band a score falls in."""
    for band in BANDS:
        if band.low <= score <= band.high:
            return band
    raise ScoreError(f"A risk score must be from {MIN_SCORE} to {MAX_SCORE}, not {score}.")


def residual_error(
    likelihood: int | None,
    impact: int | None,
    residual_likelihood: int | None,
    residual_impact: int | None,
) -> str | None:
    """The message refusing a residual score above the inherent score, or None when it is fine.

    Scores not yet given are not compared: an item may be saved half-scored while in draft.
    """
    if None in (likelihood, impact, residual_likelihood, residual_impact):
        return None
    inherent = risk_score(likelihood, impact)
    residual = risk_score(residual_likelihood, residual_impact)
    if residual > inherent:
        return (
            f"The residual score ({residual}) cannot be higher than the score before mitigation "
            f"({inherent}). Mitigations reduce a risk; lower the residual likelihood or impact, "
            "or raise the score before mitigation."
        )
    return None


def is_high_residual(score: int | None, threshold: int) -> bool:
    """Whether a residual score is high enough to bring the review forward (a setting)."""
    return score is not None and score >= threshold


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_date(
    accepted_on: date,
    highest_residual: int | None,
    *,
    months: int,
    months_high: int,
    high_threshold: int,
) -> date:
    """When an accepted assessment must next be reviewed (000 §25: keep it up to date).

    ``months`` after acceptance (12 by default), or ``months_high`` (sooner) when any residual
    score is at or above ``high_threshold``.
    """
    interval = months_high if is_high_residual(highest_residual, high_threshold) else months
    return add_months(accepted_on, interval)
