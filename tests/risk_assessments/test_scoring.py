"""Scores, levels and rating bands at the edges; the review interval (risk_assessments.scoring)."""

from datetime import date

import pytest

from risk_assessments import scoring


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band"),
    [
        (1, 1, 1, "low"),
        (1, 3, 3, "low"),
        (2, 2, 4, "medium"),
        (3, 3, 9, "medium"),
        (2, 5, 10, "high"),
        (3, 5, 15, "high"),
        (4, 4, 16, "very_high"),
        (5, 5, 25, "very_high"),
    ],
)
def test_score_is_likelihood_times_impact_in_its_band(likelihood, impact, score, band):
    assert scoring.risk_score(likelihood, impact) == score
    assert scoring.band_for(score).key == band


@pytest.mark.parametrize(
    ("likelihood", "impact"), [(0, 1), (1, 0), (6, 1), (1, 6), (None, 3), (2.5, 2), (True, 1)]
)
def test_score_outside_one_to_five_is_refused(likelihood, impact):
    with pytest.raises(scoring.ScoreError, match="from 1 to 5"):
        scoring.risk_score(likelihood, impact)


def test_bands_cover_every_score_once():
    for score in range(1, 26):
        assert sum(band.low <= score <= band.high for band in scoring.BANDS) == 1


def test_levels_are_named_and_described_for_both_scales():
    assert [scoring.LIKELIHOOD_LEVELS[i].label for i in scoring.SCALE] == [
        "Rare",
        "Unlikely",
        "Possible",
        "Likely",
        "Almost certain",
    ]
    assert [scoring.IMPACT_LEVELS[i].label for i in scoring.SCALE] == [
        "Minimal",
        "Minor",
        "Moderate",
        "Major",
        "Severe",
    ]
    assert all(
        level.description for level in [*scoring.LIKELIHOOD_LEVELS.values(), *scoring.IMPACT_LEVELS.values()]
    )


def test_residual_above_inherent_is_refused_with_a_message():
    message = scoring.residual_error(2, 2, 3, 2)
    assert message.startswith("The residual score (6) cannot be higher than the score before mitigation (4)")


@pytest.mark.parametrize("residual", [(2, 2), (1, 4), (4, 1), (1, 1)])
def test_residual_equal_or_below_inherent_is_accepted(residual):
    assert scoring.residual_error(2, 2, *residual) is None


def test_residual_not_compared_until_both_scores_are_given():
    assert scoring.residual_error(1, 1, None, 5) is None


@pytest.mark.parametrize(
    ("highest_residual", "expected"),
    [(None, date(2027, 3, 15)), (9, date(2027, 3, 15)), (10, date(2026, 9, 15)), (25, date(2026, 9, 15))],
)
def test_next_review_is_sooner_when_a_residual_score_is_high(highest_residual, expected):
    assert (
        scoring.next_review_date(
            date(2026, 3, 15), highest_residual, months=12, months_high=6, high_threshold=10
        )
        == expected
    )


def test_review_month_arithmetic_keeps_to_the_end_of_a_short_month():
    assert scoring.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert scoring.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
