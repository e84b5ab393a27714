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
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from suppliermatch.matching.engine.text import (
    GENERIC_WORDS,
    NOUN_MARK,
    STOPWORDS,
    TokenNormaliser,
    language_words,
    split_clauses,
    stem,
    without_exclusions,
    words,
)
from suppliermatch.reference.taxonomy import Taxonomy, default_taxonomy

# A synonym partly present in a clause still counts when the present words carry at least
# this share of its weight (e.g. "graphite sintering trays" for "graphite sintering boxes"
# does not reach it; "molybdenum heating strip supply" for "molybdenum heating strips" does).
PARTIAL_MATCH_MIN_COVERAGE = 0.8
# Confidence given to a partial match, times its coverage: always below a full match.
PARTIAL_MATCH_DISCOUNT = 0.85
# Coverage credited to a clause matched only by its head word ("centreless grinding").
HEAD_MATCH_COVERAGE = 0.8
# Words that say little about the process weigh this much relative to telling words.
GENERIC_WORD_WEIGHT = 0.25
# Requirement titles name the process more reliably than the body, which also mentions
# tests, plant names and certificates.
TITLE_WEIGHT = 1.5
# Two processes matching the same word of a clause compete for it when the word is used by
# at most this many processes (a common word like "vacuum" can serve both).
COMPETING_WORD_MAX_PROCESSES = 2
# A process in the requirement's own category is preferred when the text is ambiguous.
SAME_CATEGORY_BOOST = 1.3

# A requirement's process reading decides the ranking when its synonym accounts for at least
# this share of the telling words of the clause it was read in; below, the words do.
CONFIDENT_SHARE = 0.5
# Words after which a clause names the material or purpose, not the service itself.
_OBJECT_PREPOSITION = re.compile(r"\b(?:of|from|for)\b", re.IGNORECASE)
_CLAUSE_CACHE_LIMIT = 300_000
_DEFAULT_MATCHER: ConceptMatcher | None = None
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
    """What a supplier text (or one clause of it) says: processes, categories, word stems.

    ``stems`` holds the alphabetic stems only (numbers do not help text search).
    """

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
    # Whether the reading can be trusted to decide the ranking: the synonym read accounts for
    # at least CONFIDENT_SHARE of the telling words of its clause. "Lamps (i.e., lighting
    # fixtures)" names the process "fixtures" by one word of three.
    confident: bool = False


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
    weight: float


def default_matcher() -> ConceptMatcher:
    """One shared matcher for the seeds taxonomy (building one takes tens of milliseconds)."""
    global _DEFAULT_MATCHER
    taxonomy = default_taxonomy()
    if _DEFAULT_MATCHER is None or _DEFAULT_MATCHER.taxonomy is not taxonomy:
        _DEFAULT_MATCHER = ConceptMatcher(taxonomy)
    return _DEFAULT_MATCHER


