"""The cluster dashboard's numbers: who is in the cluster, what is asked for, what is missing.

Everything here is read-only and computed for a ``Scope`` (one cluster, or all of them for
an admin). Readiness and the "which certificate would unlock most demand" list come from
the certification feature (``readiness.assess``, ``roadmap.cluster_roadmap``); whether a
supplier is fully qualified for a requirement is the matching engine's verdict
(``matching.service.fully_qualified``), as on every other page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from suppliermatch.access import Actor
from suppliermatch.accounts.models import Organisation
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.readiness import (
    RENEWAL_WINDOW,
    StepStatus,
    assess,
    default_tracks,
    records_by_supplier,
    supplier_categories,
)
from suppliermatch.certification.roadmap import CertificateDemand, cluster_roadmap
from suppliermatch.certification.service import CertState, Verification, renewed_ids
from suppliermatch.matching.service import fully_qualified
from suppliermatch.reference.certificates import counts_on, default_catalogue
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.reports.service import Scope, in_scope
from suppliermatch.reports.units import normalise
from suppliermatch.requirements.lifecycle import Status, as_utc, effective_status, now_utc
from suppliermatch.requirements.models import Requirement
from suppliermatch.suppliers.models import Capability, Supplier

# Issue 7: an open requirement with fewer fully qualified suppliers than this is flagged
# (fewer than three cannot make a competitive set of quotes).
THIN_COVERAGE = 3
# Certificates expiring within this window are listed: the same window in which the
# readiness checklist tells the MSME to renew.
EXPIRY_WINDOW: timedelta = RENEWAL_WINDOW
ENTERPRISE_CLASSES = ("micro", "small", "medium", "large")
UNCLASSIFIED = "not classified"
UNKNOWN_PLACE = "not given"


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class PlaceCount:
    state: str
    district: str
    count: int


@dataclass(frozen=True)
class CoverageRow:
    """One open requirement and how many suppliers could take it today."""

    requirement_id: int
    title: str
    anchor: str
    cluster_id: int | None
    category: str | None
    process: str | None
    quantity_per_month: float | None
    quantity_unit: str | None
    needed_by: date | None
    quote_deadline: datetime | None
    qualified: int
    # Suppliers one certificate away, by that certificate's code (from the roadmap).
    one_away: dict[str, int] = field(default_factory=dict)

    @property
    def thin(self) -> bool:
        return self.qualified < THIN_COVERAGE


@dataclass
class SupplyRow:
    """Open demand against the capacity of the suppliers qualified for it, in one unit."""

    category: str | None
    process: str | None
    unit: str
    demand: float = 0.0
    supply: float = 0.0
    requirements: int = 0
    suppliers: set[int] = field(default_factory=set)
    # Units the qualified suppliers state their capacity in that cannot be set against
    # this demand (tests against lots): the supply is then unknown, not zero.
    other_units: set[str] = field(default_factory=set)

    @property
    def comparable(self) -> bool:
        return self.supply > 0 or not self.other_units

    @property
    def shortfall(self) -> float:
        return max(self.demand - self.supply, 0.0)

    @property
    def covered_share(self) -> float:
        return min(self.supply / self.demand, 1.0) if self.demand else 1.0


@dataclass(frozen=True)
class Unlock:
    """A certificate and the open demand it would open up (from the cluster roadmap)."""

    code: str
    name: str
    requirements: int
    unserved: int
    suppliers: int
    volume: dict[str, float]


@dataclass
class StepFunnel:
    code: str
    name: str
    in_scope: int = 0
    planned: int = 0
    certified: int = 0
    verified: int = 0


@dataclass
class TrackFunnel:
    """Suppliers of a readiness track: in scope -> started -> certified -> verified.

    A supplier counts as started once it has a step under way or held, certified once it
    holds a valid certificate of the track, verified once a coordinator has checked one
    against its evidence. Each stage is a subset of the one before.
    """

    slug: str
    name: str
    in_scope: int = 0
    planned: int = 0
    certified: int = 0
    verified: int = 0
    steps: list[StepFunnel] = field(default_factory=list)

    @property
    def stages(self) -> list[tuple[str, int]]:
        return [
            ("In scope", self.in_scope),
            ("Planned or started", self.planned),
            ("Certified", self.certified),
            ("Verified", self.verified),
        ]


@dataclass(frozen=True)
class ExpiringCertificate:
    certificate_id: int
    supplier_id: int
    supplier_name: str
    code: str
    name: str
    expires_on: date
    days_left: int
    verified: bool
    # The state of a renewal record already under way, if any.
    renewal_state: str | None


@dataclass
class Dashboard:
    scope: Scope
    today: date
    suppliers: int
    by_category: list[Count]
    by_place: list[PlaceCount]
    by_class: list[Count]
    by_status: list[Count]
    coverage: list[CoverageRow]
    supply: list[SupplyRow]
    unlocks: list[Unlock]
    funnels: list[TrackFunnel]
    expiring: list[ExpiringCertificate]

    @property
    def open_requirements(self) -> int:
        return len(self.coverage)

    @property
    def thin(self) -> list[CoverageRow]:
        return [row for row in self.coverage if row.thin]

    @property
    def unserved(self) -> list[CoverageRow]:
        return [row for row in self.coverage if row.qualified == 0]


def build_dashboard(
    session: Session, actor: Actor, scope: Scope, *, today: date, now: datetime | None = None
) -> Dashboard:
    """Every number of the dashboard for ``scope`` (which ``actor`` may see, see
    ``service.dashboard_scope``), as of ``today`` (Indian calendar)."""
    moment = now_utc(now)
    suppliers = _suppliers(session, scope)
    supplier_ids = [s.id for s in suppliers]
    categories = supplier_categories(session, supplier_ids)
    records = records_by_supplier(session, supplier_ids)
    requirements = _requirements(session, scope)
    open_requirements = [r for r in requirements if effective_status(r, moment) == Status.PUBLISHED]
    qualified = fully_qualified(session, open_requirements, today=today)
    one_away, unlocks = _roadmaps(session, scope, today=today)
    return Dashboard(
        scope=scope,
        today=today,
        suppliers=len(suppliers),
        by_category=_by_category(categories),
        by_place=_by_place(suppliers),
        by_class=_by_class(suppliers),
        by_status=_by_status(requirements, moment),
        coverage=_coverage(session, open_requirements, qualified, one_away),
        supply=_supply(session, open_requirements, qualified),
        unlocks=unlocks,
        funnels=_funnels(supplier_ids, categories, records, today=today),
        expiring=_expiring(session, suppliers, records, today=today),
    )


# ---------------------------------------------------------------- who and what


def _suppliers(session: Session, scope: Scope) -> list[Supplier]:
    statement = (
        select(Supplier)
        .where(col(Supplier.merged_into_id).is_(None), in_scope(Supplier.cluster_id, scope))
        .order_by(Supplier.id)
    )
    return list(session.exec(statement))


def _requirements(session: Session, scope: Scope) -> list[Requirement]:
    statement = (
        select(Requirement)
        .where(in_scope(Requirement.cluster_id, scope))
        .order_by(Requirement.needed_by, Requirement.id)
    )
    return list(session.exec(statement))


def _by_category(categories: dict[int, set[str]]) -> list[Count]:
    """Suppliers per category; one offering two categories counts in both."""
    taxonomy = default_taxonomy()
    counts = Counter(slug for found in categories.values() for slug in found)
    rows = [
        Count(slug, category_name(slug), counts.get(slug, 0))
        for slug in [c.slug for c in taxonomy.categories]
    ]
    rows += [Count(slug, slug, n) for slug, n in counts.items() if not taxonomy.has_category(slug)]
    return sorted(rows, key=lambda c: (-c.count, c.label))


def _by_place(suppliers: list[Supplier]) -> list[PlaceCount]:
    counts = Counter((s.state or UNKNOWN_PLACE, s.district or UNKNOWN_PLACE) for s in suppliers)
    rows = [PlaceCount(state, district, n) for (state, district), n in counts.items()]
    return sorted(rows, key=lambda p: (-p.count, p.state, p.district))


def _by_class(suppliers: list[Supplier]) -> list[Count]:
    counts = Counter(s.enterprise_class or UNCLASSIFIED for s in suppliers)
    keys = [*ENTERPRISE_CLASSES, UNCLASSIFIED]
    keys += sorted(k for k in counts if k not in keys)
    # "large" enterprises are not MSMEs: listed only when some were imported.
    keys = [k for k in keys if counts.get(k) or k != "large"]
    return [Count(k, k.capitalize(), counts.get(k, 0)) for k in keys]


def _by_status(requirements: list[Requirement], moment: datetime) -> list[Count]:
    """Requirements by the status a reader sees (a published one past its deadline is closed)."""
    counts = Counter(effective_status(r, moment).value for r in requirements)
    return [Count(s.value, s.value.capitalize(), counts.get(s.value, 0)) for s in Status]


def category_name(slug: str | None) -> str:
    if not slug:
        return "no category"
    taxonomy = default_taxonomy()
    return taxonomy.category(slug).name if taxonomy.has_category(slug) else slug


def process_name(slug: str | None) -> str:
    if not slug:
        return "any process"
    taxonomy = default_taxonomy()
    return taxonomy.process(slug).name if taxonomy.has_process(slug) else slug


# ---------------------------------------------------------------- coverage and gaps


def _roadmaps(
    session: Session, scope: Scope, *, today: date
) -> tuple[dict[int, dict[str, int]], list[Unlock]]:
    """One-certificate-away counts per requirement and the unlock list, from the
    certification roadmap of each cluster in scope (merged for an admin's all-clusters view)."""
    one_away: dict[int, dict[str, int]] = {}
    merged: dict[str, CertificateDemand] = {}
    for cluster_id in scope.cluster_ids:
        roadmap = cluster_roadmap(session, cluster_id, today=today)
        for row in roadmap.requirements:
            one_away[row.requirement.id] = dict(row.one_away)
        for item in roadmap.items:
            into = merged.setdefault(item.code, CertificateDemand(item.code))
            into.suppliers |= item.suppliers
            into.requirements.update(item.requirements)
            into.unserved |= item.unserved
    unlocks = [
        Unlock(
            code=d.code,
            name=d.name,
            requirements=len(d.requirements),
            unserved=len(d.unserved),
            suppliers=len(d.suppliers),
            volume=d.volume,
        )
        for d in merged.values()
    ]
    # The roadmap's own order: unserved demand opened first, then demand, then suppliers.
    unlocks.sort(key=lambda u: (-u.unserved, -u.requirements, -u.suppliers, u.code))
    return one_away, unlocks


def _coverage(
    session: Session,
    requirements: list[Requirement],
    qualified: dict[int, frozenset[int]],
    one_away: dict[int, dict[str, int]],
) -> list[CoverageRow]:
    anchors = _anchor_names(session, requirements)
    rows = [
        CoverageRow(
            requirement_id=r.id,
            title=r.title,
            anchor=anchors.get(r.anchor_id, ""),
            cluster_id=r.cluster_id,
            category=r.category,
            process=r.process,
            quantity_per_month=r.quantity_per_month,
            quantity_unit=r.quantity_unit,
            needed_by=r.needed_by,
            quote_deadline=as_utc(r.quote_deadline),
            qualified=len(qualified.get(r.id, ())),
            one_away=one_away.get(r.id, {}),
        )
        for r in requirements
    ]
    rows.sort(key=lambda row: (row.qualified, row.needed_by or date.max, row.requirement_id))
    return rows


def _anchor_names(session: Session, requirements: list[Requirement]) -> dict[int, str]:
    ids = {r.anchor_id for r in requirements}
    if not ids:
        return {}
    statement = select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(ids))
    return dict(session.exec(statement).all())


