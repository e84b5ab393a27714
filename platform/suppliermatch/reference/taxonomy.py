"""The capability taxonomy: categories, their processes, the words used for them.

The data lives in ``seeds/taxonomy.json`` so that an administrator can extend it without a
code change; this module parses it into frozen objects and checks it is coherent (unique
slugs, no synonym claimed by two processes, every related process exists). A relation
between processes is symmetric: declaring it on one side is enough.

Matching free text against the synonyms with typo tolerance is the matching engine's job
(``suppliermatch.matching.engine.concepts``); this module offers the exact look-ups that forms and
imports need.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from suppliermatch.paths import REPO_ROOT
from suppliermatch.words import NON_WORD, normal

SEEDS_DIR_ENV = "SUPPLIERMATCH_SEEDS_DIR"
TAXONOMY_FILE = "taxonomy.json"


class TaxonomyError(ValueError):
    """The taxonomy file is malformed or contradicts itself."""


@dataclass(frozen=True, slots=True)
class NicCode:
    """A National Industrial Classification 2008 code (as used in Udyam registration)."""

    code: str
    title: str


@dataclass(frozen=True, slots=True)
class Process:
    slug: str
    name: str
    category: str
    synonyms: tuple[str, ...]
    related: frozenset[str]


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    name: str
    nic_codes: tuple[NicCode, ...]
    keywords: tuple[str, ...]
    process_slugs: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    version: int
    categories: tuple[Category, ...]
    processes: tuple[Process, ...]
    abbreviations: Mapping[str, str]
    _categories_by_slug: Mapping[str, Category] = field(repr=False, compare=False)
    _processes_by_slug: Mapping[str, Process] = field(repr=False, compare=False)
    _processes_by_phrase: Mapping[str, Process] = field(repr=False, compare=False)

    def category(self, slug: str) -> Category:
        try:
            return self._categories_by_slug[slug]
        except KeyError:
            raise KeyError(f"unknown category {slug!r}") from None

    def process(self, slug: str) -> Process:
        try:
            return self._processes_by_slug[slug]
        except KeyError:
            raise KeyError(f"unknown process {slug!r}") from None

    def has_category(self, slug: str) -> bool:
        return slug in self._categories_by_slug

    def has_process(self, slug: str) -> bool:
        return slug in self._processes_by_slug

    def processes_in(self, category_slug: str) -> tuple[Process, ...]:
        return tuple(self.process(slug) for slug in self.category(category_slug).process_slugs)

    def related(self, process_slug: str) -> frozenset[str]:
        return self.process(process_slug).related

    def categories_for_nic(self, nic_code: str) -> tuple[Category, ...]:
        """Categories mapped to a NIC-2008 code; a 5-digit sub-class matches its 4-digit class."""
        code = nic_code.strip()[:4]
        return tuple(c for c in self.categories if any(n.code == code for n in c.nic_codes))

    def lookup_phrase(self, phrase: str) -> Process | None:
        """The process a phrase names exactly (slug, name or synonym).

        Case and punctuation do not matter, and listed abbreviations count as their
        expansion ("WEDM" = "wire EDM", "Ni-Cu-Ni plating" = "nickel copper nickel plating").
        """
        plain = plain_phrase(phrase)
        return self._processes_by_phrase.get(plain) or self._processes_by_phrase.get(
            self.expand_abbreviations(plain)
        )

    def expand_abbreviations(self, plain: str) -> str:
        """A plain phrase with each listed abbreviation replaced by its expansion."""
        return " ".join(self.abbreviations.get(word, word) for word in plain.split())

    def mentioned_processes(self, text: str) -> tuple[Process, ...]:
        """Processes whose name or synonym appears word for word in ``text``, in taxonomy order.

        A quick exact scan for forms and imports; it does not correct typos or word order.
        """
        plain = plain_phrase(text)
        padded = f" {plain} | {self.expand_abbreviations(plain)} "
        found = {
            process.slug
            for phrase, process in self._processes_by_phrase.items()
            if f" {phrase} " in padded
        }
        return tuple(p for p in self.processes if p.slug in found)


def plain_phrase(text: str) -> str:
    """Lower case, each run of punctuation or space as one space (the form of exact look-ups)."""
    return NON_WORD.sub(" ", normal(text)).strip()


def seeds_dir() -> Path:
    """``<repo>/seeds``, unless the SUPPLIERMATCH_SEEDS_DIR environment variable names another."""
    override = os.environ.get(SEEDS_DIR_ENV)
    return Path(override) if override else REPO_ROOT / "seeds"


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and check a taxonomy file; by default ``taxonomy.json`` in the seeds folder."""
    source = Path(path) if path is not None else seeds_dir() / TAXONOMY_FILE
    with source.open(encoding="utf-8") as handle:
        data = json.load(handle)
    try:
        return parse_taxonomy(data)
    except TaxonomyError as error:
        raise TaxonomyError(f"{source}: {error}") from None


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The seeds taxonomy, read once per process."""
    return load_taxonomy()


def parse_taxonomy(data: Mapping) -> Taxonomy:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise TaxonomyError("'version' must be an integer")

    categories: list[Category] = []
    declared: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = []
    for raw_category in _required(data, "categories", "taxonomy"):
        slug = _slug(raw_category, "category")
        process_slugs = []
        for raw_process in _required(raw_category, "processes", f"category {slug!r}"):
            process_slug = _slug(raw_process, f"process in {slug!r}")
            synonyms = tuple(_strings(raw_process.get("synonyms", []), f"{process_slug}.synonyms"))
            related = tuple(_strings(raw_process.get("related", []), f"{process_slug}.related"))
            declared.append((process_slug, _name(raw_process), slug, synonyms, related))
            process_slugs.append(process_slug)
        categories.append(
            Category(
                slug=slug,
                name=_name(raw_category),
                nic_codes=tuple(_nic_codes(raw_category.get("nic_codes", []), slug)),
                keywords=tuple(_strings(raw_category.get("keywords", []), f"{slug}.keywords")),
                process_slugs=tuple(process_slugs),
            )
        )

    _check_unique((c.slug for c in categories), "category slug")
    _check_unique((d[0] for d in declared), "process slug")
    process_slugs_known = {d[0] for d in declared}
    related_of: dict[str, set[str]] = {d[0]: set() for d in declared}
    for slug, _, _, _, related in declared:
        for other in related:
            if other not in process_slugs_known:
                raise TaxonomyError(f"process {slug!r} is related to unknown process {other!r}")
            if other == slug:
                raise TaxonomyError(f"process {slug!r} lists itself as related")
            related_of[slug].add(other)
            related_of[other].add(slug)

    processes = tuple(
        Process(
            slug=slug,
            name=name,
            category=category,
            synonyms=synonyms,
            related=frozenset(related_of[slug]),
        )
        for slug, name, category, synonyms, _ in declared
    )

    by_phrase: dict[str, Process] = {}
    for process in processes:
        for phrase in {process.slug, process.name, *process.synonyms}:
            key = plain_phrase(phrase)
            owner = by_phrase.setdefault(key, process)
            if owner.slug != process.slug:
                raise TaxonomyError(
                    f"phrase {phrase!r} is claimed by both {owner.slug!r} and {process.slug!r}"
                )

    abbreviations = data.get("abbreviations", {})
    if not isinstance(abbreviations, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in abbreviations.items()
    ):
        raise TaxonomyError("'abbreviations' must map words to non-empty expansions")

    return Taxonomy(
        version=version,
        categories=tuple(categories),
        processes=processes,
        abbreviations=MappingProxyType(
            {k.casefold(): v.casefold() for k, v in abbreviations.items()}
        ),
        _categories_by_slug=MappingProxyType({c.slug: c for c in categories}),
        _processes_by_slug=MappingProxyType({p.slug: p for p in processes}),
        _processes_by_phrase=MappingProxyType(by_phrase),
    )


_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def _required(mapping: Mapping, key: str, where: str) -> list:
    value = mapping.get(key)
    if not isinstance(value, list) or not value:
        raise TaxonomyError(f"{where} needs a non-empty list '{key}'")
    return value


def _slug(raw: Mapping, what: str) -> str:
    slug = raw.get("slug") if isinstance(raw, Mapping) else None
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise TaxonomyError(f"{what} has a missing or malformed slug: {slug!r}")
    return slug


def _name(raw: Mapping) -> str:
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TaxonomyError(f"{raw.get('slug')!r} needs a name")
    return name.strip()


def _strings(values: object, where: str) -> Iterable[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise TaxonomyError(f"{where} must be a list of non-empty strings")
    return (v.strip() for v in values)


def _nic_codes(values: object, where: str) -> Iterable[NicCode]:
    if not isinstance(values, list):
        raise TaxonomyError(f"{where}.nic_codes must be a list")
    for value in values:
        code = value.get("code") if isinstance(value, Mapping) else None
        if not isinstance(code, str) or not re.fullmatch(r"\d{4,5}", code):
            raise TaxonomyError(f"{where} has a malformed NIC code: {value!r}")
        yield NicCode(code=code, title=str(value.get("title", "")).strip())


def _check_unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise TaxonomyError(f"duplicate {what} {value!r}")
        seen.add(value)
