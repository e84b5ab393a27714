"""Ranking suppliers for a requirement, in the product: who may see it, what they see.

Access: the requirement's anchor users and admins rank, shortlist and set weights; the
coordinator of its cluster sees the same ranking and shortlist, read-only. Other anchors
and coordinators get 404 (the requirement does not exist for them); MSMEs get 403.

The engine (``matching.index``/``engine``) does the ranking; this module reads the
requirement afresh, takes the process's index up to date (``matching.cache``), and adds
what the page and API show beside it: each supplier's place, invitation and shortlist.

``fully_qualified`` is the one verdict "fully qualified" that every count in the product
uses. ``why_not`` says for chosen suppliers what stands between them and a requirement: the
certification roadmap's gaps (``roadmap_gaps``) and the check of a quote against the
requirement's hard constraints (``hard_constraint_lacks``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.audit.service import record_transition
from suppliermatch.dates import today_in_india
from suppliermatch.errors import Forbidden, NotFound, ValidationFailed
from suppliermatch.id_lists import id_chunks
from suppliermatch.locking import claim
from suppliermatch.matching.cache import fresh_index
from suppliermatch.matching.engine import scoring
from suppliermatch.matching.engine.concepts import default_matcher
from suppliermatch.matching.engine.constraints import (
    MIN_CAPACITY_SHARE,
    Constraint,
    Failure,
    hard_constraint_failures,
)
from suppliermatch.matching.engine.explain import process_label
from suppliermatch.matching.engine.types import FactorScore, ProcessMatch, RankedSupplier
from suppliermatch.matching.loader import RANKABLE, requirement_query, supplier_documents
from suppliermatch.matching.models import Shortlist
from suppliermatch.models_base import utcnow
from suppliermatch.reference.certificates import CertStatus, default_catalogue
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.requirements.lifecycle import as_utc
from suppliermatch.requirements.models import Invitation, Requirement
from suppliermatch.requirements.visibility import get_managed, get_overseen
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_

# The longest ranking shown (the API pages through it).
MAX_RANKED = 200
# The most a single weight may be set to; weights are relative (the score is their
# weighted mean), so this only keeps typing slips out.
MAX_WEIGHT = 1.0
# A certificate held in one of these states, but not counting, is renewed rather than
# obtained from scratch.
RENEWABLE_STATUSES = frozenset({CertStatus.CERTIFIED, CertStatus.EXPIRED, CertStatus.SUSPENDED})


# -- who may do what -----------------------------------------------------------------------------


def overseen_requirement(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    """A requirement whose ranking the actor may see: 403 for MSMEs, 404 for outsiders."""
    if actor.kind == ActorKind.MSME:
        raise Forbidden("Supplier rankings are for the buyer and the cluster coordinator.")
    if not actor.is_authenticated:
        raise NotFound("No such requirement.")
    return get_overseen(session, actor, requirement_id)


def managed_requirement(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    """A requirement whose shortlist and weights the actor may change (the anchor's users)."""
    overseen_requirement(session, actor, requirement_id)
    return get_managed(session, actor, requirement_id)


# -- ranking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchItem:
    """One supplier in a ranking (or, with ``failures``, left out of it)."""

    supplier_id: int
    supplier_name: str
    district: str | None
    state: str | None
    rank: int
    score: float
    match: str
    matched_process: str | None
    matched_process_name: str | None
    matched_phrase: str
    fully_qualified: bool
    factors: tuple[FactorScore, ...]
    reasons: tuple[str, ...]
    failures: tuple[str, ...]
    invitation_status: str | None
    shortlisted: bool
    # "approved by this anchor for <part> (<category>)": the anchor's approved-supplier list
    # (qualification), shown beside the ranking; it does not move the score.
    approved_by_anchor: str | None = None


@dataclass(frozen=True)
class RequirementMatches:
    requirement: Requirement
    process: str | None
    process_name: str | None
    process_phrase: str
    related_processes: tuple[str, ...]
    notes: tuple[str, ...]
    weights: dict[str, float]
    candidates: int
    items: list[MatchItem]
    excluded: list[MatchItem]
    # Every fully qualified supplier (``fully_qualified``), not only those in ``items``.
    fully_qualified: frozenset[int] = frozenset()

    @property
    def fully_qualified_total(self) -> int:
        return len(self.fully_qualified)

    @property
    def qualified_otherwise(self) -> int:
        """Ranked suppliers meeting every hard constraint through a related process, the
        category or text only."""
        return sum(1 for item in self.items if not item.fully_qualified)


def rank_requirement(
    session: Session,
    requirement_id: int,
    *,
    actor: Actor,
    limit: int = 100,
    explain_top: int = 50,
    include_excluded: bool = False,
    today: date | None = None,
    approved_only: bool = False,
) -> RequirementMatches:
    """Suppliers for a requirement, best first, with scores, factors and reasons.

    Suppliers failing a hard constraint are never in ``items``; with ``include_excluded``
    those offering the process (or a related one) are in ``excluded`` with what they fail.
    Certificates must count on the needed-by date and on ``today`` (default: today in
    India), so a certificate that lapsed since a past needed-by date does not count.
    """
    requirement = overseen_requirement(session, actor, requirement_id)
    today = today or today_in_india()
    index = fresh_index(session)
    result = index.rank(
        requirement_query(requirement, today=today),
        limit=min(limit, MAX_RANKED),
        explain_top=explain_top,
        include_excluded=include_excluded,
        today=today,
    )
    ranked = [*result.ranked, *result.excluded]
    suppliers = _suppliers(session, [item.supplier_id for item in ranked])
    qualified = frozenset(result.fully_qualified)
    invited = dict(
        session.execute(
            select(Invitation.supplier_id, Invitation.status).where(
                Invitation.requirement_id == requirement.id
            )
        ).all()
    )
    shortlisted = set(
        session.execute(
            select(Shortlist.supplier_id).where(Shortlist.requirement_id == requirement.id)
        ).scalars()
    )

    from suppliermatch.qualification.service import approvals_text

    approved = approvals_text(session, anchor_id=requirement.anchor_id, supplier_ids=suppliers)

    def items(found: Iterable[RankedSupplier]) -> list[MatchItem]:
        return [
            replace(
                _item(entry, suppliers[entry.supplier_id], invited, shortlisted, qualified),
                approved_by_anchor=approved.get(entry.supplier_id),
            )
            for entry in found
            if entry.supplier_id in suppliers
            and (not approved_only or entry.supplier_id in approved)
        ]

    taxonomy = index.taxonomy
    return RequirementMatches(
        requirement=requirement,
        process=result.process,
        process_name=taxonomy.process(result.process).name if result.process else None,
        process_phrase=result.process_phrase,
        related_processes=tuple(taxonomy.process(p).name for p in result.related_processes),
        notes=result.notes,
        weights=scoring.resolve_weights(requirement.match_weights),
        candidates=result.candidates,
        items=items(result.ranked),
        excluded=items(result.excluded),
        fully_qualified=qualified,
    )


def fully_qualified(
    session: Session, requirements: Iterable[Requirement], *, today: date | None = None
) -> dict[int, frozenset[int]]:
    """{requirement id: the suppliers fully qualified for it}: the one verdict behind every
    count of qualified suppliers (dashboard, roadmap, ranking page and API, match report,
    their CSVs). Fully qualified: listed in the directory, offers the requested process
    itself (not only a related one or the category) and meets every hard constraint on the
    needed-by date and today, as the engine ranks them; no cap on how many. Access is the
    caller's business."""
    today = today or today_in_india()
    index = fresh_index(session)
    return {
        requirement.id: frozenset(
            index.rank(
                requirement_query(requirement, today=today), limit=0, explain_top=0, today=today
            ).fully_qualified
        )
        for requirement in requirements
    }


def one_certificate_away(
    session: Session,
    requirements: Iterable[Requirement],
    *,
    today: date | None = None,
    qualified: Mapping[int, frozenset[int]] | None = None,
) -> dict[int, dict[str, frozenset[int]]]:
    """{requirement id: {certificate code: the suppliers that one certificate alone keeps
    from being fully qualified}}: the roadmap's "one certificate away" (``roadmap_gaps``
    with a single certificate gap), by the same engine verdict as ``fully_qualified``.

    A supplier lacks only ``code`` exactly when it is fully qualified for the requirement
    without ``code`` among its required certificates and not with it; asking the index so
    (one ranking a required code) spares reading every supplier of the cluster from the
    database. Unlisted suppliers are never one certificate away: they lack a listing too,
    and the index holds listed suppliers only. ``qualified`` is ``fully_qualified`` for the
    requirements, when the caller has it."""
    today = today or today_in_india()
    requirements = list(requirements)
    if qualified is None:
        qualified = fully_qualified(session, requirements, today=today)
    index = fresh_index(session)
    found: dict[int, dict[str, frozenset[int]]] = {}
    for requirement in requirements:
        query = requirement_query(requirement, today=today)
        away = {}
        for code in dict.fromkeys(query.required_certs):
            without = dataclasses.replace(
                query, required_certs=tuple(c for c in query.required_certs if c != code)
            )
            result = index.rank(without, limit=0, explain_top=0, today=today)
            lacking = frozenset(result.fully_qualified) - qualified[requirement.id]
            if lacking:
                away[code] = lacking
        found[requirement.id] = away
    return found


def _suppliers(session: Session, ids: list[int]) -> dict[int, sa.Row]:
    """Name and place of the ranked suppliers (rankable ones only)."""
    found: dict[int, sa.Row] = {}
    columns = (Supplier.id, Supplier.legal_name, Supplier.district, Supplier.state)
    for chunk in id_chunks(ids):
        for row in session.execute(sa.select(*columns).where(Supplier.id.in_(chunk), RANKABLE)):
            found[row.id] = row
    return found


def _item(
    entry: RankedSupplier,
    supplier: sa.Row,
    invited: Mapping[int, str],
    shortlisted: set[int],
    qualified: frozenset[int],
) -> MatchItem:
    process = entry.matched_process
    return MatchItem(
        supplier_id=supplier.id,
        supplier_name=supplier.legal_name,
        district=supplier.district,
        state=supplier.state,
        rank=entry.rank,
        score=entry.score,
        match=entry.match.value,
        matched_process=process,
        matched_process_name=process_label(default_taxonomy(), process) if process else None,
        matched_phrase=entry.matched_phrase,
        fully_qualified=supplier.id in qualified,
        factors=entry.factors,
        reasons=entry.reasons,
        failures=entry.failures,
        invitation_status=invited.get(supplier.id),
        shortlisted=supplier.id in shortlisted,
    )


# -- weights ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchWeights:
    defaults: dict[str, float]
    overrides: dict[str, float]
    effective: dict[str, float]
    # With these weights, meeting one more of the buyer's main needs (preferred
    # certificates, full quantity, distance) still always ranks a supplier higher.
    more_met_always_wins: bool
    version: int


def match_weights(session: Session, requirement_id: int, *, actor: Actor) -> MatchWeights:
    return _weights_of(overseen_requirement(session, actor, requirement_id))


def set_match_weights(
    session: Session,
    requirement_id: int,
    *,
    actor: Actor,
    weights: Mapping[str, float],
    version: int,
) -> MatchWeights:
    """Replace the requirement's weight overrides (``{}`` goes back to the defaults)."""
    requirement = managed_requirement(session, actor, requirement_id)
    overrides = check_weights(weights)
    claim(
        session,
        requirement,
        what="requirement",
        version=version,
        values={"match_weights": overrides or None, "updated_at": utcnow()},
    )
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type="requirement",
        entity_id=requirement.id,
        action="match_weights_changed",
        details={"fields": sorted(overrides)},
    )
    return _weights_of(requirement)


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weight overrides as stored, or ValidationFailed naming each bad weight."""
    errors = {}
    for name, value in weights.items():
        if name not in scoring.DEFAULT_WEIGHTS:
            errors[name] = [
                N_("unknown weight; known: %(known)s", known=", ".join(scoring.DEFAULT_WEIGHTS))
            ]
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errors[name] = [N_("must be a number")]
        elif not 0 <= value <= MAX_WEIGHT:
            errors[name] = [N_("must be between 0 and %(most)s", most=f"{MAX_WEIGHT:g}")]
    if errors:
        raise ValidationFailed("Some weights are not valid.", errors=errors)
    overrides = {name: float(value) for name, value in weights.items()}
    try:
        scoring.resolve_weights(overrides)
    except scoring.WeightError as error:
        raise ValidationFailed(str(error), field="weights") from None
    return overrides


def _weights_of(requirement: Requirement) -> MatchWeights:
    overrides = dict(requirement.match_weights or {})
    effective = scoring.resolve_weights(overrides)
    return MatchWeights(
        defaults=dict(scoring.DEFAULT_WEIGHTS),
        overrides=overrides,
        effective=effective,
        more_met_always_wins=scoring.more_met_always_wins(effective),
        version=requirement.version,
    )


# -- shortlist ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShortlistEntry:
    supplier_id: int
    supplier_name: str
    note: str | None
    added_by_id: int | None
    created_at: datetime


def shortlist(session: Session, requirement_id: int, *, actor: Actor) -> list[ShortlistEntry]:
    requirement = overseen_requirement(session, actor, requirement_id)
    rows = session.execute(
        select(Shortlist, Supplier.legal_name)
        .join(Supplier, Supplier.id == Shortlist.supplier_id)
        .where(Shortlist.requirement_id == requirement.id)
        .order_by(Shortlist.created_at, Shortlist.id)
    ).all()
    return [
        ShortlistEntry(
            entry.supplier_id, name, entry.note, entry.added_by_id, as_utc(entry.created_at)
        )
        for entry, name in rows
    ]


def add_to_shortlist(
    session: Session,
    requirement_id: int,
    *,
    actor: Actor,
    supplier_id: int,
    note: str | None = None,
) -> tuple[Shortlist, bool]:
    """Put a supplier on the shortlist; returns (entry, created). Adding twice is harmless."""
    requirement = managed_requirement(session, actor, requirement_id)
    rankable = session.scalar(select(Supplier.id).where(Supplier.id == supplier_id, RANKABLE))
    if rankable is None:
        raise ValidationFailed(
            N_("No supplier with id %(id)s.", id=supplier_id), field="supplier_id"
        )
    existing = session.exec(
        select(Shortlist).where(
            Shortlist.requirement_id == requirement.id, Shortlist.supplier_id == supplier_id
        )
    ).first()
    if existing is not None:
        return existing, False
    entry = Shortlist(
        requirement_id=requirement.id, supplier_id=supplier_id, added_by_id=actor.user_id, note=note
    )
    session.add(entry)
    session.flush()
    return entry, True


def remove_from_shortlist(
    session: Session, requirement_id: int, supplier_id: int, *, actor: Actor
) -> None:
    """Take a supplier off the shortlist (one not on it is already off: nothing to do)."""
    requirement = managed_requirement(session, actor, requirement_id)
    session.execute(
        sa.delete(Shortlist)
        .where(Shortlist.requirement_id == requirement.id, Shortlist.supplier_id == supplier_id)
        .execution_options(synchronize_session=False)
    )


# -- why not ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhyNot:
    """What stands between one supplier and one requirement.

    ``offers``: the supplier offers the requested process (``exact``) or a closely related
    one (``related``), or neither (None: not a candidate at all). ``failures``: the hard
    constraints it fails, in words; ``missing_certificates``: the required codes behind
    the certificate failures. A candidate with no failures would be ranked.
    """

    supplier_id: int
    offers: ProcessMatch | None
    failures: tuple[Failure, ...]
    missing_certificates: tuple[str, ...]
    renewable_certificates: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return self.offers is not None and not self.failures


def why_not(
    session: Session,
    requirement: Requirement,
    supplier_ids: Iterable[int],
    *,
    today: date | None = None,
) -> dict[int, WhyNot]:
    """For each supplier (merged ones left out): does it offer the requirement's process,
    and which hard constraints does it fail. Access is the caller's business."""
    today = today or today_in_india()
    documents = list(
        supplier_documents(session, today=today, supplier_ids=supplier_ids, rankable_only=False)
    )
    return _verdicts(requirement, documents, today)


