"""What goes into the engine (a supplier document, a requirement query) and what comes out.

These are plain frozen dataclasses so that the web app, the benchmark and the tests can
build them from anything (database rows, CSV files, synthetic data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class HeldCertificate:
    """A certificate as a supplier holds it: code, status, expiry, and whether it was checked."""

    code: str
    status: str
    valid_until: date | None
    verified: bool = False


@dataclass(frozen=True, slots=True)
class SupplierDoc:
    """Everything the engine knows about one supplier.

    ``capabilities`` is free text as the MSME wrote it; ``process_slugs`` are processes the
    supplier declared from the taxonomy (counted as offered, on top of what the text names).
    ``readiness`` and ``scorecard`` are 0..1 when known (supplier readiness assessment,
    delivered-work rating).
    """

    id: int | str
    name: str
    ref: str = ""
    categories: tuple[str, ...] = ()
    capabilities: str = ""
    process_slugs: tuple[str, ...] = ()
    certificates: tuple[HeldCertificate, ...] = ()
    capacity_per_month: float | None = None
    best_tolerance_mm: float | None = None
    lat: float | None = None
    lon: float | None = None
    readiness: float | None = None
    scorecard: float | None = None


@dataclass(frozen=True, slots=True)
class RequirementQuery:
    """A buyer's requirement (RFQ) as the engine needs it.

    ``process_slug`` may be left out: the engine then reads the process from the title and
    description. ``needed_by`` is the date certificates must still be valid on (today when
    not given). ``weights`` overrides default factor weights by name (see ``scoring``).
    """

    ref: str
    title: str
    description: str = ""
    category: str | None = None
    process_slug: str | None = None
    required_certs: tuple[str, ...] = ()
    preferred_certs: tuple[str, ...] = ()
    quantity_per_month: float | None = None
    tolerance_mm: float | None = None
    plant_lat: float | None = None
    plant_lon: float | None = None
    max_distance_km: float | None = None
    needed_by: date | None = None
    weights: Mapping[str, float] | None = None


class ProcessMatch(StrEnum):
    """How a supplier's capabilities relate to the requested process, best first."""

    EXACT = "exact"  # offers the process itself
    RELATED = "related"  # offers a closely related process only
    WEAK = "weak"  # same category, or owns the equipment, but does not offer the process
    TEXT = "text"  # no process could be read from the requirement: text similarity only


@dataclass(frozen=True, slots=True)
class FactorScore:
    """One factor of a supplier's score: its value 0..1, its weight and what it added."""

    name: str
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True, slots=True)
class RankedSupplier:
    supplier_id: int | str
    supplier_ref: str
    name: str
    rank: int
    score: float
    match: ProcessMatch
    matched_process: str | None
    matched_phrase: str
    qualifies: bool
    factors: tuple[FactorScore, ...] = ()
    reasons: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The ranking for one requirement.

    ``ranked`` holds suppliers that meet every hard constraint, best first. ``excluded``
    (only when asked for) holds suppliers that offer the process or a related one but fail
    a hard constraint, each with the constraints it fails. ``fully_qualified`` holds every
    supplier that offers the requested process itself and meets every hard constraint,
    however long ``ranked`` is: the engine's verdict "fully qualified", which every count
    of qualified suppliers in the product uses.
    """

    requirement_ref: str
    process: str | None
    process_phrase: str
    related_processes: tuple[str, ...]
    ranked: tuple[RankedSupplier, ...]
    excluded: tuple[RankedSupplier, ...] = ()
    fully_qualified: tuple[int | str, ...] = ()
    candidates: int = 0
    notes: tuple[str, ...] = field(default=())
