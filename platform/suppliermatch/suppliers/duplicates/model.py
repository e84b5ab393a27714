"""What agreement on each field is worth, learned from the records themselves.

A Fellegi-Sunter model: each compared field falls in one of a few levels (names
identical, respelled, ...; same PAN, different PANs, ...; or unknown, when either
record lacks the field). For every level two probabilities:

* ``m``: how often two registrations of *one* enterprise land in that level;
* ``u``: how often two *different* enterprises do.

A pair's score is the probability that it is one enterprise given all its levels,
``lam * prod(m) / (lam * prod(m) + (1 - lam) * prod(u))``; each field adds
``log2(m / u)`` bits of evidence.

``u`` is measured on pairs drawn at random (almost all of them are different
enterprises); for an exact agreement on a value (a phone, a PAN, a name) it is that
value's own frequency, so that a value many records share counts for less but still
counts. ``m`` and ``lam`` are estimated by expectation-maximisation over the candidate
pairs, with ``u`` held fixed (as splink does), starting from and pulled towards
``PRIOR_M``: judgement worth ``PRIOR_STRENGTH`` pairs, which is all a list of a few
records has to go on.
"""

from dataclasses import dataclass, field

import numpy as np

UNKNOWN = -1


@dataclass(frozen=True)
class Feature:
    name: str
    levels: tuple[str, ...]
    prior_m: tuple[float, ...]  # judgement: share of true duplicates in each level
    prior_u: tuple[float, ...]  # judgement: share of different enterprises in each level


