"""Ranking: candidates from the index, hard constraints as filters, scores, explanations.

1. Read the requested process from the requirement (or take the one given) and its related
   processes from the taxonomy. The reading is *confident* when a whole, telling synonym
   matched (``ConceptMatcher.find_in_requirement``).
2. Confident: candidates come from the inverted lists, suppliers offering the process
   (exact), then those offering a related one, each kind in its own score band.
   Not confident, or no known process: candidates are the suppliers sharing words with the
   requirement, ordered by their BM25 score (``lexical``), the factors breaking near-ties.
3. Hard constraints are checked on all candidates at once with arrays; failing suppliers
   leave the ranking (and are listed apart on request, with the reasons).
4. Qualifying suppliers are scored (``scoring``): the kind of match sets the band, the
   factors (and, for text matches, the words) set the place inside it.
5. Only when exact and related suppliers do not fill the list are text matches, then weaker
   candidates (same category, or owning the equipment) considered, each in a lower band.
6. The top of the list gets plain-language reasons (``explain``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from suppliermatch.matching.engine import explain, lexical, scoring, semantic
from suppliermatch.matching.engine.constraints import (
    MIN_CAPACITY_SHARE,
    TOLERANCE_EPSILON_MM,
    effective_needed_by,
    hard_constraint_failures,
)
from suppliermatch.matching.engine.geo import haversine_km_many
from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.engine.text import without_exclusions
from suppliermatch.matching.engine.types import (
    FactorScore,
    MatchResult,
    ProcessMatch,
    RankedSupplier,
    RequirementQuery,
)

# Confidence of a related-process match relative to the supplier's own match confidence.
RELATED_CONFIDENCE = 0.8
# Text search: at most this many of the best word matches are considered (scored, checked
# against the hard constraints); far more than any ranking shows.
TEXT_SHORTLIST = 20_000
# On the text path a supplier's relevance is this share its words (BM25 as a share of the
# best) and the rest its meaning (cosine similarity of embeddings, ``semantic``); the
# requirement's vector is moved towards its best word matches' vectors with this weight.
# Measured on realtext through the product: see docs/matching.md.
LEXICAL_SHARE = 0.3
MEANING_FEEDBACK_WEIGHT = 1.0
# Suppliers sharing no word with the requirement join the candidates by meaning, at most
# this many (the closest); far more than a ranking shows.
MEANING_CANDIDATES = 500
# ... and only as close as this (cosine): below it a text merely shares the language's
# common words (realtext, floor 0 / 0.3 / 0.4 / 0.6: NDCG@10 0.643 / 0.640 / 0.637 / 0.631,
# but at 0 every supplier joins every ranking, however unrelated).
MEANING_FLOOR = 0.3
# The second round of meaning feedback re-chooses them among this many closest of the first
# (a million suppliers' similarities are computed once, these few thousand twice).
MEANING_POOL = 5_000


@dataclass(frozen=True, slots=True)
class _Tier:
    match: ProcessMatch
    rows: np.ndarray
    confidence: np.ndarray
    # Per row, which of ``slugs`` the supplier matched with (None for text and weak tiers).
    process_codes: np.ndarray | None = None
    slugs: tuple[str, ...] = ()


def rank(
    index: MatchIndex,
    query: RequirementQuery,
    *,
    limit: int = 100,
    explain_top: int = 50,
    include_excluded: bool = False,
    today: date | None = None,
) -> MatchResult:
    """Rank the index's suppliers for ``query``; see the module docstring for the steps."""
    weights = scoring.resolve_weights(query.weights)
    needed_by = effective_needed_by(query, today)
    read = _requested_process(index, query)
    requested = read.process if read.confident else None
    related = tuple(sorted(index.taxonomy.related(requested))) if requested else ()
    terms = lexical.query_terms(index.matcher.tokens, query.title, query.description)

    # Confident: the process decides; otherwise the words do.
    tiers = (
        _process_tiers(index, requested, related)
        if requested
        else [_text_tier(index, terms, meaning_of=query.title or query.description)]
    )

    context = _Context(index, query, weights, needed_by, requested, terms)
    qualified: list[_Scored] = []
    excluded: list[_Scored] = []
    fully_qualified: tuple = ()
    considered = 0
    for tier in tiers:
        considered += len(tier.rows)
        passed, failed = context.split_by_constraints(tier)
        if tier.match == ProcessMatch.EXACT:
            fully_qualified = tuple(index.ids[row] for row in passed.rows)
        qualified.append(context.score(passed))
        if include_excluded:
            excluded.append(context.score(failed))

    if requested and sum(len(s.rows) for s in qualified) < limit:
        # Too few offer the process or a related one: the list is filled with suppliers
        # sharing words with the requirement, then with weak candidates (same category, or
        # owning the equipment: those stay weak even where their words match).
        weak = _weak_tier(index, query, requested, tiers)
        # Filling the tail: the query's own words, without the feedback pass.
        text = _text_tier(index, terms, without=[*tiers, weak], feedback=False)
        for tier in (text, weak):
            considered += len(tier.rows)
            passed, _ = context.split_by_constraints(tier)
            qualified.append(context.score(passed))

    ranked = _assemble(context, qualified, limit, explain_top, qualifies=True)
    excluded_ranked = (
        _assemble(context, excluded, limit, explain_top, qualifies=False)
        if include_excluded
        else ()
    )
    notes: tuple[str, ...] = ()
    if read.process and not requested:
        label = explain.process_label(index.taxonomy, read.process)
        notes = (
            f"The requirement's words name {label} only in part ('{read.phrase}'); "
            "ranked by text similarity.",
        )
    elif not requested:
        notes = ("No known process was recognised in the requirement; ranked by text similarity.",)
    return MatchResult(
        requirement_ref=query.ref,
        process=requested,
        process_phrase=read.phrase if requested else "",
        related_processes=related,
        ranked=ranked,
        excluded=excluded_ranked,
        fully_qualified=fully_qualified,
        candidates=considered,
        notes=notes,
    )


