"""Finding suppliers by what people type: names, capabilities, processes, places, certificates.

Every profile keeps ``search_text``: the lower-case words of its names, free text,
capabilities (with the taxonomy's names and synonyms of their processes), equipment and
place. A query is split into words; each word must appear in a profile, allowing a typo
(so "hysterisis" finds "hysteresisgraph" and "nickle" finds "nickel": the rules are in
``search_index``). Words that name a certificate ("ISO 9001", "NABL") become a certificate
filter instead, applying the catalogue's rule of what counts.

Each process keeps those words in memory (``SearchIndex``, one per database, brought up
to date before every search with what any process changed: ``search_cache``), so a
search reads no text. SQL still decides who sees what: only profiles the actor may read
(or, for the public directory, public ones) and that pass the filters are ever results,
and a page is checked against the database before it is shown.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.service import Verification, record_counts_on
from suppliermatch.dates import today_in_india
from suppliermatch.errors import ValidationFailed
from suppliermatch.id_lists import id_chunks
from suppliermatch.reference.certificates import COUNTING_STATUS, default_catalogue
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.suppliers.models import Capability, Supplier
from suppliermatch.suppliers.search import cache as search_cache
from suppliermatch.suppliers.search.index import (
    NAME_MATCH_BONUS,
    SHORT_WORD,
    TYPO_TOLERANCE,
    Matches,
    words_of,
)

log = logging.getLogger(__name__)

MAX_SEARCH_TEXT = 8000
# Longest certificate name in words ("ISO/IEC 17025:2017" -> iso iec 17025 2017).
_CERTIFICATE_PHRASE_WORDS = 4
STOP_WORDS = frozenset({"and", "the", "of", "for", "with", "in", "a", "an", "to", "we", "our"})


def search_text_for(
    profile: Mapping, capabilities: Iterable[Mapping], equipment: Iterable[Mapping]
) -> str:
    """The words a search may match for one profile, each once, at most MAX_SEARCH_TEXT long.

    Rows may be mappings or table objects.
    """
    parts = [_get(profile, name) for name in ("legal_name", "trade_name", "district", "state")]
    words: list[str] = []
    for slug in _get(profile, "categories") or []:
        words.extend(_taxonomy_words(slug, None))
    for capability in capabilities:
        words.extend(_taxonomy_words(_get(capability, "category"), _get(capability, "process")))
        parts.append(_get(capability, "description"))
        parts.extend(_get(capability, "materials") or [])
    for machine in equipment:
        parts.extend((_get(machine, "machine"), _get(machine, "make")))
    parts.append(_get(profile, "about"))
    # An import repeats the row's text in each capability: read each text once.
    words.extend(word for part in dict.fromkeys(parts) for word in words_of(part))
    unique = dict.fromkeys(words)
    text = " ".join(unique)
    if len(text) > MAX_SEARCH_TEXT:
        text = text[:MAX_SEARCH_TEXT].rsplit(" ", 1)[0]
    return text


@lru_cache(maxsize=1024)
def _taxonomy_words(category: str | None, process_slug: str | None) -> tuple[str, ...]:
    """Words of a category's name and of a process's name and synonyms."""
    taxonomy = default_taxonomy()
    parts = []
    if category and taxonomy.has_category(category):
        parts.append(taxonomy.category(category).name)
    if process_slug and taxonomy.has_process(process_slug):
        known = taxonomy.process(process_slug)
        parts.extend((known.name, *known.synonyms))
    return tuple(dict.fromkeys(word for part in parts for word in words_of(part)))


def _get(row, name: str):
    # dict first: isinstance against the Mapping ABC is slow, and imports call this a lot.
    if type(row) is dict or isinstance(row, Mapping):
        return row.get(name)
    return getattr(row, name, None)


# How a list of suppliers can be ordered. "Best match" needs search words; without them the
# list is alphabetical. Newest first is by id: suppliers get ids in the order they join.
SORTS = {"relevance": "Best match", "name": "Name (A–Z)", "newest": "Newest first"}


@dataclass
class SearchFilters:
    q: str | None = None
    category: str | None = None
    process: str | None = None
    certificate: str | None = None
    state: str | None = None
    district: str | None = None
    cluster_id: int | None = None
    enterprise_class: str | None = None


@dataclass
class SearchHit:
    supplier: Supplier
    score: float | None = None
    processes: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    # What the query was understood as: certificate codes it named, words searched for.
    certificates_named: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def search_suppliers(
    session: Session,
    scope: sa.ColumnElement[bool],
    filters: SearchFilters,
    *,
    page: int = 1,
    per_page: int = 20,
    on: date | None = None,
    sort: str = "relevance",
) -> SearchPage:
    """One page of the suppliers within ``scope`` that match ``filters``, best first.

    ``scope`` is the SQL condition of what the asker may see (see
    ``service.readable_clause`` and ``directory_scope``). Merged profiles never appear.
    """
    today = on or today_in_india()
    words, named_certificates = _understand(filters.q)
    filtering = list(_filter_conditions(filters, named_certificates, today))
    conditions = [scope, Supplier.merged_into_id.is_(None), *filtering]
    if not words:
        statement = select(Supplier.id).where(*conditions)
        ordered = statement.order_by(
            *((Supplier.id.desc(),) if sort == "newest" else (Supplier.legal_name, Supplier.id))
        )
        total = session.scalar(select(sa.func.count()).select_from(statement.subquery()))
        ids = list(session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)))
        scores: dict[int, float | None] = {}
    else:
        first = (page - 1) * per_page
        total, window = _ranked_window(
            session, scope, conditions, words, bool(filtering), first, first + per_page, sort
        )
        ids = [supplier_id for supplier_id, _ in window]
        scores = dict(window)
    return SearchPage(
        hits=_hits(session, ids, scores, today),
        total=total,
        page=page,
        per_page=per_page,
        certificates_named=named_certificates,
        words=words,
    )


def directory_scope() -> sa.ColumnElement[bool]:
    """What the public directory lists: profiles their owners left public."""
    return Supplier.is_public.is_(True)


def _understand(q: str | None) -> tuple[list[str], list[str]]:
    """Query words to look for, and the certificate codes the query names."""
    words = [w for w in words_of(q) if w not in STOP_WORDS]
    catalogue = default_catalogue()
    named: list[str] = []
    kept: list[str] = []
    position = 0
    while position < len(words):
        for length in range(min(_CERTIFICATE_PHRASE_WORDS, len(words) - position), 0, -1):
            code = catalogue.code_for(" ".join(words[position : position + length]))
            # A lone number ("9001") or a short word that happens to be an alias ("ems")
            # is only a certificate together with its scheme name.
            if code and (length > 1 or len(words[position]) > SHORT_WORD):
                named.append(code)
                position += length
                break
        else:
            kept.append(words[position])
            position += 1
    return list(dict.fromkeys(kept)), list(dict.fromkeys(named))


def _filter_conditions(filters: SearchFilters, named_certificates: list[str], today: date):
    if filters.category:
        slug = filters.category
        has_capability = (
            select(Capability.id)
            .where(Capability.supplier_id == Supplier.id, Capability.category == slug)
            .exists()
        )
        declared = sa.cast(Supplier.categories, sa.String).contains(f'"{slug}"', autoescape=True)
        yield sa.or_(has_capability, declared)
    if filters.process:
        yield (
            select(Capability.id)
            .where(Capability.supplier_id == Supplier.id, Capability.process == filters.process)
            .exists()
        )
    for code in [filters.certificate, *named_certificates]:
        if code:
            yield _holds_certificate(code, today)
    if filters.state:
        yield Supplier.state == filters.state
    if filters.district:
        yield sa.func.lower(Supplier.district) == filters.district.strip().lower()
    if filters.cluster_id is not None:
        yield Supplier.cluster_id == filters.cluster_id
    if filters.enterprise_class:
        yield Supplier.enterprise_class == filters.enterprise_class


def _holds_certificate(code: str, today: date):
    """A certificate that counts today: this code or a higher level, certified, unexpired."""
    return (
        select(SupplierCertificate.id)
        .where(
            SupplierCertificate.supplier_id == Supplier.id,
            SupplierCertificate.code.in_(default_catalogue().codes_satisfying(code)),
            SupplierCertificate.state == COUNTING_STATUS.value,
            SupplierCertificate.expires_on >= today,
            # The same rule as certification.service.record_counts_on, as SQL.
            SupplierCertificate.verification != Verification.REJECTED,
        )
        .exists()
    )


def _ranked_window(
    session: Session,
    scope: sa.ColumnElement[bool],
    conditions: list,
    words: list[str],
    filtered: bool,
    start: int,
    stop: int,
    sort: str = "relevance",
) -> tuple[int, list[tuple[int, float]]]:
    """How many suppliers match, and (id, score) of those ranked ``start`` to ``stop`` - 1."""
    cache = search_cache.cache_for(session)
    with cache.lock:
        index = cache.fresh_index(session)
        if index is None:
            matches = members = None
        else:
            matches = index.match(words)
            members = cache.members(session, scope) if len(matches) else None
    if matches is None:  # a large first build is still running
        ranked = _rank_by_scan(session, conditions, words)
        if sort != "relevance":
            _sort_ranked(session, ranked, sort)
        return len(ranked), ranked[start:stop]
    if members is None:  # a scope that depends on more than the supplier's row
        allowed = _allowed(session, conditions, matches.supplier_ids, len(index))
    else:
        allowed = np.isin(matches.supplier_ids, members, assume_unique=True)
        if filtered:
            allowed[allowed] = _allowed(
                session, conditions, matches.supplier_ids[allowed], len(index)
            )
    total, window = _ordered(matches, allowed, len(words), start, stop, sort)
    if members is not None and not filtered:
        # The remembered scope is checked on what is shown: should it ever be out of
        # date, the database answers this search and the scopes are asked again.
        shown = [supplier_id for supplier_id, _ in window]
        statement = select(Supplier.id).where(Supplier.id.in_(shown), *conditions)
        if len(session.scalars(statement).all()) < len(shown):
            log.warning("a remembered search scope was out of date; asking the database")
            with cache.lock:
                cache.forget_scopes()
            allowed = _allowed(session, conditions, matches.supplier_ids, len(index))
            total, window = _ordered(matches, allowed, len(words), start, stop, sort)
    return total, window


def _sort_ranked(session: Session, ranked: list[tuple[int, float]], sort: str) -> None:
    """Reorder (id, score) pairs by name (case-folded, as the index does) or newest first."""
    if sort == "newest":
        ranked.sort(key=lambda pair: -pair[0])
        return
    names: dict[int, str] = {}
    for chunk in id_chunks([supplier_id for supplier_id, _ in ranked]):
        rows = session.execute(
            select(Supplier.id, Supplier.legal_name).where(_id_among(session, chunk))
        )
        names.update((supplier_id, (name or "").casefold()) for supplier_id, name in rows)
    ranked.sort(key=lambda pair: (names[pair[0]], pair[0]))


def _allowed(
    session: Session, conditions: list, supplier_ids: np.ndarray, indexed: int
) -> np.ndarray:
    """Which of ``supplier_ids`` the database says meet ``conditions`` (True/False each)."""
    if not len(supplier_ids):
        return np.zeros(0, bool)
    if 2 * len(supplier_ids) > indexed:
        # Most of the index: reading the ids that qualify costs less than asking by id.
        passing = session.scalars(select(Supplier.id).where(*conditions)).all()
    else:
        passing = []
        for chunk in id_chunks(supplier_ids.tolist()):
            passing += session.scalars(
                select(Supplier.id).where(_id_among(session, chunk), *conditions)
            ).all()
    return np.isin(supplier_ids, np.array(passing, np.int64))


def _id_among(session: Session, ids: list[int]) -> sa.ColumnElement[bool]:
    """``supplier.id IN (ids)``; on PostgreSQL as one array parameter (``= ANY``): with
    thousands of ids, a third of the time of as many parameters."""
    if session.get_bind().dialect.name == "postgresql":
        return Supplier.id == sa.any_(sa.literal(ids, sa.ARRAY(sa.Integer)))
    return Supplier.id.in_(ids)


def _ordered(
    matches: Matches,
    allowed: np.ndarray,
    word_count: int,
    start: int,
    stop: int,
    sort: str = "relevance",
) -> tuple[int, list[tuple[int, float]]]:
    """Best first; among equals, alphabetical by name so that pages are stable, then by id.
    Only the suppliers that can be among the first ``stop`` are sorted. Sorted by name or
    newest first instead, every match is (names are in the index; ids order by age)."""
    supplier_ids = matches.supplier_ids[allowed]
    scores = _rounded(matches.totals[allowed] / word_count)
    names = [name for name, kept in zip(matches.names, allowed.tolist(), strict=True) if kept]
    total = len(supplier_ids)
    stop = min(stop, total)
    if start >= stop:
        return total, []
    if sort != "relevance":
        keys = (-supplier_ids,) if sort == "newest" else (supplier_ids, np.array(names))
        order = np.lexsort(keys)[start:stop]
        return total, list(zip(supplier_ids[order].tolist(), scores[order].tolist(), strict=True))
    near = np.arange(total)
    if stop < total:
        near = np.flatnonzero(scores >= np.partition(scores, total - stop)[total - stop])
    near_names = np.array([names[position] for position in near.tolist()])
    order = near[np.lexsort((supplier_ids[near], near_names, -scores[near]))][start:stop]
    return total, list(zip(supplier_ids[order].tolist(), scores[order].tolist(), strict=True))


def _rounded(values: np.ndarray) -> np.ndarray:
    """Python's ``round(value, 1)`` of each value (numpy's rounds some halves otherwise)."""
    distinct, positions = np.unique(values, return_inverse=True)
    return np.array([round(value, 1) for value in distinct.tolist()])[positions]


def _rank_by_scan(session: Session, conditions: list, words: list[str]) -> list[tuple[int, float]]:
    """Every match, best first, by reading and comparing every text within ``conditions``:
    what searches do while a large index is first built (and what the index replaces)."""
    candidates = select(Supplier.id, Supplier.search_text, Supplier.legal_name).where(*conditions)
    return _scan_ranking(session.execute(candidates).all(), words)


def _scan_ranking(rows: list, words: list[str]) -> list[tuple[int, float]]:
    """(id, score) of the (id, search text, legal name) rows holding every word, best first."""
    alive = list(range(len(rows)))
    totals = dict.fromkeys(alive, 0.0)
    # Longest words first: they match the fewest profiles, and each later word is only
    # looked for in the profiles every earlier word was found in.
    for word in sorted(words, key=len, reverse=True):
        found = _matches(word, [rows[i][1] or "" for i in alive])
        alive = [alive[j] for j in found]
        names = [" ".join(words_of(rows[i][2])) for i in alive]
        in_names = _matches(word, names)
        totals = {
            i: totals[i] + score + (NAME_MATCH_BONUS if j in in_names else 0)
            for j, (i, score) in enumerate(zip(alive, found.values(), strict=True))
        }
        if not alive:
            return []
    ranked = [(rows[i][0], round(total / len(words), 1)) for i, total in totals.items()]
    # Best first; among equals, alphabetical by name so that pages are stable.
    name_of = {rows[i][0]: rows[i][2] for i in totals}
    ranked.sort(key=lambda pair: (-pair[1], name_of[pair[0]].casefold(), pair[0]))
    return ranked


def _matches(word: str, texts: list[str]) -> dict[int, float]:
    """Index -> how well ``word`` matches some part of that text: only the matches, in
    the order of ``texts``."""
    if len(word) <= SHORT_WORD:
        return {i: 100.0 for i, text in enumerate(texts) if f" {word}" in f" {text}"}
    found = process.extract(
        word, texts, scorer=fuzz.partial_ratio, score_cutoff=TYPO_TOLERANCE, limit=None
    )
    return {index: score for _, score, index in sorted(found, key=lambda hit: hit[2])}


def _hits(session: Session, ids: list[int], scores: dict, today: date) -> list[SearchHit]:
    if not ids:
        return []
    suppliers = {s.id: s for s in session.exec(select(Supplier).where(Supplier.id.in_(ids)))}
    processes: dict[int, list[str]] = {i: [] for i in ids}
    for supplier_id, slug in session.execute(
        select(Capability.supplier_id, Capability.process)
        .where(Capability.supplier_id.in_(ids), Capability.process.is_not(None))
        .distinct()
        .order_by(Capability.process)
    ):
        processes[supplier_id].append(slug)
    certificates: dict[int, set[str]] = {i: set() for i in ids}
    for supplier_id, code, state, expires_on, verification in session.execute(
        select(
            SupplierCertificate.supplier_id,
            SupplierCertificate.code,
            SupplierCertificate.state,
            SupplierCertificate.expires_on,
            SupplierCertificate.verification,
        ).where(SupplierCertificate.supplier_id.in_(ids))
    ):
        if record_counts_on(state, expires_on, verification, today):
            certificates[supplier_id].add(code)
    return [
        SearchHit(
            supplier=suppliers[i],
            score=scores.get(i),
            processes=processes[i],
            certificates=sorted(certificates[i]),
        )
        for i in ids
        if i in suppliers
    ]


def filters_from_args(session: Session, args: Mapping) -> SearchFilters:
    """Query arguments -> filters, refusing unknown categories, processes, certificates,
    states and clusters with a 422 that names the argument."""
    from suppliermatch.accounts.models import Cluster
    from suppliermatch.suppliers.profiles.rules import canonical_state

    taxonomy, catalogue = default_taxonomy(), default_catalogue()
    filters = SearchFilters(
        q=args.get("q"),
        district=args.get("district") or None,
        enterprise_class=args.get("enterprise_class") or None,
    )
    errors: dict[str, list[str]] = {}
    if category := args.get("category"):
        if taxonomy.has_category(category):
            filters.category = category
        else:
            errors["category"] = [f"unknown category {category!r}"]
    if slug := args.get("process"):
        if taxonomy.has_process(slug):
            filters.process = slug
        else:
            errors["process"] = [f"unknown process {slug!r}"]
    if code := args.get("certificate"):
        known = code.upper() if code.upper() in catalogue else catalogue.code_for(code)
        if known:
            filters.certificate = known
        else:
            errors["certificate"] = [f"unknown certificate {code!r}"]
    if state := args.get("state"):
        filters.state = canonical_state(state)
        if filters.state is None:
            errors["state"] = [f"{state!r} is not an Indian state or union territory"]
    if slug := args.get("cluster"):
        cluster = session.exec(select(Cluster).where(Cluster.slug == slug)).first()
        if cluster is None:
            errors["cluster"] = [f"no cluster {slug!r}"]
        else:
            filters.cluster_id = cluster.id
    if errors:
        raise ValidationFailed("Some search filters are not known.", errors=errors)
    return filters