class ConceptMatcher:
    """Finds taxonomy processes (and categories) named in supplier and requirement texts."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.normaliser = TokenNormaliser(taxonomy.abbreviations, language=language_words())

        phrases: list[tuple[str, str]] = []  # (process slug, phrase)
        for process in taxonomy.processes:
            # A name's bracketed part is a gloss ("Wire EDM (electrical discharge machining)").
            name = re.sub(r"\s*\(.*\)", "", process.name)
            for phrase in dict.fromkeys((name, *process.synonyms)):
                phrases.append((process.slug, phrase))
        vocabulary: set[str] = set()
        for _, phrase in phrases:
            vocabulary.update(self.normaliser.expanded_words(phrase))
        for category in taxonomy.categories:
            for keyword in category.keywords:
                vocabulary.update(self.normaliser.expanded_words(keyword))
        vocabulary = {w for w in vocabulary if w.isalpha()}
        self.normaliser.set_vocabulary(vocabulary, _KNOWN_WORDS)
        generic = {stem(word) for word in GENERIC_WORDS}
        # Activities the taxonomy names services by ("potting", "plating"): their bare nouns
        # ("pots", "plates") are things, not the service (see TokenNormaliser).
        self.normaliser.set_activity_stems(
            stem(w)
            for _, phrase in phrases
            for w in self.normaliser.expanded_words(phrase)
            if w.endswith("ing") and w.isalpha() and stem(w) not in generic
        )

        tokenised = [
            (slug, phrase, tuple(self.normaliser.tokens(phrase, repair=False)))
            for slug, phrase in phrases
        ]
        processes_using: dict[str, set[str]] = defaultdict(set)
        for slug, _, stems in tokenised:
            for token in stems:
                processes_using[token].add(slug)
        process_count = len(taxonomy.processes)
        self._generic = frozenset(generic)
        self._processes_using = {
            token: frozenset(users) for token, users in processes_using.items()
        }
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
        # Head words: a synonym's last word when it names an activity ("grinding" in
        # "surface grinding"). A head used by one process only names that process even
        # after a modifier the taxonomy does not list ("centreless grinding"); it is tried
        # only when nothing else in a clause matched.
        heads: dict[str, set[str]] = defaultdict(set)
        for synonym in self._synonyms:
            words = [w for w in self.normaliser.expanded_words(synonym.text) if w not in STOPWORDS]
            if len(synonym.stems) >= 2 and words and words[-1].endswith("ing"):
                head = synonym.stems[-1]
                if head not in generic:
                    heads[head].add(synonym.process)
        self._head_process = {
            head: next(iter(users)) for head, users in heads.items() if len(users) == 1
        }
        self._synonyms_by_token: dict[str, list[int]] = defaultdict(list)
        for index, synonym in enumerate(self._synonyms):
            for token in synonym.stem_set:
                self._synonyms_by_token[token].append(index)

        self._category_keywords: list[tuple[str, frozenset[str]]] = []
        for category in taxonomy.categories:
            for keyword in (category.name, *category.keywords):
                keyword_stems = frozenset(self.normaliser.tokens(keyword, repair=False))
                # A keyword of generic words only ("job work", "services") names no category:
                # "Job work undertaken." is said by every kind of firm.
                if keyword_stems - self._generic:
                    self._category_keywords.append((category.slug, keyword_stems))
        self._clause_cache: dict[tuple[str, bool], TextAnalysis] = {}
        self._reading_cache: dict[tuple, tuple] = {}

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

    def read_for_index(
        self, text: str
    ) -> tuple[dict[str, float], set[str], set[str], dict[str, int]]:
        """What the index needs from a text: offered processes with confidence, processes
        seen only in equipment lists, categories named, and each alphabetic stem with the
        number of clauses it appears in (the term frequency of the lexical index)."""
        offered: dict[str, float] = {}
        equipment: set[str] = set()
        categories: set[str] = set()
        stems: Counter[str] = Counter()
        for clause in split_clauses(text):
            analysis = self._analyse_clause(clause.text, clause.equipment)
            for mention in analysis.mentions:
                if mention.equipment:
                    equipment.add(mention.process)
                elif mention.confidence > offered.get(mention.process, 0.0):
                    offered[mention.process] = mention.confidence
            categories |= analysis.categories
            stems.update(analysis.stems)
        equipment.difference_update(offered)
        return offered, equipment, categories, stems

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
        phrases: dict[str, tuple[float, str, str]] = {}
        for text, weight in ((title, TITLE_WEIGHT), (description, 1.0)):
            for mention in self.find_in_supplier_text(text or ""):
                if mention.equipment:
                    continue
                scores[mention.process] += weight * mention.confidence
                if mention.confidence > phrases.get(mention.process, (0.0,))[0]:
                    phrases[mention.process] = (
                        mention.confidence,
                        mention.phrase,
                        mention.synonym,
                    )
        if category and self.taxonomy.has_category(category):
            for slug in scores:
                if self.taxonomy.process(slug).category == category:
                    scores[slug] *= SAME_CATEGORY_BOOST
        if not scores:
            return RequirementProcess(process=None, confidence=0.0, phrase="", alternatives=())
        ranked = sorted(scores, key=lambda s: (-scores[s], s))
        chosen = ranked[0]
        confidence, phrase, synonym = phrases[chosen]
        return RequirementProcess(
            process=chosen,
            confidence=confidence,
            phrase=phrase,
            alternatives=tuple(ranked[1:]),
            confident=self._explained_share(phrase, synonym) >= CONFIDENT_SHARE,
        )

    def _explained_share(self, phrase: str, synonym: str) -> float:
        """The share of a clause's telling words that the synonym read in it accounts for, in
        the part around "of/for/from" it is read in ("Magnetiser | for sintered magnets",
        "Looking | for zinc plating")."""
        named = set(self.tokens(synonym))
        best = 0.0
        for part in _OBJECT_PREPOSITION.split(without_exclusions(phrase)):
            wanted = self._telling_stems(part)
            if wanted:
                best = max(best, len(wanted & named) / len(wanted))
        return best

    def _telling_stems(self, text: str) -> set[str]:
        return {t for t in self.tokens(text) if t not in self._generic}

    # -- internals ---------------------------------------------------------------------------

    def _analyse_clause(self, clause: str, equipment: bool) -> TextAnalysis:
        key = (clause, equipment)
        cached = self._clause_cache.get(key)
        if cached is not None:
            return cached
        offered_words = without_exclusions(clause)
        stems = tuple(self.tokens(offered_words))
        split = _OBJECT_PREPOSITION.search(offered_words)
        head = tuple(self.tokens(offered_words[: split.start()])) if split else None
        # Clauses differing only in case, spacing or a repaired typo share their reading.
        reading_key = (stems, head, equipment)
        reading = self._reading_cache.get(reading_key)
        if reading is None:
            reading = self._read_stems(stems, head, equipment)
            if len(self._reading_cache) >= _CLAUSE_CACHE_LIMIT:
                self._reading_cache.clear()
            self._reading_cache[reading_key] = reading
        found, categories, alpha_stems = reading
        phrase = " ".join(clause.split())
        mentions = tuple(
            ProcessMention(
                process=process,
                phrase=phrase,
                synonym=synonym,
                confidence=confidence,
                equipment=equipment,
            )
            for process, synonym, confidence in found
        )
        analysis = TextAnalysis(mentions, categories, alpha_stems)
        if len(self._clause_cache) >= _CLAUSE_CACHE_LIMIT:
            self._clause_cache.clear()
        self._clause_cache[key] = analysis
        return analysis

    def _read_stems(
        self, stems: tuple[str, ...], head: tuple[str, ...] | None, equipment: bool
    ) -> tuple[tuple[tuple[str, str, float], ...], frozenset[str], frozenset[str]]:
        """(process, synonym, confidence) found, categories named and alphabetic stems."""
        matches = self._match_stems(stems)
        if head is not None:
            matches = _without_objects(matches, set(head))
        if not equipment:  # an equipment list names machines by what they do
            matches = _without_product_modifiers(
                matches, head if head is not None else stems, self.normaliser.activity_stems
            )
        found = tuple(
            (
                m.process,
                m.synonym,
                1.0 if m.coverage >= 1.0 else PARTIAL_MATCH_DISCOUNT * m.coverage,
            )
            for m in matches
        )
        stem_set = frozenset(stems)
        categories = (
            frozenset()
            if equipment
            else frozenset(slug for slug, keyword in self._category_keywords if keyword <= stem_set)
        )
        # The lexical index reads words, not senses: "pots" is the word "pot" there.
        words_read = frozenset(t.removesuffix(NOUN_MARK) for t in stem_set)
        return found, categories, frozenset(t for t in words_read if t.isalpha())

    def _match_stems(self, stems: Sequence[str]) -> list[_ClauseMatch]:
        present = set(stems)
        candidate_ids: set[int] = set()
        for token in present:
            candidate_ids.update(self._synonyms_by_token.get(token, ()))
        per_process: dict[str, list[_ClauseMatch]] = defaultdict(list)
        for index in candidate_ids:
            synonym = self._synonyms[index]
            matched = synonym.stem_set & present
            coverage: float | None
            if matched == synonym.stem_set:
                coverage = 1.0
            else:
                coverage = self._partial_coverage(matched, synonym, present)
                if coverage is None:
                    continue
            per_process[synonym.process].append(
                _ClauseMatch(
                    process=synonym.process,
                    synonym=synonym.text,
                    matched=frozenset(matched),
                    coverage=coverage,
                    ordered=_in_order(synonym.stems, stems),
                    weight=0.0,
                )
            )
        combined = []
        for process, matches in per_process.items():
            best = max(matches, key=_match_key)
            # All words the process explains in this clause: "thermocouple and pyrometer
            # calibration" is calibration through two synonyms, which then outweighs
            # "thermocouple" alone.
            matched = frozenset().union(*(m.matched for m in matches))
            combined.append(
                _ClauseMatch(
                    process=process,
                    synonym=best.synonym,
                    matched=matched,
                    coverage=best.coverage,
                    ordered=best.ordered,
                    weight=sum(self._weights[t] for t in matched),
                )
            )
        if not combined:
            return self._head_match(stems)
        return self._most_specific(combined)

    def _head_match(self, stems: Sequence[str]) -> list[_ClauseMatch]:
        """A clause ending in a word that heads one process's synonyms names that process."""
        telling = [t for t in stems if t not in self._generic]
        if not telling:
            return []
        head = telling[-1]
        process = self._head_process.get(head)
        if process is None:
            return []
        return [
            _ClauseMatch(
                process=process,
                synonym=head,
                matched=frozenset((head,)),
                coverage=HEAD_MATCH_COVERAGE,
                ordered=True,
                weight=self._weights.get(head, 0.0),
            )
        ]

    def _partial_coverage(
        self, matched: AbstractSet[str], synonym: _Synonym, present: AbstractSet[str]
    ) -> float | None:
        """The coverage of a synonym only ``matched`` of whose words a clause holds, if it counts.

        The present words must carry most of the synonym's weight, and be either two
        telling words, or one word no other process uses where the clause puts another
        generic word in place of the missing generic ones ("dimensional measurement" for
        "dimensional inspection"; not "argon gas" for "gas analysis", nor "laser engraving"
        for "laser measurement").
        """
        if len(synonym.stem_set) < 2 or synonym.total_weight <= 0 or not matched:
            return None
        weights = self._weights
        coverage = sum(weights[t] for t in matched) / synonym.total_weight
        if coverage < PARTIAL_MATCH_MIN_COVERAGE:
            return None
        telling = [t for t in matched if t not in self._generic]
        if len(telling) >= 2:
            return coverage
        missing = synonym.stem_set - matched
        substitutes = (present - synonym.stem_set) & self._generic
        if (
            len(telling) == 1
            and self._process_count(telling[0]) == 1
            and all(t in self._generic for t in missing)
            and substitutes
        ):
            return coverage
        return None

    def _process_count(self, token: str) -> int:
        return len(self._processes_using.get(token, ()))

    def _most_specific(self, matches: list[_ClauseMatch]) -> list[_ClauseMatch]:
        """Keep, among processes competing for the same words of a clause, the best reading.

        Two processes compete when one's words are part of the other's ("fixtures" and
        "magnetising fixtures"), or when they share a telling word (one used by at most
        ``COMPETING_WORD_MAX_PROCESSES`` processes): "CNC wire cut machining" is wire EDM,
        not also CNC machining. The reading that explains more words wins.
        """
        kept = []
        for match in matches:
            beaten = False
            for other in matches:
                if other.process == match.process:
                    continue
                shared = match.matched & other.matched
                competing = match.matched <= other.matched or any(
                    self._process_count(t) <= COMPETING_WORD_MAX_PROCESSES
                    and t not in self._generic
                    for t in shared
                )
                if competing and _reading_key(other) > _reading_key(match):
                    beaten = True
                    break
            if not beaten:
                kept.append(match)
        return kept


