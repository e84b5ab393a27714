"""Duplicate review: flag likely re-registrations, then a coordinator merges or dismisses.

``scan_for_duplicates`` runs the detector (``suppliers.duplicates.detector``) over one
cluster or the whole platform and keeps each flagged pair as a DuplicateCandidate with its evidence.
A dismissed pair stays dismissed when the scan runs again.

Merging keeps one supplier and retires the other (``merged_into_id``): every row that
points at the retired supplier (capabilities, equipment, certificates, invitations,
quotes, awards, and whatever else a feature adds) is re-pointed at the kept one, found
from the schema's foreign keys rather than a list that could fall behind. A row that
cannot move because the kept supplier has its own for the same thing (two quotes on one
requirement) stays with the retired record, which remains readable, and the merge says
so. Fields the kept profile lacks are filled from the other.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from suppliermatch.access import Actor
from suppliermatch.audit.service import record_transition
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.id_lists import id_chunks
from suppliermatch.models_base import utcnow
from suppliermatch.suppliers.duplicates.detector import (
    REVIEW_SCORE,
    SupplierRecord,
    find_duplicates,
)
from suppliermatch.suppliers.models import DuplicateCandidate, Supplier
from suppliermatch.suppliers.profiles import service
from suppliermatch.translatable import N_, marked


class CandidateStatus:
    OPEN = "open"
    MERGED = "merged"
    DISMISSED = "dismissed"


# Filled from the other profile when the kept one has no value.
MERGE_FILLED_FIELDS = (*service.EDITABLE_FIELDS, "pan", "enterprise_class")
# Unique per supplier: moved only once the retired profile has let go of them.
_UNIQUE_FIELDS = ("gstin", "udyam_number", "organisation_id")


@dataclass
class ScanResult:
    suppliers: int
    pairs: int
    new: int
    seconds: float


@dataclass
class MergeResult:
    kept: Supplier
    retired: Supplier
    moved: dict[str, int] = field(default_factory=dict)
    stayed: dict[str, int] = field(default_factory=dict)


# -- scanning ----------------------------------------------------------------------------


def scan_for_duplicates(
    session: Session,
    *,
    cluster_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Flag likely duplicate pairs among live suppliers of a cluster (or all).
    ``progress`` hears (suppliers compared, suppliers) when they are read and when done."""
    started = time.perf_counter()
    statement = select(
        Supplier.id,
        Supplier.legal_name,
        Supplier.gstin,
        Supplier.pan,
        Supplier.udyam_number,
        Supplier.pincode,
        Supplier.district,
        Supplier.state,
        Supplier.email,
        Supplier.phone,
    ).where(Supplier.merged_into_id.is_(None))
    if cluster_id is not None:
        statement = statement.where(Supplier.cluster_id == cluster_id)
    records = [
        SupplierRecord(
            id=row[0],
            name=row[1],
            gstin=row[2],
            pan=row[3],
            udyam=row[4],
            pincode=row[5],
            district=row[6],
            state=row[7],
            email=row[8],
            phone=row[9],
        )
        for row in session.execute(statement)
    ]
    tell = progress or (lambda done, total: None)
    tell(0, len(records))
    pairs = find_duplicates(records, min_score=REVIEW_SCORE)
    tell(len(records), len(records))
    known = {
        (c.supplier_id, c.other_supplier_id): c
        for c in _candidates_among(session, [r.id for r in records])
    }
    new = 0
    for pair in pairs:
        low, high = sorted((pair.first_id, pair.second_id))
        candidate = known.get((low, high))
        if candidate is None:
            session.add(
                DuplicateCandidate(
                    supplier_id=low,
                    other_supplier_id=high,
                    score=pair.score,
                    evidence=list(pair.evidence),
                )
            )
            new += 1
        elif candidate.status == CandidateStatus.OPEN:
            candidate.score, candidate.evidence = pair.score, list(pair.evidence)
    session.flush()
    return ScanResult(len(records), len(pairs), new, round(time.perf_counter() - started, 2))


def _candidates_among(session: Session, ids: list[int]) -> Iterator[DuplicateCandidate]:
    for chunk in id_chunks(ids):
        yield from session.exec(
            select(DuplicateCandidate).where(DuplicateCandidate.supplier_id.in_(chunk))
        )