@dataclass(frozen=True, slots=True)
class _Requested:
    process: str | None
    phrase: str
    confident: bool


def _requested_process(index: MatchIndex, query: RequirementQuery) -> _Requested:
    if query.process_slug:
        if not index.taxonomy.has_process(query.process_slug):
            raise KeyError(f"unknown process {query.process_slug!r}")
        return _Requested(query.process_slug, index.taxonomy.process(query.process_slug).name, True)
    found = index.matcher.find_in_requirement(query.title, query.description, query.category)
    return _Requested(found.process, found.phrase, found.confident)


def _process_tiers(index: MatchIndex, process: str, related: tuple[str, ...]) -> list[_Tier]:
    exact_rows, exact_conf = index.rows_offering(process)
    seen = np.zeros(index.row_count, dtype=np.bool_)
    seen[exact_rows] = True
    exact = _Tier(
        ProcessMatch.EXACT,
        exact_rows,
        exact_conf,
        np.zeros(len(exact_rows), dtype=np.int16),
        (process,),
    )

    related_rows: list[np.ndarray] = []
    related_conf: list[np.ndarray] = []
    related_slug: list[np.ndarray] = []
    for code, slug in enumerate(related):
        rows, conf = index.rows_offering(slug)
        fresh = ~seen[rows]
        rows, conf = rows[fresh], conf[fresh]
        seen[rows] = True
        related_rows.append(rows)
        related_conf.append(conf * RELATED_CONFIDENCE)
        related_slug.append(np.full(len(rows), code, dtype=np.int16))
    related_tier = _Tier(
        ProcessMatch.RELATED,
        _concat(related_rows, np.int64),
        _concat(related_conf, np.float64),
        _concat(related_slug, np.int16),
        related,
    )
    return [exact, related_tier]


def _weak_tier(
    index: MatchIndex, query: RequirementQuery, process: str, tiers: list[_Tier]
) -> _Tier:
    """Suppliers in the requirement's category, or owning the equipment, but not offering it."""
    category = query.category or index.taxonomy.process(process).category
    wanted = np.zeros(index.row_count, dtype=np.bool_)
    wanted[index.rows_in_category(category)] = True
    wanted[index.rows_with_equipment(process)] = True
    for tier in tiers:
        wanted[tier.rows] = False
    rows = np.flatnonzero(wanted)
    return _Tier(ProcessMatch.WEAK, rows, np.full(len(rows), 0.5))