def _offered_processes(documents: list) -> dict[int, set[str]]:
    """The processes each supplier offers, as the index reads them (text and declared)."""
    matcher = default_matcher()
    return {d.id: {*matcher.read_for_index(d.capabilities)[0], *d.process_slugs} for d in documents}


def _verdicts(
    requirement: Requirement,
    documents: list,
    today: date,
    offered_by: dict[int, set[str]] | None = None,
) -> dict[int, WhyNot]:
    query = requirement_query(requirement, today=today)
    taxonomy, catalogue = default_taxonomy(), default_catalogue()
    process = requested_process(requirement, query)
    related = taxonomy.related(process) if process else frozenset()
    offered_by = offered_by if offered_by is not None else _offered_processes(documents)
    found: dict[int, WhyNot] = {}
    for document in documents:
        offered = offered_by[document.id]
        offers = None
        if process in offered:
            offers = ProcessMatch.EXACT
        elif offered & related:
            offers = ProcessMatch.RELATED
        failures = hard_constraint_failures(
            certificates=document.certificates,
            capacity_per_month=document.capacity_per_month,
            best_tolerance_mm=document.best_tolerance_mm,
            query=query,
            catalogue=catalogue,
            today=today,
        )
        missing = [f.code for f in failures if f.constraint == Constraint.CERTIFICATE]
        renewable = [
            code
            for code in missing
            if any(
                catalogue.satisfies(c.code, code) and c.status in RENEWABLE_STATUSES
                for c in document.certificates
            )
        ]
        found[document.id] = WhyNot(
            document.id, offers, tuple(failures), tuple(missing), tuple(renewable)
        )
    return found