# -- what a coordinator sees --------------------------------------------------------------


def _visible_clause(actor: Actor):
    """Pairs whose two suppliers both lie within what the actor coordinates."""
    if actor.is_admin:
        return sa.true()
    if not actor.coordinates(actor.cluster_id) or actor.cluster_id is None:
        raise Forbidden("Only cluster coordinators and admins review duplicates.")
    first = sa.orm.aliased(Supplier)
    second = sa.orm.aliased(Supplier)
    in_cluster = (
        select(first.id)
        .join(second, second.id == DuplicateCandidate.other_supplier_id)
        .where(
            first.id == DuplicateCandidate.supplier_id,
            first.cluster_id == actor.cluster_id,
            second.cluster_id == actor.cluster_id,
        )
        .exists()
    )
    return in_cluster


def candidates_statement(actor: Actor, *, status: str = CandidateStatus.OPEN):
    """The pairs the actor may review, highest score first."""
    return (
        select(DuplicateCandidate)
        .where(_visible_clause(actor), DuplicateCandidate.status == status)
        .order_by(DuplicateCandidate.score.desc(), DuplicateCandidate.id)
    )


def get_candidate_for(session: Session, actor: Actor, candidate_id: int) -> DuplicateCandidate:
    candidate = session.exec(
        select(DuplicateCandidate).where(
            DuplicateCandidate.id == candidate_id, _visible_clause(actor)
        )
    ).first()
    if candidate is None:
        raise NotFound("No such duplicate pair.")
    return candidate


def candidate_view(session: Session, candidate: DuplicateCandidate) -> dict:
    """A pair with both profiles side by side, for the review page and the API."""
    return {
        **candidate.model_dump(),
        "supplier": session.get(Supplier, candidate.supplier_id),
        "other_supplier": session.get(Supplier, candidate.other_supplier_id),
    }


# -- decisions ----------------------------------------------------------------------------


def dismiss_candidate(session: Session, actor: Actor, candidate_id: int) -> DuplicateCandidate:
    """Not the same enterprise: the pair is not flagged again."""
    candidate = _open_candidate(session, actor, candidate_id)
    _decide(candidate, actor, CandidateStatus.DISMISSED)
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type="duplicate_candidate",
        entity_id=candidate.id,
        action="dismissed",
        from_state=CandidateStatus.OPEN,
        to_state=CandidateStatus.DISMISSED,
    )
    session.flush()
    return candidate


def merge_candidate(
    session: Session, actor: Actor, candidate_id: int, *, keep_id: int
) -> MergeResult:
    """The same enterprise: keep ``keep_id`` (one of the pair) and retire the other."""
    candidate = _open_candidate(session, actor, candidate_id)
    pair = (candidate.supplier_id, candidate.other_supplier_id)
    if keep_id not in pair:
        raise ValidationFailed("Keep one of the two suppliers of this pair.", field="keep_id")
    drop_id = pair[1] if keep_id == pair[0] else pair[0]
    keep, drop = session.get(Supplier, keep_id), session.get(Supplier, drop_id)
    # Decided first, so that re-pointing the retired supplier's other pairs leaves it be.
    _decide(candidate, actor, CandidateStatus.MERGED)
    session.flush()
    return merge_suppliers(session, keep=keep, drop=drop, actor_user_id=actor.user_id)


def _open_candidate(session: Session, actor: Actor, candidate_id: int) -> DuplicateCandidate:
    candidate = get_candidate_for(session, actor, candidate_id)
    if candidate.status != CandidateStatus.OPEN:
        raise Conflict(N_("This pair was already %(status)s.", status=marked(candidate.status)))
    return candidate


def _decide(candidate: DuplicateCandidate, actor: Actor, status: str) -> None:
    candidate.status = status
    candidate.decided_by_id = actor.user_id
    candidate.decided_at = utcnow()


