"""The supplier index: what the engine searches, kept in columns for speed at a million rows.

Each supplier is one row. Free text is read once, when the supplier is added, into
taxonomy processes (inverted lists: process -> rows offering it, with the match
confidence), categories (a bitmask) and word stems (inverted lists for text search when a
requirement names no known process). Numbers the hard constraints and factors need
(capacity, tolerance, coordinates, readiness, scorecard) sit in numpy arrays; certificates
in a code x row matrix of "certified and valid until" day numbers, so "holds ZED Silver or
better on 2026-08-30" is one comparison over the candidate rows.

Rows are appended; ``upsert`` of a known supplier retires its old row and appends a new
one, ``remove`` retires it. Retired rows stay in the inverted lists (skipped at query time)
until more than half the rows are retired, when the index compacts itself.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from suppliermatch.bulk_build import garbage_collection_paused
from suppliermatch.matching.engine import semantic
from suppliermatch.matching.engine.concepts import ConceptMatcher, ProcessMention, default_matcher
from suppliermatch.matching.engine.text import without_exclusions
from suppliermatch.matching.engine.types import (
    HeldCertificate,
    MatchResult,
    RequirementQuery,
    SupplierDoc,
)
from suppliermatch.reference.certificates import (
    CertificateCatalogue,
    CertStatus,
    default_catalogue,
)
from suppliermatch.reference.taxonomy import Taxonomy, default_taxonomy

NO_DATE = -1
# Status codes in the certificate status matrix; -1 = not held. Ordered so that a larger
# code is the more useful record when a supplier lists one code twice.
_STATUS_CODES: dict[str, int] = {
    CertStatus.SUSPENDED: 0,
    CertStatus.EXPIRED: 1,
    CertStatus.APPLIED: 2,
    CertStatus.AUDIT_SCHEDULED: 3,
    CertStatus.CERTIFIED: 4,
}
_STATUS_BY_CODE = {code: status for status, code in _STATUS_CODES.items()}
_INITIAL_ROWS = 1024
# Suppliers analysed per bulk write while building.
_BUILD_BATCH = 8192
_NUMBER_COLUMNS = ("capacity", "tolerance", "lat", "lon", "readiness", "scorecard")
# Compact when retired rows exceed this share of all rows.
_COMPACT_DEAD_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class SupplierRow:
    """One indexed supplier, rebuilt from the columns (for explanations and checks)."""

    row: int
    id: int | str
    ref: str
    name: str
    capabilities: str
    declared_processes: tuple[str, ...]
    categories: tuple[str, ...]
    certificates: tuple[HeldCertificate, ...]
    capacity_per_month: float | None
    best_tolerance_mm: float | None
    lat: float | None
    lon: float | None
    readiness: float | None
    scorecard: float | None


class MatchIndex:
    """Suppliers indexed for ranking; see ``suppliermatch.matching.engine.ranking`` for ``rank``."""

    # The columns, one cell per row (``_allocate`` makes and grows them).
    _alive: np.ndarray
    _capacity_col: np.ndarray
    _tolerance: np.ndarray
    _lat: np.ndarray
    _lon: np.ndarray
    _readiness: np.ndarray
    _scorecard: np.ndarray
    _categories: np.ndarray
    _doc_length: np.ndarray
    _meaning: np.ndarray
    # Per certificate code and row.
    _cert_valid: np.ndarray
    _cert_status: np.ndarray
    _cert_date: np.ndarray
    _cert_verified: np.ndarray

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        catalogue: CertificateCatalogue | None = None,
        matcher: ConceptMatcher | None = None,
    ) -> None:
        self.taxonomy = taxonomy or default_taxonomy()
        self.catalogue = catalogue or default_catalogue()
        self.matcher = matcher or _matcher_for(self.taxonomy)
        self.cert_codes: tuple[str, ...] = self.catalogue.codes
        self._code_index = {code: i for i, code in enumerate(self.cert_codes)}
        if len(self.taxonomy.categories) > 64:
            raise ValueError("the category bitmask holds at most 64 categories")
        self.category_bits = {c.slug: 1 << i for i, c in enumerate(self.taxonomy.categories)}
        self._process_category_bit = {
            p.slug: self.category_bits[p.category] for p in self.taxonomy.processes
        }

        # Updates and rankings take turns: an update may grow the columns and the inverted
        # lists that a ranking is reading.
        self._lock = threading.RLock()
        self._rows = 0
        self._dead = 0
        self._allocate(_INITIAL_ROWS)
        self.ids: list[int | str] = []
        self.refs: list[str] = []
        self.names: list[str] = []
        self.texts: list[str] = []
        self._declared: dict[int, tuple[str, ...]] = {}
        self._row_of: dict[int | str, int] = {}
        self._offering: dict[str, tuple[array, array]] = {}
        self._equipment: dict[str, array] = {}
        # Word stem -> (rows containing it, its frequency in each: clauses naming it, <= 255).
        self._words: dict[str, tuple[array, array]] = {}
        self._words_total = 0
        self._lengths: list[int] = []  # text lengths of the rows being appended
        self._boilerplate = semantic.Boilerplate()

    # -- building ----------------------------------------------------------------------------

    @classmethod
    @garbage_collection_paused(settle=True)
    def build(
        cls,
        suppliers: Iterable[SupplierDoc],
        taxonomy: Taxonomy | None = None,
        catalogue: CertificateCatalogue | None = None,
        matcher: ConceptMatcher | None = None,
    ) -> MatchIndex:
        index = cls(taxonomy=taxonomy, catalogue=catalogue, matcher=matcher)
        batch: list[SupplierDoc] = []
        for supplier in suppliers:
            batch.append(supplier)
            if len(batch) >= _BUILD_BATCH:
                index._append(batch, embed=False)
                batch = []
        if batch:
            index._append(batch, embed=False)
        # Embedded once every text is counted, so that boilerplate is known (``semantic``).
        index._embed(0, index._rows)
        index._maybe_compact()
        return index

    # -- snapshots (``suppliermatch.index_snapshots``) -------------------------------------------

    # Not saved: the lock, and the reference data, which the snapshot names by version and the
    # process supplies again (``reattach``); the rest is plain data.
    _NOT_SAVED = ("_lock", "taxonomy", "catalogue", "matcher")

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in self._NOT_SAVED}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        # Until ``reattach`` gives them back.
        self.taxonomy = self.catalogue = self.matcher = None  # type: ignore[assignment]

    def reattach(self, taxonomy: Taxonomy, catalogue: CertificateCatalogue | None = None) -> None:
        """Give a loaded index the reference data it was saved with (the caller checked the
        versions agree)."""
        self.taxonomy = taxonomy
        self.catalogue = catalogue or default_catalogue()
        self.matcher = _matcher_for(taxonomy)

    def upsert(self, supplier: SupplierDoc) -> None:
        """Add a supplier, or replace the indexed version of one with the same id."""
        with self._lock:
            self._append([supplier])
            self._maybe_compact()

    def remove(self, supplier_id: int | str) -> bool:
        """Take a supplier out of the index; False if it was not there."""
        with self._lock:
            row = self._row_of.pop(supplier_id, None)
            if row is None:
                return False
            self._retire(row, forget=False)
            self._maybe_compact()
            return True

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, supplier_id: object) -> bool:
        return supplier_id in self._row_of

    def rank(
        self,
        query: RequirementQuery,
        limit: int = 100,
        explain_top: int = 50,
        include_excluded: bool = False,
        today: date | None = None,
    ) -> MatchResult:
        """Suppliers for ``query``, best first, with reasons; see ``engine.rank``."""
        from suppliermatch.matching.engine.ranking import rank  # the engine builds on this module

        with self._lock:
            return rank(
                self,
                query,
                limit=limit,
                explain_top=explain_top,
                include_excluded=include_excluded,
                today=today,
            )

    # -- reading (for the engine) ---------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Rows in use, retired ones included (the length of every column view)."""
        return self._rows

    def row_of(self, supplier_id: int | str) -> int | None:
        return self._row_of.get(supplier_id)

    def rows_offering(self, process: str) -> tuple[np.ndarray, np.ndarray]:
        """Live rows offering ``process`` and the confidence of each match."""
        rows, confidence = self._offering.get(process, (array("i"), array("f")))
        rows_np = np.frombuffer(rows, dtype=np.int32) if rows else np.empty(0, np.int32)
        conf_np = (
            np.frombuffer(confidence, dtype=np.float32) if confidence else np.empty(0, np.float32)
        )
        live = self.alive[rows_np]
        return rows_np[live].astype(np.int64), conf_np[live].astype(np.float64)

    def rows_with_equipment(self, process: str) -> np.ndarray:
        """Live rows listing equipment for ``process`` among their facilities."""
        return self._live(self._equipment.get(process))

    def rows_with_stem(self, stem: str) -> np.ndarray:
        postings = self._words.get(stem)
        return self._live(postings[0] if postings else None)

    def stem_postings(self, stem: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows containing ``stem`` (retired ones included) and its frequency in each."""
        postings = self._words.get(stem)
        if not postings:
            return np.empty(0, np.int32), np.empty(0, np.uint8)
        return np.frombuffer(postings[0], dtype=np.int32), np.frombuffer(postings[1], np.uint8)

    @property
    def doc_length(self) -> np.ndarray:
        """Words (stems, counted once a clause) in each row's text: BM25's length norm."""
        return self._doc_length[: self._rows]

    @property
    def meaning(self) -> np.ndarray:
        """Each row's text as a unit vector (``semantic``): row_count x DIMENSIONS, one
        contiguous block (kept flat so that it grows like the other columns), so that a
        query's similarities are one matrix-vector product over it without a copy."""
        return self._meaning[: self._rows * semantic.DIMENSIONS].reshape(-1, semantic.DIMENSIONS)

    @property
    def mean_doc_length(self) -> float:
        return self._words_total / self._rows if self._rows else 0.0

    def row_stems(self, row: int) -> dict[str, int]:
        """A row's stems and their frequencies, as indexed (read again, from the cache)."""
        return self.matcher.read_for_index(self.texts[row])[3]

    def stem_frequency(self, stem: str) -> int:
        """How many rows (retired included) contain the stem: for text-search weighting."""
        postings = self._words.get(stem)
        return len(postings[0]) if postings else 0

    def rows_in_category(self, category: str) -> np.ndarray:
        bit = self.category_bits.get(category)
        if bit is None:
            return np.empty(0, np.int64)
        mask = (self.categories[: self._rows] & np.uint64(bit)) != 0
        return np.flatnonzero(mask & self.alive)

    @property
    def alive(self) -> np.ndarray:
        return self._alive[: self._rows]

    @property
    def capacity(self) -> np.ndarray:
        return self._capacity_col[: self._rows]

    @property
    def tolerance(self) -> np.ndarray:
        return self._tolerance[: self._rows]

    @property
    def lat(self) -> np.ndarray:
        return self._lat[: self._rows]

    @property
    def lon(self) -> np.ndarray:
        return self._lon[: self._rows]

    @property
    def readiness(self) -> np.ndarray:
        return self._readiness[: self._rows]

    @property
    def scorecard(self) -> np.ndarray:
        return self._scorecard[: self._rows]

    @property
    def categories(self) -> np.ndarray:
        return self._categories[: self._rows]

    def certified_until(self, code: str) -> np.ndarray | None:
        """Per row, the day (ordinal) a certified ``code`` is valid until, -1 if none."""
        index = self._code_index.get(code)
        return None if index is None else self._cert_valid[index, : self._rows]

    def verified(self, code: str) -> np.ndarray | None:
        index = self._code_index.get(code)
        return None if index is None else self._cert_verified[index, : self._rows]

    def supplier_row(self, row: int) -> SupplierRow:
        return SupplierRow(
            row=row,
            id=self.ids[row],
            ref=self.refs[row],
            name=self.names[row],
            capabilities=self.texts[row],
            declared_processes=self._declared.get(row, ()),
            categories=tuple(
                slug for slug, bit in self.category_bits.items() if int(self._categories[row]) & bit
            ),
            certificates=tuple(self._certificates_of(row)),
            capacity_per_month=_optional(self._capacity_col[row]),
            best_tolerance_mm=_optional(self._tolerance[row]),
            lat=_optional(self._lat[row]),
            lon=_optional(self._lon[row]),
            readiness=_optional(self._readiness[row]),
            scorecard=_optional(self._scorecard[row]),
        )

    def mentions_of(self, row: int) -> tuple[ProcessMention, ...]:
        """The processes a row's text names (read again; cheap thanks to the clause cache)."""
        declared = tuple(
            ProcessMention(process=slug, phrase="declared", synonym=slug, confidence=1.0)
            for slug in self._declared.get(row, ())
        )
        found = self.matcher.analyse_supplier_text(self.texts[row]).mentions
        return declared + tuple(m for m in found if m.process not in self._declared.get(row, ()))

    # -- internals ---------------------------------------------------------------------------

    def _allocate(self, rows: int) -> None:
        """Grow every column to ``rows`` rows, keeping what is there."""
        codes = len(self.cert_codes)

        def grow(name: str, shape: tuple[int, ...], dtype, fill) -> None:
            new = np.full(shape, fill, dtype=dtype)
            old = getattr(self, name, None)
            if old is not None:
                if old.ndim == 1:
                    new[: old.shape[0]] = old
                else:
                    new[:, : old.shape[1]] = old
            setattr(self, name, new)

        grow("_alive", (rows,), np.bool_, False)
        grow("_capacity_col", (rows,), np.float64, np.nan)
        grow("_tolerance", (rows,), np.float64, np.nan)
        grow("_lat", (rows,), np.float64, np.nan)
        grow("_lon", (rows,), np.float64, np.nan)
        grow("_readiness", (rows,), np.float32, np.nan)
        grow("_scorecard", (rows,), np.float32, np.nan)
        grow("_categories", (rows,), np.uint64, 0)
        grow("_doc_length", (rows,), np.float32, 0.0)
        grow("_meaning", (rows * semantic.DIMENSIONS,), np.float32, 0.0)
        grow("_cert_valid", (codes, rows), np.int32, NO_DATE)
        grow("_cert_status", (codes, rows), np.int8, -1)
        grow("_cert_date", (codes, rows), np.int32, NO_DATE)
        grow("_cert_verified", (codes, rows), np.bool_, False)
        self._capacity = rows

    def _append(self, suppliers: list[SupplierDoc], *, embed: bool = True) -> None:
        """Write suppliers to new rows at the end: text analysis per row, columns in bulk
        (and, unless the caller embeds later, their vectors)."""
        first = self._rows
        needed = first + len(suppliers)
        if needed > self._capacity:
            self._allocate(max(_INITIAL_ROWS, needed, 2 * self._capacity))

        numbers: dict[str, list[float]] = {name: [] for name in _NUMBER_COLUMNS}
        masks: list[int] = []
        certificate_cells: list[tuple[int, int, int, int, bool]] = []
        replaced: list[int] = []
        for row, supplier in enumerate(suppliers, start=first):
            old = self._row_of.get(supplier.id)
            if old is not None:
                replaced.append(old)
            masks.append(self._index_text(row, supplier))
            numbers["capacity"].append(_number(supplier.capacity_per_month))
            numbers["tolerance"].append(_number(supplier.best_tolerance_mm))
            numbers["lat"].append(_number(supplier.lat))
            numbers["lon"].append(_number(supplier.lon))
            numbers["readiness"].append(_number(supplier.readiness))
            numbers["scorecard"].append(_number(supplier.scorecard))
            certificate_cells.extend(self._certificate_cells(row, supplier.certificates))
            self._row_of[supplier.id] = row

        rows = slice(first, needed)
        self._alive[rows] = True
        self._capacity_col[rows] = numbers["capacity"]
        self._tolerance[rows] = numbers["tolerance"]
        self._lat[rows] = numbers["lat"]
        self._lon[rows] = numbers["lon"]
        self._readiness[rows] = numbers["readiness"]
        self._scorecard[rows] = numbers["scorecard"]
        self._categories[rows] = np.array(masks, dtype=np.uint64)
        self._doc_length[rows] = self._lengths
        for supplier in suppliers:
            self._boilerplate.count(without_exclusions(supplier.capabilities or ""))
        if embed:
            self._embed(first, needed)
        self._words_total += sum(self._lengths)
        self._lengths = []
        if certificate_cells:
            codes, cert_rows, status, day, verified = (
                np.array(c) for c in zip(*certificate_cells, strict=True)
            )
            self._cert_status[codes, cert_rows] = status
            self._cert_date[codes, cert_rows] = day
            certified = status == _STATUS_CODES[CertStatus.CERTIFIED]
            self._cert_valid[codes[certified], cert_rows[certified]] = day[certified]
            self._cert_verified[codes[certified], cert_rows[certified]] = verified[certified]
        self._rows = needed
        for old in replaced:
            self._retire(old, forget=False)

    def _embed(self, start: int, stop: int) -> None:
        """Vectors of rows ``start:stop`` from their texts, without exclusion notes and
        boilerplate sentences; in slices, so a million texts are never tokenised at once."""
        for first in range(start, stop, _BUILD_BATCH):
            last = min(stop, first + _BUILD_BATCH)
            texts = [
                self._boilerplate.without_common(without_exclusions(text))
                for text in self.texts[first:last]
            ]
            block = slice(first * semantic.DIMENSIONS, last * semantic.DIMENSIONS)
            self._meaning[block] = semantic.embed(texts).ravel()

    def _index_text(self, row: int, supplier: SupplierDoc) -> int:
        """Add one supplier's words to the inverted lists; returns its category bitmask."""
        text = supplier.capabilities or ""
        offered, equipment, categories, stems = self.matcher.read_for_index(text)
        self.ids.append(supplier.id)
        self.refs.append(supplier.ref or str(supplier.id))
        self.names.append(supplier.name)
        self.texts.append(text)

        if supplier.process_slugs:
            declared = tuple(
                slug
                for slug in dict.fromkeys(supplier.process_slugs)
                if self.taxonomy.has_process(slug)
            )
            if declared:
                self._declared[row] = declared
                offered.update(dict.fromkeys(declared, 1.0))
                equipment.difference_update(declared)
        offering = self._offering
        for slug, confidence in offered.items():
            postings = offering.get(slug)
            if postings is None:
                postings = offering[slug] = (array("i"), array("f"))
            postings[0].append(row)
            postings[1].append(confidence)
        for slug in equipment:
            self._equipment.setdefault(slug, array("i")).append(row)
        words = self._words
        for stem, count in stems.items():
            postings = words.get(stem)
            if postings is None:
                postings = words[stem] = (array("i"), array("B"))
            postings[0].append(row)
            postings[1].append(count if count < 256 else 255)
        self._lengths.append(sum(stems.values()))

        bits = self.category_bits
        mask = 0
        for slug in supplier.categories:
            mask |= bits.get(slug, 0)
        for slug in categories:
            mask |= bits[slug]
        for slug in offered:
            mask |= self._process_category_bit[slug]
        return mask

    def _certificate_cells(
        self, row: int, certificates: Iterable[HeldCertificate]
    ) -> Iterator[tuple[int, int, int, int, bool]]:
        """(code, row, status, day, verified) per code held; the most useful record per code."""
        best: dict[int, tuple[int, int, bool]] = {}
        for cert in certificates:
            index = self._code_index.get(cert.code)
            status = _STATUS_CODES.get(cert.status)
            if index is None or status is None:
                continue  # a code or status the catalogue does not know cannot meet a requirement
            day = cert.valid_until.toordinal() if cert.valid_until else NO_DATE
            current = best.get(index)
            if current is None or (status, day) > current[:2]:
                best[index] = (status, day, cert.verified)
        for index, (status, day, verified) in best.items():
            yield index, row, status, day, verified

    def _certificates_of(self, row: int) -> Iterator[HeldCertificate]:
        statuses = self._cert_status[:, row]
        for index in np.flatnonzero(statuses >= 0):
            day = int(self._cert_date[index, row])
            yield HeldCertificate(
                code=self.cert_codes[index],
                status=str(_STATUS_BY_CODE[int(statuses[index])]),
                valid_until=date.fromordinal(day) if day != NO_DATE else None,
                verified=bool(self._cert_verified[index, row]),
            )

    def _retire(self, row: int, *, forget: bool = True) -> None:
        if self._alive[row]:
            self._alive[row] = False
            self._dead += 1
        if forget:
            self._row_of.pop(self.ids[row], None)

    def _live(self, rows: array | None) -> np.ndarray:
        if not rows:
            return np.empty(0, np.int64)
        rows_np = np.frombuffer(rows, dtype=np.int32)
        return rows_np[self.alive[rows_np]].astype(np.int64)

    def _maybe_compact(self) -> None:
        if self._rows >= _INITIAL_ROWS and self._dead > _COMPACT_DEAD_SHARE * self._rows:
            self.compact()

    def compact(self) -> None:
        """Rebuild without retired rows (row numbers change; supplier ids do not)."""
        with self._lock:
            live = sorted(self._row_of.values())
            fresh = MatchIndex.build(
                (self._document(row) for row in live),
                taxonomy=self.taxonomy,
                catalogue=self.catalogue,
                matcher=self.matcher,
            )
            lock = self._lock
            self.__dict__.update(fresh.__dict__)
            self._lock = lock

    def _document(self, row: int) -> SupplierDoc:
        item = self.supplier_row(row)
        return SupplierDoc(
            id=item.id,
            name=item.name,
            ref=item.ref,
            categories=item.categories,
            capabilities=item.capabilities,
            process_slugs=item.declared_processes,
            certificates=item.certificates,
            capacity_per_month=item.capacity_per_month,
            best_tolerance_mm=item.best_tolerance_mm,
            lat=item.lat,
            lon=item.lon,
            readiness=item.readiness,
            scorecard=item.scorecard,
        )


def _matcher_for(taxonomy: Taxonomy) -> ConceptMatcher:
    return default_matcher() if taxonomy is default_taxonomy() else ConceptMatcher(taxonomy)


def _number(value: float | None) -> float:
    return np.nan if value is None else float(value)


def _optional(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value