def requested_process(requirement: Requirement, query=None) -> str | None:
    """The process the engine reads the requirement as (its own, else from its words)."""
    query = query or requirement_query(requirement)
    if query.process_slug:
        return query.process_slug
    return (
        default_matcher().find_in_requirement(query.title, query.description, query.category)
    ).process


def hard_constraint_lacks(
    session: Session, requirement: Requirement, supplier_ids: Iterable[int], *, today=None
) -> dict[int, tuple[str, ...]]:
    """{supplier id: the hard constraints of the requirement it fails, in words} (empty when
    it meets them all), by the engine's rule. For quotes: suppliers not listed in the
    directory are checked too. Access is the caller's business."""
    verdicts = why_not(session, requirement, supplier_ids, today=today)
    return {i: tuple(f.message for f in verdict.failures) for i, verdict in verdicts.items()}


def _wanted(constraint: Constraint, requirement: Requirement) -> str:
    """What would meet a tolerance or capacity constraint, as a roadmap step names it."""
    if constraint == Constraint.TOLERANCE:
        return f"a tolerance of {requirement.tolerance_mm:g} mm or finer"
    share = MIN_CAPACITY_SHARE * requirement.quantity_per_month
    return f"capacity for {share:,.0f} a month"


# What stands in the way when a supplier meets every hard constraint and offers the
# process, but is not ranked: it is not listed in the supplier directory.
LISTING_GAP = ("listing", "a listing in the supplier directory", "publish")