# Level 0 is always the strongest agreement. The priors are judgement, set so that a
# list too small to learn from scores as the detector's hand-set weights did (bits =
# log2(m / u): same PAN +12, different PANs -14, same phone +7, same PIN code +2,
# ...; names identical a little under +6, so that a shared name and nothing else stays
# under the review score, namesakes being common); with a few hundred records the data
# outweigh them.
FEATURES: tuple[Feature, ...] = (
    Feature(
        "identity",
        ("same GSTIN", "same PAN", "PANs one character apart", "different PANs"),
        (0.55, 0.40, 0.04994, 0.00006),
        (3.4e-5, 1e-4, 0.003, 0.996866),
    ),
    Feature(
        "udyam",
        ("same Udyam number", "Udyam numbers one character apart", "different Udyam numbers"),
        (0.90, 0.0845, 0.0155),
        (2.2e-4, 0.0053, 0.99448),
    ),
    Feature("phone", ("same phone", "different phones"), (0.5, 0.5), (0.0039, 0.9961)),
    Feature(
        "email",
        ("same e-mail", "same company e-mail domain", "different e-mails"),
        (0.3, 0.1, 0.6),
        (0.0023, 0.0125, 0.9852),
    ),
    # One feature for the name, rare words included: whether a word the two names share
    # is rare tells most where the names are otherwise unlike, so the two are levels
    # of one comparison rather than two features counted as independent. "Distinctive":
    # a word at most 1% of the names hold (known only when there are enough names).
    Feature(
        "name",
        (
            "names identical",
            "the same words, spelled or shortened differently",
            "one name's words all in the other, 88% alike",
            "one name's words all in the other, with a distinctive word",
            "one name's words all in the other",
            "names 80% alike, a word differs",
            "names 70% alike, with a distinctive word in common",
            "names 70% alike",
            "names unlike",
        ),
        (0.40, 0.20, 0.15, 0.05, 0.03, 0.07, 0.03, 0.02, 0.05),
        (0.0066, 0.00625, 0.0094, 0.001, 0.02, 0.035, 0.002, 0.1, 0.82),
    ),
    Feature(
        "place",
        (
            "same PIN code",
            "same district",
            "same state",
            "different states",
            "different PIN codes, district and state unknown",
        ),
        (0.2, 0.3, 0.3, 0.1, 0.1),
        (0.05, 0.15, 0.3, 0.25, 0.25),
    ),
    Feature(
        "legal_form",
        ("one an LLP, the other a company", "same or compatible legal form"),
        (0.0125, 0.9875),
        (0.1, 0.9),
    ),
)
FEATURE_INDEX = {feature.name: index for index, feature in enumerate(FEATURES)}
_NAME = FEATURE_INDEX["name"]
# Levels whose m is a rule, not a statistic: one PAN, one enterprise (a Udyam
# registration is issued per PAN, MSME notification S.O. 2119(E) of 26 June 2020), so
# two registrations of one enterprise almost never carry different PANs or different
# Udyam numbers. Held at the prior, they keep EM from taking "names alike" for
# "one enterprise" where a list holds many namesakes.
FIXED_M = ((FEATURE_INDEX["identity"], 3), (FEATURE_INDEX["udyam"], 2))
# Share of candidate pairs taken to be duplicates before any evidence, when the data
# are too few to learn it (2^-6: the weight the detector used before it learned).
PRIOR_LAMBDA = 1 / 65
# How many pairs' worth the judgement priors count for in the EM.
PRIOR_STRENGTH = 20.0
EM_ITERATIONS = 20
# Rounds of (u, then EM for m). After the first, the u of the levels at which two names
# say one name (identical, the same words respelled, one adding a short word:
# REMEASURED_NAME_LEVELS) is measured again on the random pairs the last model takes
# for different enterprises: where one enterprise holds a large share of the records
# (one applicant with a quarter of a patent list), its own registrations under its few
# spellings swell those u (one in twelve of PATSTAT's random pairs is Philips twice).
# Only while the model takes at least REWEIGHT_SHARE of random pairs for duplicates.
# Re-measuring the levels where a word differs as well fed on itself: on a held-out
# list of 3,337 real sites it took every pair of like names for one (precision 0.04 as
# groups), where "Firman House West" and "Firman House East" are two sites.
STAGES = 3
REWEIGHT_SHARE = 0.01
REMEASURED_NAME_LEVELS = [0, 1, 2]
# The name levels whose u is fitted once more at the end, from random pairs each counted
# by how unlikely it is a duplicate under the share of duplicates among all pairs (EM
# on u). With that share, and not the candidates' (which STAGES use to get going), the
# fit settles where it should: a level's u is what is left of its random pairs once
# the duplicates the share implies are taken out, and a level holding many different
# enterprises keeps them. It mattered on PATSTAT: re-measured only in STAGES, the
# "one name's words all in the other" levels kept the dominant applicant's pairs, and
# whether "Philips" joined "Konink Philips Electronics" hung on chance (the groups'
# recall 0.845 on the whole list, 0.57 to 0.59 with 2% of it left out); fitted here,
# 0.937, and 0.895 to 0.915 with 2% left out (four draws). "Names identical" and
# "respelled" keep what STAGES found: fitted here too, they fell back towards the
# swollen u (0.67 on one such subset).
REFITTED_NAME_LEVELS = [2, 3, 4, 5, 6, 7, 8]
# Below this many records, the judgement priors are used as they are.
MIN_RECORDS_TO_LEARN = 200
# A probability is never taken to be exactly 0 or 1.
_FLOOR = 1e-9


@dataclass
class Comparisons:
    """Levels of many pairs: ``levels[pair, feature]`` (UNKNOWN when a field is missing),
    and ``u_override[pair, feature]`` (NaN, or the value's own frequency for an exact
    agreement on a value)."""

    levels: np.ndarray
    u_override: np.ndarray
    _by_feature: list | None = None

    def by_feature(self) -> list:
        """Per feature: rows where it is known, their levels, and (rows among those,
        frequencies) where a value's own frequency replaces u. Computed once, since EM
        reads it in every round."""
        if self._by_feature is None:
            self._by_feature = []
            for f in range(self.levels.shape[1]):
                known = np.nonzero(self.levels[:, f] != UNKNOWN)[0]
                override = self.u_override[known, f]
                given = np.nonzero(~np.isnan(override))[0]
                frequency = (given, override[given]) if len(given) else None
                self._by_feature.append((known, self.levels[known, f].astype(np.intp), frequency))
        return self._by_feature