def merge_suppliers(
    session: Session, *, keep: Supplier, drop: Supplier, actor_user_id: int | None
) -> MergeResult:
    """Move everything of ``drop`` onto ``keep`` and retire ``drop``."""
    if keep.id == drop.id:
        raise ValidationFailed("A supplier cannot be merged into itself.", field="keep_id")
    for supplier in (keep, drop):
        if supplier.merged_into_id is not None:
            raise Conflict(N_("Supplier %(id)s was already merged into another.", id=supplier.id))
    if keep.organisation_id and drop.organisation_id:
        raise Conflict(
            "Both profiles belong to signed-up MSME accounts; an admin must combine the "
            "accounts before the profiles can be merged."
        )
    result = MergeResult(kept=keep, retired=drop)
    filled = {
        name: getattr(drop, name)
        for name in (*MERGE_FILLED_FIELDS, "organisation_id")
        if getattr(keep, name) in (None, "", []) and getattr(drop, name) not in (None, "", [])
    }
    if keep.categories or drop.categories:
        filled["categories"] = list(dict.fromkeys([*keep.categories, *drop.categories]))
    for name in _UNIQUE_FIELDS:
        if name in filled:
            setattr(drop, name, None)
    session.flush()
    for name, value in filled.items():
        setattr(keep, name, value)
    drop.merged_into_id = keep.id
    drop.is_public = False
    drop.version += 1
    keep.version += 1
    keep.updated_at = drop.updated_at = utcnow()
    session.flush()
    for table, column in _references_to_suppliers():
        moved, stayed = _repoint(session, table, column, drop.id, keep.id)
        if moved:
            result.moved[table.name] = result.moved.get(table.name, 0) + moved
        if stayed:
            result.stayed[table.name] = result.stayed.get(table.name, 0) + stayed
    _repoint_other_candidates(session, drop.id, keep.id)
    session.expire_all()
    service.refresh_search_text(session, session.get(Supplier, keep.id))
    record_transition(
        session,
        actor_user_id=actor_user_id,
        entity_type="supplier",
        entity_id=drop.id,
        action="merged",
        from_state="active",
        to_state="merged",
        note=f"merged into supplier {keep.id}",
        details={"kept": keep.id, "moved": result.moved, "stayed": result.stayed},
    )
    session.flush()
    return result


def _references_to_suppliers() -> Iterator[tuple[sa.Table, sa.Column]]:
    """Every (table, column) with a foreign key to supplier.id, except the pair records
    and the supplier table itself (its merged_into_id must keep pointing at the past)."""
    skip = {Supplier.__tablename__, DuplicateCandidate.__tablename__}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in skip:
            continue
        for column in table.columns:
            if any(fk.column.table.name == Supplier.__tablename__ for fk in column.foreign_keys):
                yield table, column


def _repoint(session: Session, table: sa.Table, column: sa.Column, old: int, new: int):
    """Move rows from ``old`` to ``new`` unless a unique constraint forbids it."""
    clashes = []
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and column.name in constraint.columns:
            other = table.alias()
            same = [other.c[column.name] == new]
            same += [other.c[c.name] == c for c in constraint.columns if c.name != column.name]
            clashes.append(select(other.c[column.name]).where(*same).exists())
    if column.unique:
        clashes.append(select(table.c[column.name]).where(table.c[column.name] == new).exists())
    statement = (
        sa.update(table)
        .where(column == old, *(~clash for clash in clashes))
        .values({column.name: new})
    )
    moved = session.execute(statement).rowcount
    stayed = session.scalar(select(sa.func.count()).select_from(table).where(column == old))
    return moved, stayed


def _repoint_other_candidates(session: Session, old: int, new: int) -> None:
    """Open pairs that named the retired supplier now name the kept one."""
    involving = session.exec(
        select(DuplicateCandidate).where(
            sa.or_(
                DuplicateCandidate.supplier_id == old,
                DuplicateCandidate.other_supplier_id == old,
            ),
            DuplicateCandidate.status == CandidateStatus.OPEN,
        )
    ).all()
    for candidate in involving:
        other = (
            candidate.other_supplier_id if candidate.supplier_id == old else candidate.supplier_id
        )
        low, high = sorted((other, new))
        exists = session.exec(
            select(DuplicateCandidate.id).where(
                DuplicateCandidate.supplier_id == low, DuplicateCandidate.other_supplier_id == high
            )
        ).first()
        if other == new or exists is not None:
            session.delete(candidate)
        else:
            candidate.supplier_id, candidate.other_supplier_id = low, high
    session.flush()
