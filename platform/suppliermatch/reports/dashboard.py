"""The cluster dashboard's numbers: who is in the cluster, what is asked for, what is missing.

Everything here is read-only and computed for a ``Scope`` (one cluster, or all of them for
an admin). Readiness comes from the certification feature's rules (``readiness.assess``,
counted in SQL by ``readiness_sql``), the "which certificate would unlock most demand" list
from ``roadmap.cluster_roadmap``; whether a supplier is fully qualified for a requirement is
the matching engine's verdict (``matching.service.fully_qualified``), as on every other page.

A scope may hold a million suppliers, so the counts about suppliers are SQL aggregates
(GROUP BY, COUNT) over a condition on the supplier table: no supplier row is read into
Python for them and no query carries a parameter per supplier (PostgreSQL refuses more
than 65,535)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from suppliermatch.access import Actor
from suppliermatch.accounts.models import Organisation
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.readiness import RENEWAL_WINDOW, default_tracks
from suppliermatch.certification.readiness_sql import funnel_counts
from suppliermatch.certification.roadmap import CertificateDemand, cluster_roadmap
from suppliermatch.certification.service import CertState, Verification
from suppliermatch.database import among
from suppliermatch.matching.service import fully_qualified
from suppliermatch.reference.certificates import counts_on, default_catalogue
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.reports.service import Scope, in_scope
from suppliermatch.reports.units import normalise
from suppliermatch.requirements.lifecycle import Status, as_utc, effective_status, now_utc
from suppliermatch.requirements.models import Requirement
from suppliermatch.suppliers.models import Capability, Supplier
from suppliermatch.suppliers.summaries import kept, rows_key

# Issue 7: an open requirement with fewer fully qualified suppliers than this is flagged
# (fewer than three cannot make a competitive set of quotes).
THIN_COVERAGE = 3
# Certificates expiring within this window are listed: the same window in which the
# readiness checklist tells the MSME to renew.
EXPIRY_WINDOW: timedelta = RENEWAL_WINDOW
# The dashboard lists this many expiring certificates, the soonest first, and says how many
# there are; the CSV has every one. A national cluster has tens of thousands in the window
# (46,000 of a million suppliers' certificates in the benchmark): a 12 MB page that took 16 s
# to render, a 9.4 MB answer from the API.
EXPIRING_LISTED = 100
EXPIRING_LIMIT_MAX = 10_000
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
    # How many certificates expire in the window, whether ``expiring`` lists them all or not.
    expiring_total: int | None = None

    def __post_init__(self) -> None:
        if self.expiring_total is None:
            self.expiring_total = len(self.expiring)

    def listing_expiring(self, limit: int) -> Dashboard:
        """The same dashboard listing only the ``limit`` certificates that expire soonest."""
        return replace(self, expiring=self.expiring[:limit])

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
    # Every figure about the scope's suppliers is counted in the database (a scope can hold
    # a million suppliers): none is read into Python, no query lists their ids.
    suppliers = _in_scope(scope)
    requirements = _requirements(session, scope)
    open_requirements = [r for r in requirements if effective_status(r, moment) == Status.PUBLISHED]
    where = ("dashboard", scope.is_everything, scope.cluster_ids, today)
    # The engine's verdicts over the open requirements: kept while neither the suppliers
    # nor those requirements change (ranking each at a million suppliers takes seconds).
    qualified, one_away, unlocks, supply = kept(
        session,
        (*where, rows_key(open_requirements)),
        lambda: _demand_figures(session, scope, open_requirements, today=today),
    )
    figures = kept(session, where, lambda: _supplier_figures(session, suppliers, today=today))
    return Dashboard(
        scope=scope,
        today=today,
        by_status=_by_status(requirements, moment),
        coverage=_coverage(session, open_requirements, qualified, one_away),
        supply=supply,
        unlocks=unlocks,
        **figures,
    )


def _demand_figures(session: Session, scope: Scope, open_requirements, *, today: date):
    """(fully qualified suppliers by requirement, one certificate away, unlocks, supply)."""
    qualified = fully_qualified(session, open_requirements, today=today)
    one_away, unlocks = _roadmaps(session, scope, today=today)
    return qualified, one_away, unlocks, _supply(session, open_requirements, qualified)


def _supplier_figures(session: Session, suppliers, *, today: date) -> dict:
    """The figures that depend only on the scope's suppliers and their records (and the
    day): kept by ``summaries.kept`` until one of those changes, as they take seconds at a
    million suppliers."""
    return {
        "suppliers": session.scalar(select(func.count()).select_from(Supplier).where(suppliers)),
        "by_category": _by_category(session, suppliers),
        "by_place": _by_place(session, suppliers),
        "by_class": _by_class(session, suppliers),
        "funnels": _funnels(session, suppliers, today=today),
        "expiring": _expiring(session, suppliers, today=today),
    }


# ---------------------------------------------------------------- who and what


def _in_scope(scope: Scope):
    """SQL condition: a supplier the dashboard counts (in scope, not merged into another)."""
    return sa.and_(col(Supplier.merged_into_id).is_(None), in_scope(Supplier.cluster_id, scope))


def _requirements(session: Session, scope: Scope) -> list[Requirement]:
    statement = (
        select(Requirement)
        .where(in_scope(Requirement.cluster_id, scope))
        .order_by(Requirement.needed_by, Requirement.id)
    )
    return list(session.exec(statement))


def _category_pairs(session: Session, suppliers):
    """(supplier id, category) for the suppliers matching ``suppliers``: the declared
    categories (a JSON list, unnested by the backend's own function) and those of the
    capabilities, as ``readiness.supplier_categories`` reads them."""
    if session.get_bind().dialect.name == "postgresql":
        elements, kind = sa.func.json_array_elements_text, sa.func.json_typeof
    else:
        elements, kind = sa.func.json_each, sa.func.json_type
    declared = elements(Supplier.categories).table_valued("value")
    return sa.union(
        sa.select(Supplier.id.label("supplier_id"), declared.c.value.label("category"))
        .select_from(Supplier)
        .join(declared, sa.true())
        .where(suppliers, kind(Supplier.categories) == "array"),
        sa.select(Capability.supplier_id, Capability.category)
        .join(Supplier, Supplier.id == Capability.supplier_id)
        .where(suppliers),
    ).subquery("pairs")


def _by_category(session: Session, suppliers) -> list[Count]:
    """Suppliers per category; one offering two categories counts in both."""
    taxonomy = default_taxonomy()
    pairs = _category_pairs(session, suppliers)
    # UNION has made each (supplier, category) pair distinct: a plain count suffices.
    statement = sa.select(pairs.c.category, sa.func.count()).group_by(pairs.c.category)
    counts = dict(session.execute(statement).all())
    rows = [
        Count(slug, category_name(slug), counts.get(slug, 0))
        for slug in [c.slug for c in taxonomy.categories]
    ]
    rows += [Count(slug, slug, n) for slug, n in counts.items() if not taxonomy.has_category(slug)]
    return sorted(rows, key=lambda c: (-c.count, c.label))


def _by_place(session: Session, suppliers) -> list[PlaceCount]:
    counts: Counter = Counter()
    statement = (
        sa.select(Supplier.state, Supplier.district, sa.func.count())
        .where(suppliers)
        .group_by(Supplier.state, Supplier.district)
    )
    for state, district, n in session.execute(statement):
        # Missing and empty places are one "not given" (``or``, as before).
        counts[(state or UNKNOWN_PLACE, district or UNKNOWN_PLACE)] += n
    rows = [PlaceCount(state, district, n) for (state, district), n in counts.items()]
    return sorted(rows, key=lambda p: (-p.count, p.state, p.district))


def _by_class(session: Session, suppliers) -> list[Count]:
    counts: Counter = Counter()
    statement = (
        sa.select(Supplier.enterprise_class, sa.func.count())
        .where(suppliers)
        .group_by(Supplier.enterprise_class)
    )
    for enterprise_class, n in session.execute(statement):
        counts[enterprise_class or UNCLASSIFIED] += n
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
        statement = select(Capability).where(among(session, Capability.supplier_id, supplier_ids))
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


def _funnels(session: Session, suppliers, *, today: date) -> list[TrackFunnel]:
    """Per readiness track, how many suppliers are in scope, started, certified, verified
    (``readiness.assess``'s verdicts, counted in SQL by ``readiness_sql.funnel_counts``)."""
    counts = funnel_counts(session, suppliers, today=today)
    catalogue = default_catalogue()
    funnels = []
    for track in default_tracks():
        found = counts[track.slug]
        funnel = TrackFunnel(
            track.slug, track.name, found.in_scope, found.planned, found.certified, found.verified
        )
        for step in track.steps:
            step_counts = found.steps[step.code]
            funnel.steps.append(
                StepFunnel(
                    step.code,
                    catalogue.display_name(step.code),
                    step_counts.in_scope,
                    step_counts.planned,
                    step_counts.certified,
                    step_counts.verified,
                )
            )
        funnels.append(funnel)
    return funnels


# ---------------------------------------------------------------- expiring certificates


def _expiring(session: Session, suppliers, *, today: date) -> list[ExpiringCertificate]:
    """Certificates that count today and stop counting within ``EXPIRY_WINDOW``, unless a
    renewal already counts in their place."""
    catalogue = default_catalogue()
    last_day = today + EXPIRY_WINDOW
    record = aliased(SupplierCertificate, name="record")
    renewal = aliased(SupplierCertificate, name="renewal")
    # The record renewing each renewed one (the latest, should there be two).
    renewals = (
        sa.select(
            SupplierCertificate.renews_id.label("renews_id"),
            sa.func.max(SupplierCertificate.id).label("renewal_id"),
        )
        .where(col(SupplierCertificate.renews_id).is_not(None))
        .group_by(SupplierCertificate.renews_id)
        .subquery("renewals")
    )
    statement = (
        sa.select(record, Supplier.legal_name, renewal.state, renewal.expires_on)
        .join(Supplier, Supplier.id == record.supplier_id)
        .outerjoin(renewals, renewals.c.renews_id == record.id)
        .outerjoin(
            renewal,
            sa.and_(renewal.id == renewals.c.renewal_id, renewal.supplier_id == record.supplier_id),
        )
        .where(
            suppliers,
            record.state == CertState.CERTIFIED,
            record.verification != Verification.REJECTED,
            record.expires_on >= today,
            record.expires_on <= last_day,
        )
    )
    found = []
    for certificate, supplier_name, renewal_state, renewal_expires_on in session.execute(statement):
        if not counts_on(certificate.state, certificate.expires_on, today):
            continue
        if renewal_state is not None and counts_on(renewal_state, renewal_expires_on, today):
            continue
        found.append(
            ExpiringCertificate(
                certificate_id=certificate.id,
                supplier_id=certificate.supplier_id,
                supplier_name=supplier_name,
                code=certificate.code,
                name=catalogue.display_name(certificate.code),
                expires_on=certificate.expires_on,
                days_left=(certificate.expires_on - today).days,
                verified=certificate.verification == Verification.VERIFIED,
                renewal_state=renewal_state,
            )
        )
    return sorted(found, key=lambda e: (e.expires_on, e.supplier_name, e.code))