@dataclass
class Model:
    m: list[np.ndarray] = field(default_factory=lambda: [np.array(f.prior_m) for f in FEATURES])
    u: list[np.ndarray] = field(default_factory=lambda: [np.array(f.prior_u) for f in FEATURES])
    lam: float = PRIOR_LAMBDA

    def bits(self, comparisons: Comparisons) -> np.ndarray:
        """Evidence of each pair for each feature, in bits (0 where unknown)."""
        out = np.zeros(comparisons.levels.shape, dtype=np.float64)
        for f, (known, levels, frequency) in enumerate(comparisons.by_feature()):
            m = np.log2(np.maximum(self.m[f], _FLOOR))[levels]
            u = np.log2(np.maximum(self.u[f], _FLOOR))[levels]
            if frequency is not None:
                rows, values = frequency
                u[rows] = np.log2(np.maximum(values, _FLOOR))
            out[known, f] = m - u
        return out

    def probability(self, comparisons: Comparisons) -> tuple[np.ndarray, np.ndarray]:
        """(probability each pair is one enterprise, its bits per feature)."""
        bits = self.bits(comparisons)
        prior = np.log2(self.lam / (1.0 - self.lam))
        total = np.clip(prior + bits.sum(axis=1), -60.0, 60.0)
        return 1.0 / (1.0 + np.exp2(-total)), bits


def _level_counts(comparisons: Comparisons, f: int, weights: np.ndarray) -> np.ndarray:
    known, levels, _ = comparisons.by_feature()[f]
    return np.bincount(levels, weights=weights[known], minlength=len(FEATURES[f].levels))


def compress(comparisons: Comparisons) -> tuple[Comparisons, np.ndarray]:
    """The same pairs as distinct rows of levels, each with how many pairs it stands for
    (pairs with a value's own frequency stay one a row). A million candidates fall into
    a few thousand patterns, and EM needs nothing else."""
    plain = np.isnan(comparisons.u_override).all(axis=1)
    rows, counts = np.unique(comparisons.levels[plain], axis=0, return_counts=True)
    levels = np.concatenate([rows, comparisons.levels[~plain]])
    override = np.concatenate([np.full(rows.shape, np.nan), comparisons.u_override[~plain]])
    weights = np.concatenate([counts.astype(np.float64), np.ones(int((~plain).sum()))])
    return Comparisons(levels=levels, u_override=override), weights