def _supply(
    session: Session, requirements: list[Requirement], qualified: dict[int, frozenset[int]]
) -> list[SupplyRow]:
    """By category and process: open monthly demand against the monthly capacity of the
    suppliers qualified for it, both in one unit (demand in units capacity is not given in
    shows no supply)."""
    groups: dict[tuple[str, str | None, str], SupplyRow] = {}
    for r in requirements:
        if not r.quantity_per_month:
            continue
        quantity = normalise(r.quantity_per_month, r.quantity_unit)
        key = (r.category, r.process, quantity.unit)
        row = groups.setdefault(key, SupplyRow(r.category, r.process, quantity.unit))
        row.demand += quantity.amount
        row.requirements += 1
        row.suppliers |= qualified.get(r.id, set())
    supplier_ids = {i for row in groups.values() for i in row.suppliers}
    capabilities: dict[int, list[Capability]] = defaultdict(list)
    if supplier_ids:
        statement = select(Capability).where(col(Capability.supplier_id).in_(supplier_ids))
        for capability in session.exec(statement):
            capabilities[capability.supplier_id].append(capability)
    for row in groups.values():
        for supplier_id in row.suppliers:
            _add_capacity(row, capabilities[supplier_id])
    return sorted(groups.values(), key=lambda g: (-g.shortfall / (g.demand or 1), g.category or ""))


