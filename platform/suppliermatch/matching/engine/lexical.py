"""Open-vocabulary retrieval: BM25 over every word of every supplier's text.

The concept reading understands the taxonomy's 44 processes; suppliers and buyers also write
about packaging, cables, castings, pumps and everything else. For those, the index keeps
each supplier's word stems (the same normalised stems the concept reading uses, "(except
...)" notes left out) with their frequency and the text's length, and a requirement's words
are scored against them with Okapi BM25 (Robertson and Zaragoza, "The Probabilistic
Relevance Framework: BM25 and Beyond", 2009; b = 0.75 as usual, k1 = 1.5: see the constants).

Then, as pseudo-relevance feedback (RM3-style: Lavrenko and Croft, "Relevance-Based
Language Models", 2001), the best-matching suppliers' own words are added to the query at
a lower weight: firms that make the same things write about them in the same words, so
suppliers of "Egg noodles, dry" are found through "Dry pasta" even where the buyer's words
alone reach only one of them.

The scores are used, not thresholded: any supplier sharing a word with the requirement is a
candidate, ordered by its score.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from suppliermatch.matching.engine import text

# k1 = 1.5 rather than the usual 1.2 (a word named in several of a supplier's clauses
# counts a little more before it saturates), chosen by measurement, not by argument.
# Measured on realtext (engine alone): k1 0.6 / 0.9 / 1.2 / 1.5 / 2.0 -> NDCG@10 0.584 /
# 0.592 / 0.600 / 0.605 / 0.603; b 0.3 ... 1.0 all at or below 0.75's figure.
K1 = 1.5
B = 0.75
# Words of the title say what is wanted; a description also carries delivery terms and
# pleasantries ("Monthly requirement, delivery to plant."), so its other words count less:
# a quarter (realtext: 0 / 0.25 / 0.5 / 1 -> 0.604 / 0.604 / 0.600 / 0.578; 0.25 rather
# than 0 so that a requirement whose title says little can still be found by its body).
DESCRIPTION_WEIGHT = 0.25
# A stem in more than this share of suppliers adds little and costs a long posting list at a
# million suppliers; it is scored only when the requirement has no rarer word.
MAX_STEM_SHARE = 0.2
# ... but a stem in fewer rows than this is always used (small indexes).
MIN_STEM_CUTOFF = 1000
# A compound no supplier writes is tried as two words of at least MIN_PART letters each,
# which count this much.
MIN_PART = 3
COMPOUND_PART_WEIGHT = 0.5
# Pseudo-relevance feedback: words of the best FEEDBACK_DOCS suppliers, the FEEDBACK_TERMS
# most frequent of them, weighing FEEDBACK_SHARE of the expanded query together. Thirty
# terms rather than ten: the terms are weighted by frequency, so the extra ones weigh
# little, but they reach suppliers naming only the less frequent words of the neighbours
# (realtext recall@50 0.671 -> 0.682 with k1 1.5 and description 0.25). More documents
# drift (5 / 8 / 10 docs: 0.593 / 0.575 / 0.566 against 0.600 for 3).
FEEDBACK_DOCS = 3
FEEDBACK_TERMS = 30
FEEDBACK_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class LexicalHits:
    """Rows sharing words with a requirement, their BM25 scores, and the words asked for."""

    rows: np.ndarray
    scores: np.ndarray
    terms: Mapping[str, float]


def query_terms(tokens, title: str, description: str = "") -> dict[str, float]:
    """The requirement's stems with their weights: 1 for words of the title, less for words
    only the description has. ``tokens`` turns text into stems (the matcher's)."""
    terms: dict[str, float] = {}
    for phrase, weight in ((title, 1.0), (description, DESCRIPTION_WEIGHT)):
        for stem in index_stems(tokens(text.without_exclusions(phrase or ""))):
            terms[stem] = max(terms.get(stem, 0.0), weight)
    return terms


def index_stems(stems: Iterable[str]) -> list[str]:
    """Stems as the lexical index keeps them: alphabetic, without the bare-noun mark."""
    out = []
    for stem in stems:
        stem = stem.removesuffix(text.NOUN_MARK)
        if stem.isalpha():
            out.append(stem)
    return out


def search(index, terms: Mapping[str, float], *, feedback: bool = True) -> LexicalHits:
    """Live rows sharing a word with ``terms``, with their BM25 scores (unordered)."""
    terms = with_compound_parts(index, terms)
    scores = _scores(index, terms)
    if feedback and scores is not None:
        expanded = _with_feedback(index, terms, scores)
        if expanded is not terms:
            scores = _scores(index, expanded)
    if scores is None:
        return LexicalHits(np.empty(0, np.int64), np.empty(0), terms)
    hits = np.flatnonzero((scores > 0) & index.alive)
    return LexicalHits(hits, scores[hits].astype(np.float64), terms)


def with_compound_parts(index, terms: Mapping[str, float]) -> Mapping[str, float]:
    """Words no supplier uses, split into two words suppliers do use ("hairbrushes" ->
    "hair" + "brush", "oilcloth" -> "oil" + "cloth"), each at ``COMPOUND_PART_WEIGHT``."""
    unknown = [t for t in terms if not index.stem_frequency(t) and len(t) >= 2 * MIN_PART]
    if not unknown:
        return terms
    expanded = dict(terms)
    for term in unknown:
        for cut in range(MIN_PART, len(term) - MIN_PART + 1):
            head, tail = term[:cut], term[cut:]
            tail = text.stem(tail)
            if index.stem_frequency(head) and index.stem_frequency(tail):
                for part in (head, tail):
                    weight = COMPOUND_PART_WEIGHT * terms[term]
                    expanded[part] = max(expanded.get(part, 0.0), weight)
                break
    return expanded


def _usable(index, terms: Mapping[str, float]) -> dict[str, tuple[float, int]]:
    """Terms worth scoring: (weight, document frequency); very common ones only if nothing
    rarer is asked for."""
    live = max(1, len(index))
    cutoff = max(MAX_STEM_SHARE * live, MIN_STEM_CUTOFF)
    found = {t: (w, index.stem_frequency(t)) for t, w in terms.items() if w > 0}
    found = {t: wf for t, wf in found.items() if wf[1]}
    rare = {t: wf for t, wf in found.items() if wf[1] <= cutoff}
    return rare or found


def _scores(index, terms: Mapping[str, float]) -> np.ndarray | None:
    usable = _usable(index, terms)
    if not usable:
        return None
    rows_total = max(1, index.row_count)
    mean_length = index.mean_doc_length or 1.0
    length = index.doc_length
    scores = np.zeros(index.row_count, dtype=np.float32)
    for stem, (weight, frequency) in usable.items():
        rows, tf = index.stem_postings(stem)
        idf = math.log(1.0 + (rows_total - frequency + 0.5) / (frequency + 0.5))
        tf = tf.astype(np.float32)
        norm = K1 * (1.0 - B + B * length[rows] / mean_length)
        scores[rows] += (weight * idf) * tf * (K1 + 1.0) / (tf + norm)
    return scores


def _with_feedback(index, terms: Mapping[str, float], scores: np.ndarray) -> Mapping[str, float]:
    """``terms`` plus the most telling words of the best-scoring suppliers (RM3)."""
    live = np.flatnonzero((scores > 0) & index.alive)
    if not len(live):
        return terms
    count = min(FEEDBACK_DOCS, len(live))
    best = live[np.argpartition(-scores[live], count - 1)[:count]]
    top = float(scores[best].max())
    weights: Counter[str] = Counter()
    for row in best:
        stems = index.row_stems(int(row))
        total = sum(stems.values()) or 1
        for stem, tf in stems.items():
            weights[stem] += (float(scores[row]) / top) * (tf / total)
    chosen = dict(weights.most_common(FEEDBACK_TERMS))
    total = sum(chosen.values())
    if total <= 0:
        return terms
    own = sum(terms.values()) or 1.0
    expanded = {t: (1.0 - FEEDBACK_SHARE) * w / own for t, w in terms.items()}
    for stem, weight in chosen.items():
        expanded[stem] = expanded.get(stem, 0.0) + FEEDBACK_SHARE * weight / total
    return expanded


def relevance(hits: LexicalHits) -> np.ndarray:
    """Scores as 0..1, the best hit 1."""
    if not len(hits.scores):
        return hits.scores
    return hits.scores / float(hits.scores.max())