def learn(candidates: Comparisons, random_pairs: Comparisons, record_count: int) -> Model:
    """Fit ``m`` on the candidate pairs, ``u`` and ``lam`` on random pairs (EM).

    Random pairs are almost all different enterprises, but not quite where one
    enterprise holds a large share of the records (one applicant with a quarter of a
    patent list): there each random pair counts towards the ``u`` of the levels where
    names agree by how unlikely it is to be a duplicate under the last model (see
    STAGES).
    """
    model = Model()
    if record_count < MIN_RECORDS_TO_LEARN or len(candidates.levels) == 0:
        return model
    candidates, candidate_weights = compress(candidates)
    random_pairs, random_weights = compress(random_pairs)
    candidate_total = candidate_weights.sum()
    not_duplicate = random_weights
    for _ in range(STAGES):
        for f, feature in enumerate(FEATURES):
            counts = _level_counts(random_pairs, f, random_weights)
            if f == _NAME:  # see STAGES
                again = _level_counts(random_pairs, f, not_duplicate)
                counts[REMEASURED_NAME_LEVELS] = again[REMEASURED_NAME_LEVELS]
            model.u[f] = (counts + np.array(feature.prior_u)) / (counts.sum() + 1.0)
        for _ in range(EM_ITERATIONS):
            p = model.probability(candidates)[0] * candidate_weights
            lam = (p.sum() + PRIOR_LAMBDA) / (candidate_total + 1.0)
            model.lam = float(np.clip(lam, 1e-6, 0.5))
            _maximise_m(model, candidates, p)
        taken = model.probability(random_pairs)[0]
        share = float((taken * random_weights).sum() / random_weights.sum())
        if share < REWEIGHT_SHARE:
            break  # u is not swollen by duplicates: measuring it again would only feed on itself
        not_duplicate = (1.0 - taken) * random_weights
    # The EM's lam is the share of duplicates among the candidates; u, measured on
    # random pairs, belongs with the share among all pairs, which a pair's score needs.
    # Random pairs are a fair sample of all pairs, so that share is estimated on them
    # (EM on lam alone); the candidates' expected duplicates are a floor under it, since
    # they are among all pairs too.
    all_pairs = record_count * (record_count - 1) / 2
    model.lam = _share_of_all_pairs(
        model, candidates, candidate_weights, random_pairs, random_weights, all_pairs
    )
    # With the share known, m once more (EM on the candidates, lam held to that share),
    # and the u of REFITTED_NAME_LEVELS with it (see there). The candidates' own share,
    # the EM's lam above, counts many unlike pairs of like names as duplicates, and the m
    # of what those disagree on (another phone, another postal code) comes out too high:
    # on the held-out sites' list it said 44% of duplicates have different postal codes;
    # 14% after this (3.5% by its known identities).
    for _ in range(EM_ITERATIONS):
        p = model.probability(candidates)[0] * candidate_weights
        _maximise_m(model, candidates, p)
        taken = model.probability(random_pairs)[0]
        again = _level_counts(random_pairs, _NAME, (1.0 - taken) * random_weights)
        counts = _level_counts(random_pairs, _NAME, random_weights)
        counts[REFITTED_NAME_LEVELS] = again[REFITTED_NAME_LEVELS]
        u = (counts + np.array(FEATURES[_NAME].prior_u)) / (counts.sum() + 1.0)
        model.u[_NAME][REFITTED_NAME_LEVELS] = u[REFITTED_NAME_LEVELS]
        model.lam = _share_of_all_pairs(
            model, candidates, candidate_weights, random_pairs, random_weights, all_pairs
        )
    return model


def _maximise_m(model: Model, candidates: Comparisons, weights: np.ndarray) -> None:
    """The M step: m from the candidates, each counted by how likely it is a duplicate."""
    for f, feature in enumerate(FEATURES):
        counts = _level_counts(candidates, f, weights)
        prior = np.array(feature.prior_m) * PRIOR_STRENGTH
        model.m[f] = (counts + prior) / (counts.sum() + PRIOR_STRENGTH)
    _hold_fixed(model)


def _share_of_all_pairs(
    model: Model,
    candidates: Comparisons,
    candidate_weights: np.ndarray,
    random_pairs: Comparisons,
    random_weights: np.ndarray,
    all_pairs: float,
) -> float:
    """The share of all pairs that are duplicates (EM on lam alone over random pairs,
    a fair sample of all pairs), never below the candidates' expected duplicates."""
    floor = float((model.probability(candidates)[0] * candidate_weights).sum()) / all_pairs
    lam = max(floor, 1e-12)
    for _ in range(EM_ITERATIONS):
        model.lam = lam
        share = (model.probability(random_pairs)[0] * random_weights).sum() / random_weights.sum()
        lam = float(np.clip(share, floor, 0.5))
    return lam


def _hold_fixed(model: Model) -> None:
    for f, level in FIXED_M:
        fixed = FEATURES[f].prior_m[level]
        rest = np.delete(np.arange(len(model.m[f])), level)
        model.m[f][rest] *= (1.0 - fixed) / model.m[f][rest].sum()
        model.m[f][level] = fixed
