"""Scores: bands by kind of match, factors inside a band, and the weights' guarantees."""

import numpy as np
import pytest

from suppliermatch.matching.engine import scoring
from suppliermatch.matching.engine.types import ProcessMatch


def test_by_default_meeting_more_main_factors_always_scores_higher():
    assert scoring.more_met_always_wins()
    # Checked directly on the worst case: one factor met and nothing else, against none met
    # with every partial credit and every minor factor at its best.
    weights = scoring.resolve_weights()
    one_met = {name: 0.0 for name in weights} | {"preferred_certs": 1.0}
    none_met = {name: 1.0 for name in weights} | {
        name: scoring.UNMET_CEILING for name in scoring.MAIN_FACTORS
    }
    low = scoring.fit({k: np.array([v]) for k, v in one_met.items()}, weights)[0]
    high = scoring.fit({k: np.array([v]) for k, v in none_met.items()}, weights)[0]
    assert low > high


def test_a_buyer_can_trade_the_guarantee_away_with_weights():
    assert not scoring.more_met_always_wins(scoring.resolve_weights({"readiness": 1.0}))


def test_match_bands_do_not_overlap_and_exact_is_highest():
    order = [ProcessMatch.EXACT, ProcessMatch.RELATED, ProcessMatch.TEXT, ProcessMatch.WEAK]
    for better, worse in zip(order, order[1:], strict=False):
        assert scoring.MATCH_BANDS[better][0] >= scoring.MATCH_BANDS[worse][1]
    best_related = scoring.banded_score(ProcessMatch.RELATED, np.array([1.0]))[0]
    worst_exact = scoring.banded_score(ProcessMatch.EXACT, np.array([0.0]))[0]
    assert worst_exact > best_related


def inputs(**values):
    count = len(next(iter(values.values())))
    base = {
        "preferred_held": np.zeros(count),
        "capacity": np.full(count, 10_000.0),
        "distance_km": np.full(count, 50.0),
        "tolerance_mm": np.full(count, np.nan),
        "readiness": np.full(count, np.nan),
        "scorecard": np.full(count, np.nan),
        "verified_share": np.full(count, np.nan),
        "match_confidence": np.ones(count),
    }
    base.update({k: np.asarray(v, dtype=float) for k, v in values.items()})
    return scoring.FactorInputs(**base)


NEEDS = scoring.Needs(
    preferred_count=2, quantity=10_000, max_distance_km=300, tolerance_mm=0.01, plant_known=True
)


def test_main_factors_are_full_only_when_met():
    values = scoring.factor_values(
        inputs(
            preferred_held=[2, 1, 2],
            capacity=[10_000, 10_000, 7_000],
            distance_km=[100, 100, 400],
        ),
        NEEDS,
    )
    assert list(values["preferred_certs"]) == [1.0, pytest.approx(0.1), 1.0]
    assert list(values["capacity"]) == [1.0, 1.0, pytest.approx(0.14)]
    assert values["distance"][0] == 1.0 and values["distance"][2] == pytest.approx(0.15)


def test_unknown_location_gets_no_distance_credit_and_unknown_readiness_is_neutral():
    values = scoring.factor_values(inputs(distance_km=[np.nan]), NEEDS)
    assert values["distance"][0] == 0.0
    assert values["readiness"][0] == scoring.NEUTRAL


def test_finer_tolerance_earns_a_margin():
    values = scoring.factor_values(inputs(tolerance_mm=[0.01, 0.001]), NEEDS)
    assert list(values["tolerance_margin"]) == [0.0, pytest.approx(1.0)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price": 1.0}, "unknown weight"),
        ({"capacity": -1.0}, "non-negative"),
        ({"capacity": "high"}, "non-negative"),
        ({name: 0.0 for name in scoring.DEFAULT_WEIGHTS}, "at least one"),
    ],
)
def test_bad_weight_overrides_are_refused(overrides, message):
    with pytest.raises(scoring.WeightError, match=message):
        scoring.resolve_weights(overrides)


def test_contributions_sum_to_the_score_above_the_band_floor():
    weights = scoring.resolve_weights({"readiness": 0.5})
    values = {name: 0.7 for name in weights}
    added = scoring.contributions(values, weights, ProcessMatch.RELATED)
    low, high = scoring.MATCH_BANDS[ProcessMatch.RELATED]
    assert sum(added.values()) == pytest.approx((high - low) * 0.7)
