"""Which taxonomy processes a piece of free text names.

Each synonym in the taxonomy becomes a set of content stems. A clause of a supplier's text
names a process when it contains all stems of one of its synonyms, in any order ("EDM wire
cut" = "wire cut EDM"), or nearly all of them weighted by how telling each word is (a word
used by one process says more than one used by ten). Typos are repaired before, against
the taxonomy's own vocabulary.

When one clause matches several processes and one match's words are a strict part of
another's ("fixtures" inside "magnetising fixtures"), only the longer one stands: the
supplier meant the more specific thing.

Mentions in an equipment list ("Facilities: 2 wire EDM machines") are kept apart: owning a
machine does not mean the unit sells that service.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from suppliermatch.matching.text import (
    GENERIC_WORDS,
    TokenNormaliser,
    split_clauses,
    stem,
    words,
)
from suppliermatch.reference.taxonomy import Taxonomy

# A synonym partly present in a clause still counts when the present words carry at least
# this share of its weight (e.g. "graphite sintering trays" for "graphite sintering boxes"
# does not reach it; "molybdenum heating strip supply" for "molybdenum heating strips" does).
PARTIAL_MATCH_MIN_COVERAGE = 0.8
# Confidence given to a partial match, times its coverage: always below a full match.
PARTIAL_MATCH_DISCOUNT = 0.85
# Words that say little about the process weigh this much relative to telling words.
GENERIC_WORD_WEIGHT = 0.25
# Requirement titles name the process more reliably than the body, which also mentions
# tests, plant names and certificates.
TITLE_WEIGHT = 1.5
# A process in the requirement's own category is preferred when the text is ambiguous.
SAME_CATEGORY_BOOST = 1.3

_CLAUSE_CACHE_LIMIT = 300_000
# Everyday words in supplier texts that are not taxonomy words and must not be "repaired"
# into one (e.g. "sale" is not a misspelt "salt").
_KNOWN_WORDS = words(
    """
    based unit located near estate open new registrations quality motto export certified
    supplying defence psus tier supplier makers serving auto oems since proprietor run staff
    achievable tolerance accuracy micron also general fabrication facilities lathes press
    plating line vacuum furnace surface grinder jet mill machines zeiss tonne sale scale
    large small medium micro private limited company enterprise industries engineering works
    pvt ltd india indian state district city town village road sector phase area zone park
    nagar
    """
)


@dataclass(frozen=True, slots=True)
class ProcessMention:
    """A process named in a text, with the words that named it."""

    process: str
    phrase: str
    synonym: str
    confidence: float
    equipment: bool = False


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """What a supplier text (or one clause of it) says: processes, categories, word stems."""

    mentions: tuple[ProcessMention, ...]
    categories: frozenset[str]
    stems: frozenset[str]


@dataclass(frozen=True, slots=True)
class RequirementProcess:
    """The process a requirement asks for, as read from its text."""

    process: str | None
    confidence: float
    phrase: str
    alternatives: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Synonym:
    process: str
    text: str
    stems: tuple[str, ...]
    stem_set: frozenset[str]
    total_weight: float


@dataclass(frozen=True, slots=True)
class _ClauseMatch:
    process: str
    synonym: str
    matched: frozenset[str]
    coverage: float
    ordered: bool


class ConceptMatcher:
    """Finds taxonomy processes (and categories) named in supplier and requirement texts."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.normaliser = TokenNormaliser(taxonomy.abbreviations)

        phrases: list[tuple[str, str]] = []  # (process slug, phrase)
        for process in taxonomy.processes:
            for phrase in dict.fromkeys((process.name, *process.synonyms)):
                phrases.append((process.slug, phrase))
        vocabulary: set[str] = set()
        for _, phrase in phrases:
            vocabulary.update(self.normaliser.expanded_words(phrase))
        for category in taxonomy.categories:
            for keyword in category.keywords:
                vocabulary.update(self.normaliser.expanded_words(keyword))
        vocabulary = {w for w in vocabulary if w.isalpha()}
        self.normaliser.set_vocabulary(vocabulary, _KNOWN_WORDS)

        tokenised = [
            (slug, phrase, tuple(self.normaliser.tokens(phrase, repair=False)))
            for slug, phrase in phrases
        ]
        processes_using: dict[str, set[str]] = defaultdict(set)
        for slug, _, stems in tokenised:
            for token in stems:
                processes_using[token].add(slug)
        process_count = len(taxonomy.processes)
        generic = {stem(word) for word in GENERIC_WORDS}
        self._weights = {
            token: math.log(1 + process_count / len(users))
            * (GENERIC_WORD_WEIGHT if token in generic else 1.0)
            for token, users in processes_using.items()
        }

        self._synonyms: list[_Synonym] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for slug, phrase, stems in tokenised:
            if not stems or (slug, stems) in seen:
                continue
            seen.add((slug, stems))
            self._synonyms.append(
                _Synonym(
                    process=slug,
                    text=phrase,
                    stems=stems,
                    stem_set=frozenset(stems),
                    total_weight=sum(self._weights[t] for t in set(stems)),
                )
            )
        self._synonyms_by_token: dict[str, list[int]] = defaultdict(list)
        for index, synonym in enumerate(self._synonyms):
            for token in synonym.stem_set:
                self._synonyms_by_token[token].append(index)

        self._category_keywords: list[tuple[str, frozenset[str]]] = []
        for category in taxonomy.categories:
            for keyword in (category.name, *category.keywords):
                stems = frozenset(self.normaliser.tokens(keyword, repair=False))
                if stems:
                    self._category_keywords.append((category.slug, stems))
        self._clause_cache: dict[tuple[str, bool], TextAnalysis] = {}

    # -- words ---------------------------------------------------------------------------

    def tokens(self, text: str) -> list[str]:
        """Content stems of a text, typos repaired: the unit of every comparison here."""
        return self.normaliser.tokens(text)

    def token_weight(self, token: str) -> float:
        """How telling a word is of one process (0 for words the taxonomy never uses)."""
        return self._weights.get(token, 0.0)

    # -- supplier texts --------------------------------------------------------------------

    def analyse_supplier_text(self, text: str) -> TextAnalysis:
        """Processes and categories a supplier's capability text names, and its stems.

        Each process appears once, with its best mention; a process offered outright wins
        over the same process seen in an equipment list. Categories come from category
        keywords outside equipment lists ("plating", "machining").
        """
        best: dict[str, ProcessMention] = {}
        categories: set[str] = set()
        stems: set[str] = set()
        for clause in split_clauses(text):
            analysis = self._analyse_clause(clause.text, clause.equipment)
            for mention in analysis.mentions:
                current = best.get(mention.process)
                if current is None or _stronger(mention, current):
                    best[mention.process] = mention
            categories.update(analysis.categories)
            stems.update(analysis.stems)
        mentions = sorted(best.values(), key=lambda m: (m.equipment, -m.confidence, m.process))
        return TextAnalysis(tuple(mentions), frozenset(categories), frozenset(stems))

    def find_in_supplier_text(self, text: str) -> list[ProcessMention]:
        """Processes a supplier's capability text names, the best mention of each."""
        return list(self.analyse_supplier_text(text).mentions)

    def categories_in(self, text: str) -> set[str]:
        """Categories whose name or keywords appear in the text (all their words present)."""
        return set(self.analyse_supplier_text(text).categories)

    # -- requirements ------------------------------------------------------------------------

    def find_in_requirement(
        self, title: str, description: str = "", category: str | None = None
    ) -> RequirementProcess:
        """The process a requirement asks for: the one its title and body name most strongly.

        Title mentions weigh more than body mentions, and among close candidates a process
        of the requirement's own category is preferred.
        """
        scores: dict[str, float] = defaultdict(float)
        phrases: dict[str, tuple[float, str]] = {}
        for text, weight in ((title, TITLE_WEIGHT), (description, 1.0)):
            for mention in self.find_in_supplier_text(text or ""):
                if mention.equipment:
                    continue
                scores[mention.process] += weight * mention.confidence
                if mention.confidence > phrases.get(mention.process, (0.0, ""))[0]:
                    phrases[mention.process] = (mention.confidence, mention.phrase)
        if category and self.taxonomy.has_category(category):
            for slug in scores:
                if self.taxonomy.process(slug).category == category:
                    scores[slug] *= SAME_CATEGORY_BOOST
        if not scores:
            return RequirementProcess(process=None, confidence=0.0, phrase="", alternatives=())
        ranked = sorted(scores, key=lambda s: (-scores[s], s))
        chosen = ranked[0]
        return RequirementProcess(
            process=chosen,
            confidence=phrases[chosen][0],
            phrase=phrases[chosen][1],
            alternatives=tuple(ranked[1:]),
        )

    # -- internals ---------------------------------------------------------------------------

    def _analyse_clause(self, clause: str, equipment: bool) -> TextAnalysis:
        key = (clause, equipment)
        cached = self._clause_cache.get(key)
        if cached is not None:
            return cached
        stems = self.tokens(clause)
        phrase = " ".join(clause.split())
        mentions = tuple(
            ProcessMention(
                process=m.process,
                phrase=phrase,
                synonym=m.synonym,
                confidence=1.0 if m.coverage >= 1.0 else PARTIAL_MATCH_DISCOUNT * m.coverage,
                equipment=equipment,
            )
            for m in self._match_stems(stems)
        )
        stem_set = frozenset(stems)
        categories = (
            frozenset()
            if equipment
            else frozenset(slug for slug, keyword in self._category_keywords if keyword <= stem_set)
        )
        analysis = TextAnalysis(mentions, categories, stem_set)
        if len(self._clause_cache) >= _CLAUSE_CACHE_LIMIT:
            self._clause_cache.clear()
        self._clause_cache[key] = analysis
        return analysis

    def _match_stems(self, stems: Sequence[str]) -> list[_ClauseMatch]:
        present = set(stems)
        candidate_ids: set[int] = set()
        for token in present:
            candidate_ids.update(self._synonyms_by_token.get(token, ()))
        if not candidate_ids:
            return []
        best: dict[str, _ClauseMatch] = {}
        for index in candidate_ids:
            synonym = self._synonyms[index]
            matched = synonym.stem_set & present
            if matched == synonym.stem_set:
                coverage = 1.0
            else:
                if len(synonym.stem_set) < 2 or synonym.total_weight <= 0:
                    continue
                coverage = sum(self._weights[t] for t in matched) / synonym.total_weight
                if coverage < PARTIAL_MATCH_MIN_COVERAGE:
                    continue
            match = _ClauseMatch(
                process=synonym.process,
                synonym=synonym.text,
                matched=frozenset(matched),
                coverage=coverage,
                ordered=_in_order(synonym.stems, stems),
            )
            current = best.get(match.process)
            if current is None or _match_key(match) > _match_key(current):
                best[match.process] = match
        return _most_specific(best.values())


def _match_key(match: _ClauseMatch) -> tuple[float, int, bool]:
    return (match.coverage, len(match.matched), match.ordered)


def _most_specific(matches: Iterable[_ClauseMatch]) -> list[_ClauseMatch]:
    """Drop a match whose words are a strict part of another process's match in the clause."""
    matches = list(matches)
    kept = []
    for match in matches:
        shadowed = any(
            other.process != match.process
            and other.coverage >= match.coverage
            and (
                match.matched < other.matched
                or (match.matched == other.matched and other.ordered and not match.ordered)
            )
            for other in matches
        )
        if not shadowed:
            kept.append(match)
    return kept


def _in_order(wanted: Sequence[str], stems: Sequence[str]) -> bool:
    """Whether ``wanted`` occurs in ``stems`` as a subsequence (words in the same order)."""
    position = 0
    for token in stems:
        if position < len(wanted) and token == wanted[position]:
            position += 1
    return position == len(wanted)


def _stronger(candidate: ProcessMention, current: ProcessMention) -> bool:
    if candidate.equipment != current.equipment:
        return not candidate.equipment
    return candidate.confidence > current.confidence
