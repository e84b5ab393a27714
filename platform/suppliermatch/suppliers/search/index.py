"""The words suppliers are found by, held in memory so that a search reads no text.

A profile's ``search_text`` is its words, lower case, each once (``search.search_text_for``).
The index keeps, for every word of every profile, which profiles hold it (an inverted
index), and the same for the words of the legal name, which earn a bonus. A query word is
first matched against the vocabulary (every distinct word), allowing a typo, and a
profile's score for the query word is the best score among the matched words it holds:

* a query word of ``SHORT_WORD`` letters or fewer matches the words starting with it;
* a longer one matches a word when rapidfuzz's partial ratio of the query word (always
  the needle) against that word, standing between spaces as it does in a profile's text,
  reaches ``TYPO_TOLERANCE``. So "hysterisis" finds "hysteresisgraph" (90) and "nickle"
  finds "nickel" (83), but "nickelplating" does not find "nickel": a short word inside a
  long query word is not a typo of it.

A query scores like the scan of every text it replaces (``search._rank_by_scan``), except
that a query word is compared with one word at a time rather than with the whole text,
so a window across two words ("wireedm" against "wire edm") no longer matches.

Memory: the bulk is two numpy arrays per word list (CSR: where each word's rows start,
and the rows), about 4 bytes per word of a profile; changes since then go to small dicts
until they are worth folding in. Nothing here knows about databases or who may see what.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from suppliermatch.words import words_of

# A query word of this many letters or fewer must match a word's start exactly: "cmm",
# "edm" or "gbd" one letter off is another word, not a typo.
SHORT_WORD = 3
# How alike (0-100) a longer query word and some part of a profile's word must be.
# 80 lets one slip through in a five-letter word and two in a ten-letter one.
TYPO_TOLERANCE = 80
# A word found in the supplier's name ranks the supplier above one that only mentions it.
NAME_MATCH_BONUS = 10

# Each vocabulary word keeps a 256-bit sketch of its letter pairs: a cheap numpy test
# that rules out most words before rapidfuzz compares any (see _Vocabulary.like).
_SKETCH_WORDS = 4
# Words added since the sorted list of the vocabulary was made are searched one by one;
# past this many, the list is sorted again.
_UNSORTED_WORDS = 2048
# Changes are kept aside (dicts) until they hold this many word entries, or a tenth of
# the index, whichever is more; then everything is folded into fresh arrays.
_FOLD_AFTER = 50_000


@dataclass
class Matches:
    """Profiles holding every query word: ids, summed scores (each word's score plus any
    name bonus, longest word first) and case-folded legal names, for ties."""

    supplier_ids: np.ndarray
    totals: np.ndarray
    names: list[str]

    def __len__(self) -> int:
        return len(self.supplier_ids)


class SearchIndex:
    """Supplier id -> (words of its search text, words of its legal name), searchable by
    typo-tolerant words."""

    def __init__(self) -> None:
        self._vocabulary = _Vocabulary()
        self._text = _Postings.empty()
        self._name = _Postings.empty()
        # Row -> supplier id, alive or not, case-folded legal name. A changed supplier gets
        # a new row; its old row stays, dead, until the next fold.
        self._suppliers = np.zeros(0, np.int64)
        self._alive = np.zeros(0, bool)
        self._names: list[str] = []
        self._rows = 0
        self._row_of: dict[int, int] = {}

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str | None, str | None]]) -> SearchIndex:
        """An index of (supplier id, search text, legal name) rows."""
        index = cls()
        word_ids = index._vocabulary.ids
        number = word_ids.setdefault
        text_words, text_counts = array("i"), array("i")
        name_words, name_counts = array("i"), array("i")
        suppliers = array("q")
        for supplier_id, text, legal_name in rows:
            # ``len`` is read before the word is added: a new word gets the next number.
            text_ids = [number(word, len(word_ids)) for word in (text or "").split()]
            name_ids = [number(word, len(word_ids)) for word in words_of(legal_name)]
            text_words.extend(text_ids)
            text_counts.append(len(text_ids))
            name_words.extend(name_ids)
            name_counts.append(len(name_ids))
            suppliers.append(supplier_id)
            index._names.append((legal_name or "").casefold())
        index._vocabulary.words = list(word_ids)
        index._rows = len(suppliers)
        index._suppliers = np.frombuffer(suppliers, np.int64).copy()
        index._alive = np.ones(index._rows, bool)
        for row, supplier_id in enumerate(suppliers):
            previous = index._row_of.get(supplier_id)
            if previous is not None:  # the same supplier twice: the later row counts
                index._alive[previous] = False
            index._row_of[supplier_id] = row
        vocabulary_size = len(word_ids)
        index._text = _Postings.of(text_words, text_counts, vocabulary_size)
        index._name = _Postings.of(name_words, name_counts, vocabulary_size)
        index._vocabulary.catch_up()
        return index

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, supplier_id: int) -> bool:
        return supplier_id in self._row_of

    def upsert(self, supplier_id: int, search_text: str | None, legal_name: str | None) -> None:
        """Add a supplier, or replace what the index holds of it."""
        self.remove(supplier_id)
        row = self._rows
        if row == len(self._suppliers):
            capacity = max(1024, 2 * row)
            self._suppliers = np.resize(self._suppliers, capacity)
            self._alive = np.resize(self._alive, capacity)
        self._suppliers[row] = supplier_id
        self._alive[row] = True
        self._names.append((legal_name or "").casefold())
        self._rows += 1
        self._row_of[supplier_id] = row
        self._text.add(row, self._vocabulary.numbers((search_text or "").split()))
        self._name.add(row, self._vocabulary.numbers(words_of(legal_name)))
        if self._text.added + self._name.added > max(_FOLD_AFTER, len(self._text.rows) // 10):
            self._fold()

    def remove(self, supplier_id: int) -> None:
        row = self._row_of.pop(supplier_id, None)
        if row is not None:
            self._alive[row] = False

    def match(self, words: Sequence[str]) -> Matches:
        """The live profiles holding every one of ``words`` (none empty), in row order."""
        rows = self._rows
        found = self._alive[:rows].copy()
        totals = np.zeros(rows)
        # Longest words first, as the scan adds them up (the same sums to the last bit).
        for word in sorted(words, key=len, reverse=True):
            word_ids, scores = self._vocabulary.matching(word)
            best = np.zeros(rows)
            # Ascending, so that a profile holding several matched words keeps the best.
            for score in np.unique(scores):
                best[self._text.rows_of(word_ids[scores == score])] = score
            found &= best > 0
            if not found.any():
                return Matches(np.zeros(0, np.int64), np.zeros(0), [])
            totals += best
            in_name = np.zeros(rows, bool)
            in_name[self._name.rows_of(word_ids)] = True
            totals[in_name] += NAME_MATCH_BONUS
        hit_rows = np.flatnonzero(found)
        names = self._names
        return Matches(
            self._suppliers[hit_rows], totals[hit_rows], [names[row] for row in hit_rows.tolist()]
        )

    def _fold(self) -> None:
        """Drop dead rows and fold the changes into fresh arrays."""
        alive_rows = np.flatnonzero(self._alive[: self._rows])
        renumbered = np.full(self._rows, -1, np.int32)
        renumbered[alive_rows] = np.arange(len(alive_rows), dtype=np.int32)
        vocabulary_size = len(self._vocabulary.words)
        self._text = self._text.folded(renumbered, vocabulary_size)
        self._name = self._name.folded(renumbered, vocabulary_size)
        self._suppliers = self._suppliers[alive_rows]
        self._alive = np.ones(len(alive_rows), bool)
        self._names = [self._names[row] for row in alive_rows.tolist()]
        self._rows = len(alive_rows)
        self._row_of = {int(s): row for row, s in enumerate(self._suppliers.tolist())}


class _Postings:
    """Word number -> rows holding it: CSR arrays for what was built or folded, and a dict
    for the rows added since."""

    def __init__(self, starts: np.ndarray, rows: np.ndarray) -> None:
        self.starts = starts  # rows of word w: rows[starts[w]:starts[w + 1]]
        self.rows = rows
        self.recent: dict[int, list[int]] = {}
        self.added = 0

    @classmethod
    def empty(cls) -> _Postings:
        return cls(np.zeros(1, np.int64), np.zeros(0, np.int32))

    @classmethod
    def of(cls, word_ids: array, counts: array, vocabulary_size: int) -> _Postings:
        """From the words of each row in turn and how many each row has."""
        words = np.frombuffer(word_ids, np.int32) if len(word_ids) else np.zeros(0, np.int32)
        per_row = np.frombuffer(counts, np.int32) if len(counts) else np.zeros(0, np.int32)
        rows = np.repeat(np.arange(len(per_row), dtype=np.int32), per_row)
        return cls(*_compressed(words, rows, vocabulary_size))

    def add(self, row: int, word_ids: Iterable[int]) -> None:
        for word_id in word_ids:
            self.recent.setdefault(word_id, []).append(row)
            self.added += 1

    def rows_of(self, word_ids: np.ndarray) -> np.ndarray:
        """Every row holding any of ``word_ids`` (a row may come more than once)."""
        built = word_ids[word_ids < len(self.starts) - 1]
        starts, ends = self.starts[built], self.starts[built + 1]
        if len(built) == 1:
            parts = [self.rows[starts[0] : ends[0]]]
        else:
            lengths = ends - starts
            offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            parts = [self.rows[offsets + np.arange(len(offsets))]]
        if self.recent:
            for word_id in word_ids.tolist():
                extra = self.recent.get(word_id)
                if extra:
                    parts.append(np.array(extra, np.int32))
        return np.concatenate(parts)

    def folded(self, renumbered: np.ndarray, vocabulary_size: int) -> _Postings:
        words = [np.repeat(np.arange(len(self.starts) - 1, dtype=np.int32), np.diff(self.starts))]
        rows = [self.rows]
        for word_id, extra in self.recent.items():
            words.append(np.full(len(extra), word_id, np.int32))
            rows.append(np.array(extra, np.int32))
        kept_rows = renumbered[np.concatenate(rows)]
        kept = kept_rows >= 0
        return _Postings(
            *_compressed(np.concatenate(words)[kept], kept_rows[kept], vocabulary_size)
        )


def _compressed(words: np.ndarray, rows: np.ndarray, vocabulary_size: int) -> tuple:
    order = np.argsort(words, kind="stable")
    starts = np.zeros(vocabulary_size + 1, np.int64)
    np.cumsum(np.bincount(words, minlength=vocabulary_size), out=starts[1:])
    return starts, rows[order].astype(np.int32, copy=False)


class _Vocabulary:
    """Every distinct word, numbered in order of arrival, with what finds them fast: a
    sorted list (by start) and the lengths and letter-pair sketches (typos)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self._lengths = np.zeros(0, np.int32)
        self._sketches = np.zeros((_SKETCH_WORDS, 0), np.uint64)
        self._sorted: list[str] = []
        self._sorted_ids: list[int] = []

    def numbers(self, words: Iterable[str]) -> list[int]:
        """The number of each word, numbering new words."""
        found = []
        for word in words:
            number = self.ids.get(word)
            if number is None:
                number = self.ids[word] = len(self.words)
                self.words.append(word)
            found.append(number)
        return found

    def matching(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Numbers of the vocabulary words ``word`` matches, and how well (0-100)."""
        self.catch_up()
        if len(word) <= SHORT_WORD:
            found = self._starting_with(word)
            return np.array(found, np.int64), np.full(len(found), 100.0)
        return self._like(word)

    def _starting_with(self, prefix: str) -> list[int]:
        found = []
        position = bisect.bisect_left(self._sorted, prefix)
        while position < len(self._sorted) and self._sorted[position].startswith(prefix):
            found.append(self._sorted_ids[position])
            position += 1
        for number in range(len(self._sorted), len(self.words)):
            if self.words[number].startswith(prefix):
                found.append(number)
        return found

    def _like(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        # A match needs a window of len(word) characters of " " * pad + w + " " * pad with
        # at least ``common`` characters of ``word`` in order (the ratio is 2 * common over
        # twice the length), so w has at least ``common`` letters, and at most ``slack``
        # letters of ``word`` are missed or extra. Each miss or extra breaks at most three
        # of the word's letter pairs, so w holds all but 3 * slack of them (their sketch
        # bits included). Rounded so as to let through rather than miss.
        length = len(word)
        common = math.ceil(length * (TYPO_TOLERANCE - 0.5) / 100)
        slack = length - common
        possible = self._lengths >= common
        sketch = _sketches([word])[:, 0]
        needed = int(np.bitwise_count(sketch).sum()) - 3 * slack
        if needed > 0:
            shared = sum(
                np.bitwise_count(self._sketches[part] & sketch[part]) for part in range(len(sketch))
            )
            possible &= shared >= needed
        candidates = np.flatnonzero(possible)
        words = self.words
        pad = " " * (length - 1)
        # Words at least as long: rapidfuzz on the bare word first (never lower than with
        # the spaces around it), the spaces only for those that pass.
        longer = candidates[self._lengths[candidates] >= length].tolist()
        shorter = candidates[self._lengths[candidates] < length].tolist()
        passed = process.extract(
            word,
            [words[number] for number in longer],
            scorer=fuzz.partial_ratio,
            score_cutoff=TYPO_TOLERANCE,
            limit=None,
        )
        numbers = [longer[position] for _, _, position in passed] + shorter
        scored = process.extract(
            word,
            [pad + words[number] + pad for number in numbers],
            scorer=fuzz.partial_ratio,
            score_cutoff=TYPO_TOLERANCE,
            limit=None,
        )
        return (
            np.array([numbers[position] for _, _, position in scored], np.int64),
            np.array([score for _, score, _ in scored], np.float64),
        )

    def catch_up(self) -> None:
        """Lengths and sketches for words numbered since the last search; the sorted
        list again when many are."""
        known = len(self._lengths)
        if known < len(self.words):
            new = self.words[known:]
            self._lengths = np.concatenate(
                [self._lengths, np.fromiter(map(len, new), np.int32, len(new))]
            )
            self._sketches = np.concatenate([self._sketches, _sketches(new)], axis=1)
        if len(self.words) - len(self._sorted) > _UNSORTED_WORDS or (
            not self._sorted and self.words
        ):
            self._sorted_ids = sorted(range(len(self.words)), key=self.words.__getitem__)
            self._sorted = [self.words[number] for number in self._sorted_ids]


def _sketches(words: list[str]) -> np.ndarray:
    """(_SKETCH_WORDS, len(words)) uint64: for each word, one bit per letter pair it holds,
    chosen by a multiplicative hash of the pair."""
    sketches = np.zeros((_SKETCH_WORDS, len(words)), np.uint64)
    lengths = np.fromiter(map(len, words), np.int64, len(words))
    text = " ".join(words) + " "
    codes = np.frombuffer(text.encode("utf-32-le"), np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(words)), lengths + 1)
    first, second = codes[:-1], codes[1:]
    inside = (first != ord(" ")) & (second != ord(" "))
    mixed = ((first[inside] * 37 + second[inside]) * 2654435761) & 0xFFFFFFFF
    bit = mixed >> 24  # 0..255
    np.bitwise_or.at(
        sketches,
        (bit >> 6, owner[:-1][inside]),
        np.left_shift(np.uint64(1), bit & 63),
    )
    return sketches