def _without_objects(matches: list[_ClauseMatch], head: set[str]) -> list[_ClauseMatch]:
    """Drop processes named only as the object of another ("acid leaching of magnet scrap").

    In "ACTIVITY of/from/for THING" the service offered is the activity; a process named
    only after the preposition (none of its words in ``head``, the part before) describes
    the material or purpose, unless nothing before the preposition names a process at all
    ("supply of argon gas").
    """
    if len(matches) < 2:
        return matches
    touching = [m for m in matches if m.matched & head]
    return touching or matches


def _without_product_modifiers(
    matches: list[_ClauseMatch], stems: Sequence[str], activities: frozenset[str]
) -> list[_ClauseMatch]:
    """Drop processes that only qualify the thing a clause is about.

    A clause ending in a bare noun of an activity ("CNC metal cutting machines") is about
    that thing; a process read from the words before it without any activity word of its
    own ("CNC") describes the thing, it is not the service offered or asked for. One named
    by its activity ("Ni-Cu-Ni plating lines") still stands.
    """
    if not stems or not stems[-1].endswith(NOUN_MARK):
        return matches
    return [m for m in matches if stems[-1] in m.matched or m.matched & activities]


def _match_key(match: _ClauseMatch) -> tuple[float, int, bool]:
    return (match.coverage, len(match.matched), match.ordered)


def _reading_key(match: _ClauseMatch) -> tuple[int, float, bool, float, str]:
    # More words explained, then a fuller synonym, words in order, more telling words; the
    # slug last only so that the outcome never depends on iteration order.
    return (len(match.matched), match.coverage, match.ordered, match.weight, match.process)


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
