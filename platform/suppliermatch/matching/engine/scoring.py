"""How a qualifying supplier is scored: bands by process match, then weighted factors.

Two rules come first and are not weights:

* a supplier failing a hard constraint (required certificate, tolerance, capacity below
  half the quantity) is never ranked with those that meet them (it is listed apart, with
  the reasons);
* a supplier offering the requested process ranks above one offering only a related
  process, which ranks above one merely in the same category. Each kind of match has its
  own band of scores (``MATCH_BANDS``) and the factors place a supplier inside its band.

Inside a band, ``fit`` is the weighted mean of the factors below, each 0..1. The three main
factors are the ones a buyer grades by: every preferred certificate held, the full monthly
quantity covered, within the maximum distance. Each is 1.0 when met and at most
``UNMET_CEILING`` when not (partial credit for coming close), and together they carry most
of the weight: with the default weights a supplier meeting more of them always scores
higher than one meeting fewer, whatever the partial credits and minor factors
(``more_met_always_wins()``), as the buyer's grading asks. Minor factors order suppliers
that meet the same ones. A buyer may override weights per requirement and accept a
different trade-off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from suppliermatch.matching.engine.types import ProcessMatch

# Score bands (low, high) per kind of process match; they do not overlap, best first.
MATCH_BANDS: Mapping[ProcessMatch, tuple[float, float]] = MappingProxyType(
    {
        ProcessMatch.EXACT: (0.6, 1.0),
        ProcessMatch.RELATED: (0.3, 0.6),
        ProcessMatch.TEXT: (0.1, 0.3),
        ProcessMatch.WEAK: (0.0, 0.1),
    }
)

MAIN_FACTORS = ("preferred_certs", "capacity", "distance")
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        # Main factors: each is one step in the buyer's grading.
        "preferred_certs": 0.25,
        "capacity": 0.25,
        "distance": 0.25,
        # Minor factors: order suppliers that are equal on the main ones.
        "match_confidence": 0.02,
        "readiness": 0.015,
        "scorecard": 0.015,
        "verified_certs": 0.01,
        "proximity": 0.01,
        "tolerance_margin": 0.01,
    }
)
# A main factor that is not met scores at most this (partial credit for coming close).
UNMET_CEILING = 0.2
# Value for a factor the data cannot inform (no readiness assessment yet, no plant location).
NEUTRAL = 0.5
# Inside the text band, the share of the place set by how well the words match; the factors
# (distance, capacity ...) share the rest, so they break near-ties but never override a
# clearly better text match (a 56%-similar supplier at the plant stays below 80%-similar
# ones 1,000 km away).
TEXT_RELEVANCE_SHARE = 0.95
# Proximity falls from 1 at the plant to 0 at this distance.
PROXIMITY_SCALE_KM = 1000.0


class WeightError(ValueError):
    """A weight override names an unknown factor or is not a non-negative number."""


def resolve_weights(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Default weights with a requirement's overrides applied (unknown names are an error)."""
    weights = dict(DEFAULT_WEIGHTS)
    for name, value in (overrides or {}).items():
        if name not in weights:
            known = ", ".join(sorted(weights))
            raise WeightError(f"unknown weight {name!r}; known weights: {known}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise WeightError(f"weight {name!r} must be a non-negative number, got {value!r}")
        weights[name] = float(value)
    if sum(weights.values()) <= 0:
        raise WeightError("at least one weight must be positive")
    return weights


def minor_weight_total(weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    """The most the minor factors together can add to the weighted sum."""
    return sum(w for name, w in weights.items() if name not in MAIN_FACTORS)


def more_met_always_wins(weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> bool:
    """Whether meeting one more main factor always outweighs everything else.

    The worst case: a supplier meets factor f and nothing else (no partial credit, minor
    factors 0) against one that meets nothing but gets the full partial credit on every
    main factor and the maximum from the minor ones.
    """
    partial_credit = UNMET_CEILING * sum(weights[name] for name in MAIN_FACTORS)
    return min(weights[name] for name in MAIN_FACTORS) > partial_credit + minor_weight_total(
        weights
    )


@dataclass(frozen=True, slots=True)
class FactorInputs:
    """Per-candidate arrays the factors are computed from (all the same length)."""

    preferred_held: np.ndarray  # number of preferred certificates held and valid
    capacity: np.ndarray  # monthly capacity, NaN when unknown
    distance_km: np.ndarray  # to the plant, NaN when unknown
    tolerance_mm: np.ndarray  # supplier's best tolerance, NaN when unknown
    readiness: np.ndarray  # 0..1, NaN when unknown
    scorecard: np.ndarray  # 0..1, NaN when unknown
    verified_share: np.ndarray  # share of counted certificates that were verified, NaN if none
    match_confidence: np.ndarray  # 0..1


@dataclass(frozen=True, slots=True)
class Needs:
    """What the requirement asks for, as far as the soft factors are concerned."""

    preferred_count: int
    quantity: float | None
    max_distance_km: float | None
    tolerance_mm: float | None
    plant_known: bool


def factor_values(inputs: FactorInputs, needs: Needs) -> dict[str, np.ndarray]:
    """Each factor's value 0..1 for every candidate."""
    count = len(inputs.capacity)
    full = np.ones(count, dtype=np.float64)

    if needs.preferred_count:
        share = inputs.preferred_held / needs.preferred_count
        preferred = np.where(share >= 1.0, 1.0, UNMET_CEILING * share)
    else:
        preferred = full

    if needs.quantity:
        cover = np.nan_to_num(inputs.capacity / needs.quantity, nan=0.0)
        capacity = np.where(cover >= 1.0, 1.0, UNMET_CEILING * np.clip(cover, 0.0, 1.0))
    else:
        capacity = full

    distance_known = ~np.isnan(inputs.distance_km)
    if needs.max_distance_km and needs.plant_known:
        within = distance_known & (inputs.distance_km <= needs.max_distance_km)
        with np.errstate(divide="ignore", invalid="ignore"):
            # Partial credit shrinks the farther beyond the limit; unknown location gets none.
            beyond = UNMET_CEILING * np.minimum(1.0, needs.max_distance_km / inputs.distance_km)
        distance = np.where(within, 1.0, np.where(distance_known, beyond, 0.0))
    else:
        distance = full

    if needs.plant_known:
        proximity = np.where(
            distance_known,
            1.0 - np.clip(np.nan_to_num(inputs.distance_km) / PROXIMITY_SCALE_KM, 0.0, 1.0),
            0.0,
        )
    else:
        proximity = np.full(count, NEUTRAL)

    if needs.tolerance_mm:
        with np.errstate(divide="ignore", invalid="ignore"):
            # 0 when the supplier just meets the tolerance, 1 when ten times finer.
            margin = np.log10(needs.tolerance_mm / inputs.tolerance_mm)
        tolerance_margin = np.clip(np.nan_to_num(margin, nan=0.0, posinf=1.0), 0.0, 1.0)
    else:
        tolerance_margin = np.full(count, NEUTRAL)

    return {
        "preferred_certs": preferred,
        "capacity": capacity,
        "distance": distance,
        "match_confidence": np.clip(inputs.match_confidence, 0.0, 1.0),
        "readiness": _known_or_neutral(inputs.readiness),
        "scorecard": _known_or_neutral(inputs.scorecard),
        "verified_certs": _known_or_neutral(inputs.verified_share),
        "proximity": proximity,
        "tolerance_margin": tolerance_margin,
    }


def fit(values: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """Weighted mean of the factor values, 0..1."""
    total = sum(weights.values())
    combined = sum(weights[name] * values[name] for name in weights)
    return np.asarray(combined, dtype=np.float64) / total


def text_fit(relevance: np.ndarray, fit_values: np.ndarray) -> np.ndarray:
    """The place of a text match in its band: how well its words match the requirement
    (``relevance``, 0..1), the factors only breaking near-ties."""
    return TEXT_RELEVANCE_SHARE * relevance + (1.0 - TEXT_RELEVANCE_SHARE) * fit_values


def banded_score(match: ProcessMatch, fit_values: np.ndarray) -> np.ndarray:
    """Place each supplier's fit inside its match band (the upper end is left open)."""
    low, high = MATCH_BANDS[match]
    return low + (high - low) * np.clip(fit_values, 0.0, 1.0) * 0.999999


def contributions(
    values: Mapping[str, float], weights: Mapping[str, float], match: ProcessMatch
) -> dict[str, float]:
    """What each factor added to one supplier's score (they sum to score minus band floor).

    In the text band the relevance of the words is carried by ``match_confidence``."""
    low, high = MATCH_BANDS[match]
    total = sum(weights.values())
    added = {name: (high - low) * weights[name] * values[name] / total for name in weights}
    if match is ProcessMatch.TEXT:
        added = {name: (1.0 - TEXT_RELEVANCE_SHARE) * value for name, value in added.items()}
        added["match_confidence"] = (
            added.get("match_confidence", 0.0)
            + (high - low) * TEXT_RELEVANCE_SHARE * values["match_confidence"]
        )
    return added


def _known_or_neutral(values: np.ndarray) -> np.ndarray:
    return np.clip(np.where(np.isnan(values), NEUTRAL, values), 0.0, 1.0)
