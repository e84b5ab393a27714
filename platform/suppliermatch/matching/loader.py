"""Database rows -> what the engine reads: ``SupplierDoc`` and ``RequirementQuery``.

Suppliers are read in bulk: one ordered query each for profiles, capabilities, equipment
and certificate records, merged by supplier id as they stream (a million suppliers never
sit in memory as ORM objects), plus a few grouped queries for the scorecards. The same code
reads a chosen list of suppliers (the freshness poll's changes) in chunks of ids.

What each field becomes:

* text: the profile's ``about`` plus each capability description it does not already
  contain, and the equipment list as an "Equipment:" sentence (the engine reads machines
  there as owned, not as services offered);
* processes: those a person picked on a capability (``source == "profile"``); processes an
  import guessed from the same text are left to the engine, which reads the text better;
* categories: declared on the profile, plus those of capabilities a person entered;
* capacity: the largest monthly capacity of any capability, else the supplier's own (an
  imported row whose text names no taxonomy process has no capability row);
* tolerance: the finest, else one the text states ("tol +/-0.01 mm"), as the benchmark's
  CSV reader does;
* certificates: the current record of each validity chain, as (code, state, valid until,
  verified). Whether one counts on the needed-by date is the engine's comparison, with the
  certification service's rule (``certification.service.countable_certificates``):
  certified, not rejected by a coordinator, valid on that day; a rejected record is left
  out, as are plans and withdrawn records;
* readiness: the certification feature's readiness level (0..1) from the same records;
* scorecard: the requirements feature's scorecard (0..1), for suppliers with any history.

Only suppliers that can be invited are ranked: listed in the directory and not merged
into another profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.readiness import level_from_facts, record_facts
from suppliermatch.certification.service import CertState, Verification, current_records
from suppliermatch.id_lists import id_chunks
from suppliermatch.matching.engine.text import parse_tolerance_mm
from suppliermatch.matching.engine.types import HeldCertificate, RequirementQuery, SupplierDoc
from suppliermatch.reference.certificates import CertStatus
from suppliermatch.requirements.models import Award, Invitation, Quote, Requirement
from suppliermatch.requirements.scorecard import supplier_scorecards
from suppliermatch.suppliers.models import Capability, Equipment, Supplier

# Suppliers an anchor can invite (requirements.invitations refuses the others).
RANKABLE = sa.and_(Supplier.merged_into_id.is_(None), Supplier.is_public.is_(True))
# Rows fetched per round trip while streaming.
STREAM_BATCH = 5000
# Certificate states the engine knows; planned, in-preparation and withdrawn records are
# intentions or history and say nothing about what the supplier holds.
ENGINE_STATES = frozenset(s.value for s in CertStatus)
# A capability source meaning "a person chose this process" (imports guess from text).
PERSON_ENTERED = "profile"
SENTENCE_ENDS = (".", "!", "?")

_SUPPLIER_COLUMNS = (
    Supplier.id,
    Supplier.external_ref,
    Supplier.legal_name,
    Supplier.about,
    Supplier.categories,
    Supplier.lat,
    Supplier.lon,
    Supplier.capacity_per_month,
)
_CAPABILITY_COLUMNS = (
    Capability.supplier_id,
    Capability.category,
    Capability.process,
    Capability.description,
    Capability.best_tolerance_mm,
    Capability.capacity_per_month,
    Capability.source,
)
_EQUIPMENT_COLUMNS = (Equipment.supplier_id, Equipment.machine, Equipment.count)
# What the readiness assessment reads of a record, besides building the engine's view.
_CERTIFICATE_COLUMNS = (
    SupplierCertificate.id,
    SupplierCertificate.supplier_id,
    SupplierCertificate.code,
    SupplierCertificate.state,
    SupplierCertificate.expires_on,
    SupplierCertificate.verification,
    SupplierCertificate.renews_id,
    SupplierCertificate.issued_on,
    SupplierCertificate.target_on,
    SupplierCertificate.audit_on,
)


# -- requirements ------------------------------------------------------------------------------


def requirement_query(requirement: Requirement, *, today: date | None = None) -> RequirementQuery:
    """The engine's view of a requirement.

    Certificates must be valid on the needed-by date, and, when ``today`` is given, on
    ``today`` as well: a certificate that lapsed since a past needed-by date does not count.
    """
    needed_by = requirement.needed_by
    if today is not None:
        needed_by = max(needed_by or today, today)
    return RequirementQuery(
        ref=requirement.external_ref or str(requirement.id),
        title=requirement.title,
        description=requirement.description or "",
        category=requirement.category,
        process_slug=requirement.process or None,
        required_certs=tuple(requirement.required_certs or ()),
        preferred_certs=tuple(requirement.preferred_certs or ()),
        quantity_per_month=requirement.quantity_per_month,
        tolerance_mm=requirement.tolerance_mm,
        plant_lat=requirement.plant_lat,
        plant_lon=requirement.plant_lon,
        max_distance_km=requirement.max_distance_km,
        needed_by=needed_by,
        weights=dict(requirement.match_weights) if requirement.match_weights else None,
    )


# -- suppliers ---------------------------------------------------------------------------------


def supplier_documents(
    session: Session,
    *,
    today: date,
    supplier_ids: Iterable[int] | None = None,
    rankable_only: bool = True,
) -> Iterator[SupplierDoc]:
    """Every rankable supplier (``supplier_ids=None``) or the rankable ones among the ids,
    in id order; ``rankable_only=False`` also reads those not listed in the directory
    (never merged ones). ``today`` dates the readiness assessment."""
    scope = RANKABLE if rankable_only else Supplier.merged_into_id.is_(None)
    if supplier_ids is None:
        yield from _documents(session, (), scope, scorecard_levels(session, None), today)
        return
    ids = sorted(set(supplier_ids))
    for chunk in id_chunks(ids):
        yield from _documents(session, chunk, scope, scorecard_levels(session, chunk), today)


def scorecard_levels(session: Session, supplier_ids: Sequence[int] | None) -> dict[int, float]:
    """Scorecard 0..1 of the suppliers with any history (invited, quoted or awarded)."""
    with_history = sa.union(
        sa.select(Invitation.supplier_id),
        sa.select(Quote.supplier_id),
        sa.select(Award.supplier_id),
    ).subquery()
    statement = sa.select(with_history.c[0])
    if supplier_ids is not None:
        statement = statement.where(with_history.c[0].in_(supplier_ids))
    ids = list(session.execute(statement).scalars())
    levels: dict[int, float] = {}
    for chunk in id_chunks(ids):
        for supplier_id, card in supplier_scorecards(session, chunk).items():
            if card.score is not None:
                levels[supplier_id] = card.score
    return levels


def _documents(
    session: Session,
    chunk: Sequence[int],
    scope: sa.ColumnElement[bool],
    scorecards: dict[int, float],
    today: date,
) -> Iterator[SupplierDoc]:
    def stream(columns, owner, *order, where=sa.true()):
        statement = sa.select(*columns).where(where)
        if chunk:
            statement = statement.where(owner.in_(chunk))
        statement = statement.order_by(owner, *order).execution_options(yield_per=STREAM_BATCH)
        return session.execute(statement)

    profiles = stream(_SUPPLIER_COLUMNS, Supplier.id, where=scope)
    streams = [
        profiles,
        stream(_CAPABILITY_COLUMNS, Capability.supplier_id, Capability.id),
        stream(_EQUIPMENT_COLUMNS, Equipment.supplier_id, Equipment.id),
        stream(_CERTIFICATE_COLUMNS, SupplierCertificate.supplier_id, SupplierCertificate.id),
    ]
    capabilities, equipment, certificates = (_ByOwner(rows) for rows in streams[1:])
    try:
        for profile in profiles:
            yield supplier_document(
                profile,
                capabilities.take(profile.id),
                equipment.take(profile.id),
                certificates.take(profile.id),
                scorecard=scorecards.get(profile.id),
                today=today,
            )
    finally:
        # Rows of suppliers after the last rankable one may be left: close the cursors
        # (server-side ones on PostgreSQL) rather than leave them to the collector.
        for rows in streams:
            rows.close()


class _ByOwner:
    """Rows ordered by supplier id, handed out one supplier at a time (a merge join)."""

    def __init__(self, rows: Iterable):
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, supplier_id: int) -> list:
        found = []
        while self._next is not None and self._next.supplier_id <= supplier_id:
            if self._next.supplier_id == supplier_id:
                found.append(self._next)
            self._next = next(self._rows, None)
        return found


def supplier_document(
    profile,
    capabilities: Sequence,
    equipment: Sequence,
    certificates: Sequence,
    *,
    scorecard: float | None,
    today: date,
) -> SupplierDoc:
    """One supplier's document from its rows (any objects with the column attributes)."""
    text = capability_text(profile.about, capabilities, equipment)
    tolerances = [c.best_tolerance_mm for c in capabilities if c.best_tolerance_mm is not None]
    capacities = [c.capacity_per_month for c in capabilities if c.capacity_per_month is not None]
    entered = [c for c in capabilities if c.source == PERSON_ENTERED]
    categories = dict.fromkeys([*(profile.categories or ()), *(c.category for c in entered)])
    return SupplierDoc(
        id=profile.id,
        ref=profile.external_ref or str(profile.id),
        name=profile.legal_name,
        categories=tuple(categories),
        capabilities=text,
        process_slugs=tuple(dict.fromkeys(c.process for c in entered if c.process)),
        certificates=held_certificates(certificates),
        capacity_per_month=max(capacities) if capacities else profile.capacity_per_month,
        best_tolerance_mm=min(tolerances) if tolerances else parse_tolerance_mm(text),
        lat=profile.lat,
        lon=profile.lon,
        readiness=readiness_level(profile, capabilities, certificates, today),
        scorecard=scorecard,
    )