def _add_capacity(row: SupplyRow, capabilities: list[Capability]) -> None:
    """Add a supplier's monthly capacity for the row's process (its category's, when it
    names none for the process itself) in the row's unit."""
    # A requirement without a category counts the capacity the supplier qualified with.
    in_category = [
        c
        for c in capabilities
        if (row.category is None or c.category == row.category) and c.capacity_per_month
    ]
    for_process = [c for c in in_category if row.process and c.process == row.process]
    for capability in for_process or in_category:
        quantity = normalise(capability.capacity_per_month, capability.capacity_unit)
        if quantity.unit == row.unit:
            row.supply += quantity.amount
        else:
            row.other_units.add(quantity.unit)


# ---------------------------------------------------------------- readiness funnel


def _funnels(
    supplier_ids: list[int],
    categories: dict[int, set[str]],
    records: dict[int, list[SupplierCertificate]],
    *,
    today: date,
) -> list[TrackFunnel]:
    """Per readiness track, how many suppliers are in scope, started, certified, verified."""
    funnels = {t.slug: TrackFunnel(t.slug, t.name) for t in default_tracks()}
    steps: dict[tuple[str, str], StepFunnel] = {}
    catalogue = default_catalogue()
    for track in default_tracks():
        for step in track.steps:
            counts = StepFunnel(step.code, catalogue.display_name(step.code))
            steps[(track.slug, step.code)] = counts
            funnels[track.slug].steps.append(counts)
    for supplier_id in supplier_ids:
        readiness = assess(supplier_id, categories[supplier_id], records[supplier_id], today=today)
        for progress in readiness.tracks:
            funnel = funnels[progress.slug]
            funnel.in_scope += 1
            held = [s for s in progress.steps if s.status == StepStatus.DONE]
            started = held or [s for s in progress.steps if s.status == StepStatus.IN_PROGRESS]
            funnel.planned += bool(started)
            funnel.certified += bool(held)
            funnel.verified += any(s.verified for s in held)
            for step in progress.steps:
                counts = steps[(progress.slug, step.code)]
                counts.in_scope += 1
                counts.planned += step.status in (StepStatus.DONE, StepStatus.IN_PROGRESS)
                counts.certified += step.status == StepStatus.DONE
                counts.verified += step.status == StepStatus.DONE and step.verified
    return list(funnels.values())