def _text_tier(
    index: MatchIndex,
    terms: dict[str, float],
    without: list[_Tier] | None = None,
    *,
    feedback: bool = True,
    meaning_of: str | None = None,
) -> _Tier:
    """Suppliers sharing words with the requirement, with their relevance 0..1 (BM25); with
    ``meaning_of`` (the requirement's text), fused with closeness in meaning, and the
    suppliers closest in meaning join even where they share no word."""
    hits = lexical.search(index, terms, feedback=feedback)
    rows, scores = hits.rows, hits.scores
    if len(rows):
        scores = scores / float(scores.max())
    if meaning_of:
        rows, scores = _with_meaning(index, meaning_of, rows, scores)
    if without:
        taken = np.zeros(index.row_count, dtype=np.bool_)
        for tier in without:
            taken[tier.rows] = True
        keep = ~taken[rows]
        rows, scores = rows[keep], scores[keep]
    if len(rows) > TEXT_SHORTLIST:
        best = np.argpartition(-scores, TEXT_SHORTLIST - 1)[:TEXT_SHORTLIST]
        rows, scores = rows[best], scores[best]
    if not len(rows) or float(scores.max()) <= 0:
        return _Tier(ProcessMatch.TEXT, np.empty(0, np.int64), np.empty(0))
    return _Tier(ProcessMatch.TEXT, rows.astype(np.int64), scores / float(scores.max()))