def capability_text(about: str | None, capabilities: Sequence, equipment: Sequence) -> str:
    """The free text the engine reads: about, new capability descriptions, equipment."""
    parts = [about.strip()] if about and about.strip() else []
    for capability in capabilities:
        description = (capability.description or "").strip()
        if description and not any(description in part for part in parts):
            parts.append(description)
    machines = [_machine(item) for item in equipment if item.machine.strip()]
    if machines:
        parts.append("Equipment: " + ", ".join(machines))
    # Parts become sentences; the text as written stays as it was (the engine reads it).
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text += (" " if text.endswith(SENTENCE_ENDS) else ". ") + part
    return text


def _machine(item) -> str:
    # A full stop would end the equipment sentence early.
    name = item.machine.replace(".", " ").strip()
    return f"{item.count} {name}" if item.count and item.count > 1 else name


def held_certificates(records: Sequence) -> tuple[HeldCertificate, ...]:
    """The engine's certificates: current records in a state it knows, rejected ones out."""
    held = []
    for record in current_records(list(records)):
        if record.state not in ENGINE_STATES:
            continue
        if record.state == CertState.CERTIFIED and record.verification == Verification.REJECTED:
            continue  # a coordinator found the evidence wanting: it does not count
        held.append(
            HeldCertificate(
                code=record.code,
                status=record.state,
                valid_until=record.expires_on,
                verified=record.verification == Verification.VERIFIED,
            )
        )
    return tuple(held)


def readiness_level(profile, capabilities: Sequence, certificates: Sequence, today: date) -> float:
    """The certification feature's readiness level; 0 for a supplier with no records."""
    if not certificates:
        return 0.0  # every step pending: what ``assess`` gives, without the work
    categories = frozenset({*(profile.categories or ()), *(c.category for c in capabilities)})
    return level_from_facts(categories, record_facts(certificates, today))