# ---------------------------------------------------------------- expiring certificates


def _expiring(
    session: Session,
    suppliers: list[Supplier],
    records: dict[int, list[SupplierCertificate]],
    *,
    today: date,
) -> list[ExpiringCertificate]:
    """Certificates that count today and stop counting within ``EXPIRY_WINDOW``, unless a
    renewal already counts in their place."""
    catalogue = default_catalogue()
    names = {s.id: s.legal_name for s in suppliers}
    by_id = {r.id: r for rows in records.values() for r in rows}
    renewals = renewed_ids(session, by_id)
    last_day = today + EXPIRY_WINDOW
    found = []
    for record in by_id.values():
        if record.state != CertState.CERTIFIED or record.verification == Verification.REJECTED:
            continue
        if not counts_on(record.state, record.expires_on, today) or record.expires_on > last_day:
            continue
        renewal = by_id.get(renewals.get(record.id))
        if renewal is not None and counts_on(renewal.state, renewal.expires_on, today):
            continue
        found.append(
            ExpiringCertificate(
                certificate_id=record.id,
                supplier_id=record.supplier_id,
                supplier_name=names[record.supplier_id],
                code=record.code,
                name=catalogue.display_name(record.code),
                expires_on=record.expires_on,
                days_left=(record.expires_on - today).days,
                verified=record.verification == Verification.VERIFIED,
                renewal_state=renewal.state if renewal is not None else None,
            )
        )
    return sorted(found, key=lambda e: (e.expires_on, e.supplier_name, e.code))