def roadmap_gaps(
    session: Session,
    suppliers: list,
    requirements: list,
    today: date,
    *,
    qualified: Mapping[int, frozenset[int]] | None = None,
) -> dict:
    """The certification roadmap's gaps, from the matching engine: for each pair where the
    supplier offers the requested process or a related one, what stands between it and
    being fully qualified (``fully_qualified``): an empty tuple when it is; otherwise the
    process to offer (for a related-process supplier), each certificate to obtain or renew,
    the tolerance or capacity to reach, and a directory listing for an unlisted supplier.
    ``qualified`` is ``fully_qualified`` for the requirements, when the caller has it."""
    from suppliermatch.certification.roadmap import Gap

    if qualified is None:
        qualified = fully_qualified(session, requirements, today=today)
    documents = list(
        supplier_documents(
            session, today=today, supplier_ids=[s.id for s in suppliers], rankable_only=False
        )
    )
    listed = _suppliers(session, [s.id for s in suppliers])
    offered_by = _offered_processes(documents)
    taxonomy = default_taxonomy()
    found: dict[tuple[int, int], tuple] = {}
    for requirement in requirements:
        process = requested_process(requirement)
        for supplier_id, verdict in _verdicts(requirement, documents, today, offered_by).items():
            if supplier_id in qualified[requirement.id]:
                found[(supplier_id, requirement.id)] = ()
                continue
            if verdict.offers is None:
                continue
            gaps = []
            if verdict.offers != ProcessMatch.EXACT:
                gaps.append(Gap("process", f"offering {process_label(taxonomy, process)}", "offer"))
            gaps.extend(
                Gap(
                    "certificate",
                    code,
                    "renew" if code in verdict.renewable_certificates else "obtain",
                )
                for code in verdict.missing_certificates
            )
            gaps.extend(
                Gap(failure.constraint.value, _wanted(failure.constraint, requirement), "improve")
                for failure in verdict.failures
                if failure.constraint != Constraint.CERTIFICATE
            )
            if supplier_id not in listed:
                gaps.append(Gap(*LISTING_GAP))
            found[(supplier_id, requirement.id)] = tuple(gaps)
    return found