def _with_meaning(
    index: MatchIndex, text: str, rows: np.ndarray, relevance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Word relevance fused with closeness in meaning (``LEXICAL_SHARE``), over the word
    matches and the ``MEANING_CANDIDATES`` suppliers closest in meaning.

    Two rounds of feedback: the requirement's vector is first moved towards its best word
    matches, then, from the requirement's own vector again, towards the best of the fused
    ranking (words and meaning together), and the closest suppliers are chosen again
    among the ``MEANING_POOL`` closest of the first round."""
    own = semantic.embed([without_exclusions(text)])[0].astype(np.float32)
    if not own.any() or not index.row_count:
        return rows, relevance
    if len(rows) > TEXT_SHORTLIST:
        # A common word reaches most of a million suppliers: only the best word matches
        # go on (as ``_text_tier`` would keep them), before the union below sorts them.
        keep = np.argpartition(-relevance, TEXT_SHORTLIST - 1)[:TEXT_SHORTLIST]
        rows, relevance = rows[keep], relevance[keep]
    word_relevance = np.zeros(index.row_count, dtype=np.float64)
    word_relevance[rows] = relevance
    query = own
    if len(rows):
        # Pseudo-relevance feedback, as on the word side: towards the best word matches.
        query = own + MEANING_FEEDBACK_WEIGHT * index.meaning[_best(rows, relevance)].mean(axis=0)
    closeness = np.maximum(semantic.similarities(index.meaning, semantic.unit(query)), 0)
    closeness[~index.alive] = 0
    # The only pass over every row's scores; the rest looks at these few thousand.
    pool = _top(closeness, MEANING_POOL)
    union, fused = _fuse(rows, word_relevance, closeness, pool)
    if not len(union):
        return union, fused

    query = own + MEANING_FEEDBACK_WEIGHT * index.meaning[_best(union, fused)].mean(axis=0)
    rescored = _union(index.row_count, pool, union)
    closeness = np.zeros(index.row_count, dtype=np.float32)
    closeness[rescored] = np.maximum(
        semantic.similarities(index.meaning[rescored], semantic.unit(query)), 0
    )
    closeness[~index.alive] = 0
    return _fuse(rows, word_relevance, closeness, rescored)


def _fuse(
    rows: np.ndarray, word_relevance: np.ndarray, closeness: np.ndarray, candidates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The word matches and the closest in meaning among ``candidates``, each scored by
    both."""
    closest = candidates[_top(closeness[candidates], MEANING_CANDIDATES)]
    closest = closest[closeness[closest] >= MEANING_FLOOR]
    union = _union(len(closeness), rows, closest)
    fused = LEXICAL_SHARE * word_relevance[union] + (1.0 - LEXICAL_SHARE) * closeness[union]
    return union, fused


def _union(row_count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The rows in either, in order: by a mask, as np.union1d's sort costs far more at
    twenty thousand rows."""
    held = np.zeros(row_count, dtype=np.bool_)
    held[first] = True
    held[second] = True
    return np.flatnonzero(held)


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    """The positions of the ``count`` highest scores, in no order."""
    if count >= len(scores):
        return np.arange(len(scores))
    return np.argpartition(-scores, count - 1)[:count]


def _best(rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The ``lexical.FEEDBACK_DOCS`` best rows, best first (ties by position)."""
    count = min(lexical.FEEDBACK_DOCS, len(rows))
    best = np.argpartition(-scores, count - 1)[:count]
    return rows[best[np.argsort(-scores[best], kind="stable")]]


@dataclass(frozen=True, slots=True)
class _Scored:
    match: ProcessMatch
    rows: np.ndarray
    scores: np.ndarray
    values: dict[str, np.ndarray]
    distance_km: np.ndarray
    process_codes: np.ndarray | None
    slugs: tuple[str, ...]
    preferred_held: np.ndarray


class _Context:
    """One query's settings and the array work on candidate rows."""

    def __init__(
        self,
        index: MatchIndex,
        query: RequirementQuery,
        weights,
        needed_by: date,
        requested: str | None,
        terms: dict[str, float],
    ):
        self.index = index
        self.requested = requested
        self.terms = terms
        self.query = query
        self.weights = weights
        self.needed_by = needed_by
        self.needed_day = needed_by.toordinal()
        self.plant_known = query.plant_lat is not None and query.plant_lon is not None
        self.catalogue = index.catalogue

    def split_by_constraints(self, tier: _Tier) -> tuple[_Tier, _Tier]:
        ok = self.meets_hard_constraints(tier.rows)
        return _subset(tier, ok), _subset(tier, ~ok)

    def meets_hard_constraints(self, rows: np.ndarray) -> np.ndarray:
        ok = np.ones(len(rows), dtype=np.bool_)
        for code in self.query.required_certs:
            ok &= self.holds(code, rows)
        if self.query.tolerance_mm:
            tolerance = self.index.tolerance[rows]
            with np.errstate(invalid="ignore"):
                ok &= tolerance <= self.query.tolerance_mm + TOLERANCE_EPSILON_MM
        if self.query.quantity_per_month:
            capacity = self.index.capacity[rows]
            with np.errstate(invalid="ignore"):
                ok &= capacity >= MIN_CAPACITY_SHARE * self.query.quantity_per_month
        return ok

    def holds(self, required_code: str, rows: np.ndarray) -> np.ndarray:
        """Per row, whether a certificate meeting ``required_code`` counts on the needed-by date."""
        held = np.zeros(len(rows), dtype=np.bool_)
        for code in self.catalogue.codes_satisfying(required_code):
            valid_until = self.index.certified_until(code)
            if valid_until is not None:
                held |= valid_until[rows] >= self.needed_day
        return held

    def verified_share(self, rows: np.ndarray) -> np.ndarray:
        wanted = (*self.query.required_certs, *self.query.preferred_certs)
        counted = np.zeros(len(rows))
        verified = np.zeros(len(rows))
        for required in wanted:
            for code in self.catalogue.codes_satisfying(required):
                valid_until = self.index.certified_until(code)
                checked = self.index.verified(code)
                if valid_until is None or checked is None:
                    continue
                counts = valid_until[rows] >= self.needed_day
                counted += counts
                verified += counts & checked[rows]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counted > 0, verified / np.maximum(counted, 1), np.nan)

    def distances(self, rows: np.ndarray) -> np.ndarray:
        lat, lon = self.query.plant_lat, self.query.plant_lon
        if lat is None or lon is None:
            return np.full(len(rows), np.nan)
        return haversine_km_many(self.index.lat[rows], self.index.lon[rows], lat, lon)

    def score(self, tier: _Tier) -> _Scored:
        rows = tier.rows
        preferred_held = np.zeros(len(rows))
        for code in self.query.preferred_certs:
            preferred_held += self.holds(code, rows)
        distance_km = self.distances(rows)
        inputs = scoring.FactorInputs(
            preferred_held=preferred_held,
            capacity=self.index.capacity[rows],
            distance_km=distance_km,
            tolerance_mm=self.index.tolerance[rows],
            readiness=self.index.readiness[rows].astype(np.float64),
            scorecard=self.index.scorecard[rows].astype(np.float64),
            verified_share=self.verified_share(rows),
            match_confidence=tier.confidence,
        )
        needs = scoring.Needs(
            preferred_count=len(self.query.preferred_certs),
            quantity=self.query.quantity_per_month,
            max_distance_km=self.query.max_distance_km,
            tolerance_mm=self.query.tolerance_mm,
            plant_known=self.plant_known,
        )
        values = scoring.factor_values(inputs, needs)
        fit = scoring.fit(values, self.weights)
        if tier.match is ProcessMatch.TEXT:
            fit = scoring.text_fit(values["match_confidence"], fit)
        return _Scored(
            match=tier.match,
            rows=rows,
            scores=scoring.banded_score(tier.match, fit),
            values=values,
            distance_km=distance_km,
            process_codes=tier.process_codes,
            slugs=tier.slugs,
            preferred_held=preferred_held,
        )


def _assemble(
    context: _Context,
    groups: list[_Scored],
    limit: int,
    explain_top: int,
    *,
    qualifies: bool,
) -> tuple[RankedSupplier, ...]:
    groups = [g for g in groups if len(g.rows)]
    if not groups or limit <= 0:
        return ()
    scores = np.concatenate([g.scores for g in groups])
    group_of = np.concatenate([np.full(len(g.rows), i) for i, g in enumerate(groups)])
    position = np.concatenate([np.arange(len(g.rows)) for g in groups])
    rows = np.concatenate([g.rows for g in groups])
    if len(scores) > limit:
        top = np.argpartition(-scores, limit - 1)[:limit]
    else:
        top = np.arange(len(scores))
    refs = np.array([context.index.refs[row] for row in rows[top]], dtype=object)
    # Best score first; equal scores in supplier reference order, so the ranking is stable.
    order = top[np.lexsort((refs, -scores[top]))]

    ranked = []
    for rank_number, item in enumerate(order, start=1):
        group = groups[group_of[item]]
        at = position[item]
        ranked.append(
            _ranked_supplier(
                context,
                group,
                at,
                rank_number,
                with_reasons=rank_number <= explain_top,
                qualifies=qualifies,
            )
        )
    return tuple(ranked)


def _ranked_supplier(
    context: _Context,
    group: _Scored,
    at: int,
    rank_number: int,
    *,
    with_reasons: bool,
    qualifies: bool,
) -> RankedSupplier:
    index = context.index
    row = int(group.rows[at])
    values = {name: float(v[at]) for name, v in group.values.items()}
    contributions = scoring.contributions(values, context.weights, group.match)
    factors = tuple(
        FactorScore(
            name, round(values[name], 4), context.weights[name], round(contributions[name], 4)
        )
        for name in context.weights
    )
    process = group.slugs[group.process_codes[at]] if group.process_codes is not None else None
    failures: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    mention: explain.ProcessMention | explain.TextMatch | None = None
    if with_reasons or not qualifies:
        supplier = index.supplier_row(row)
        if not qualifies:
            failures = tuple(
                f.message
                for f in hard_constraint_failures(
                    certificates=supplier.certificates,
                    capacity_per_month=supplier.capacity_per_month,
                    best_tolerance_mm=supplier.best_tolerance_mm,
                    query=context.query,
                    catalogue=context.catalogue,
                    today=context.needed_by,
                )
            )
        if with_reasons:
            if process:
                mention = explain.find_mention(index, row, process)
            elif group.match is ProcessMatch.TEXT:
                mention = explain.find_text_match(index, row, context.query, context.terms)
            reasons = explain.reasons(
                explain.Explained(
                    supplier=supplier,
                    query=context.query,
                    needed_by=context.needed_by,
                    match=group.match,
                    requested=context.requested,
                    process=process,
                    mention=mention,
                    distance_km=_optional(group.distance_km[at]),
                    catalogue=context.catalogue,
                    taxonomy=index.taxonomy,
                )
            )
    return RankedSupplier(
        supplier_id=index.ids[row],
        supplier_ref=index.refs[row],
        name=index.names[row],
        rank=rank_number,
        score=round(float(group.scores[at]), 4),
        match=group.match,
        matched_process=process,
        matched_phrase=mention.phrase if mention else "",
        qualifies=qualifies,
        factors=factors,
        reasons=reasons,
        failures=failures,
    )


def _subset(tier: _Tier, mask: np.ndarray) -> _Tier:
    return _Tier(
        tier.match,
        tier.rows[mask],
        tier.confidence[mask],
        tier.process_codes[mask] if tier.process_codes is not None else None,
        tier.slugs,
    )


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
