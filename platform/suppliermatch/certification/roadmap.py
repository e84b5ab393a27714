"""The demand-linked roadmap: what would make a supplier fully qualified for which open
requirements of its cluster, and for coordinators which certificate would unlock the most
demand across the cluster.

Whether a supplier is fully qualified, and what stands in the way when it is not, is the
matching engine's verdict (``matching.service.fully_qualified`` and ``roadmap_gaps``), so
that the roadmap counts what the dashboard, the ranking and the match report count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from suppliermatch.certification.readiness import records_by_supplier
from suppliermatch.certification.service import PIPELINE_STATES, current_records
from suppliermatch.database import among
from suppliermatch.matching.service import fully_qualified, one_certificate_away, roadmap_gaps
from suppliermatch.models_base import utcnow
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.requirements.models import Invitation, Requirement
from suppliermatch.suppliers.models import Supplier
from suppliermatch.suppliers.summaries import kept, rows_key
from suppliermatch.translatable import N_

# A requirement suppliers can answer: published (issue 4's lifecycle: draft -> published
# -> closed -> awarded) and its quote deadline, if any, not yet passed.
OPEN_STATUS = "published"
# Seen by every supplier of the cluster; any other visibility (invite-only) is seen only by
# the invited suppliers.
CLUSTER_WIDE_VISIBILITY = frozenset({"cluster", "public"})
DEFAULT_UNIT = "units"


@dataclass(frozen=True)
class Gap:
    """One thing a supplier lacks for one requirement."""

    # "certificate" (code: the certificate's), or "process", "tolerance", "capacity",
    # "listing" (code: what is lacking, in words)
    kind: str
    code: str
    action: str  # "obtain" or "renew" a certificate; "offer", "improve", "publish"

    @property
    def label(self) -> str:
        if self.kind != "certificate":
            return self.code
        name = default_catalogue().display_name(self.code)
        return f"renewing {name}" if self.action == "renew" else name


# ---------------------------------------------------------------- shapes


@dataclass(frozen=True)
class RequirementSummary:
    id: int
    title: str
    category: str
    quantity_per_month: float | None
    quantity_unit: str | None
    needed_by: date | None

    @classmethod
    def of(cls, requirement: Requirement) -> RequirementSummary:
        return cls(
            id=requirement.id,
            title=requirement.title,
            category=requirement.category,
            quantity_per_month=requirement.quantity_per_month,
            quantity_unit=requirement.quantity_unit,
            needed_by=requirement.needed_by,
        )


def monthly_volume(requirements: list[RequirementSummary]) -> dict[str, float]:
    """Quantity a month by unit (requirements in pieces and in kg are not added up)."""
    volume: dict[str, float] = defaultdict(float)
    for r in requirements:
        if r.quantity_per_month:
            volume[r.quantity_unit or DEFAULT_UNIT] += r.quantity_per_month
    return dict(sorted(volume.items(), key=lambda kv: -kv[1]))


def indian_number(value: float) -> str:
    """Digits grouped the Indian way: 38,000; 1,50,000; 2,50,00,000."""
    whole = str(round(value))
    if len(whole) <= 3:
        return whole
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *groups, tail]) if head else ",".join([*groups, tail])


def volume_phrase(volume: dict[str, float]) -> str:
    if not volume:
        return ""
    return " and ".join(f"{indian_number(q)} {unit}" for unit, q in volume.items()) + " a month"


@dataclass(frozen=True)
class InProgress:
    code: str
    state: str
    certificate_id: int
    due: date | None


@dataclass
class RoadmapItem:
    """Getting ``gaps`` would make the supplier eligible for ``requirements``."""

    gaps: tuple[Gap, ...]
    requirements: list[RequirementSummary] = field(default_factory=list)
    in_progress: list[InProgress] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " + ".join(g.label for g in self.gaps)

    @property
    def volume(self) -> dict[str, float]:
        return monthly_volume(self.requirements)

    @property
    def headline(self) -> str:
        n = len(self.requirements)
        noun = "requirement" if n == 1 else "requirements"
        text = f"{self.label[:1].upper()}{self.label[1:]} would qualify you for {n} open {noun}"
        phrase = volume_phrase(self.volume)
        return f"{text}, about {phrase}." if phrase else f"{text}."


@dataclass
class SupplierRoadmap:
    supplier_id: int
    open_requirements: int
    out_of_scope: int
    eligible_now: list[RequirementSummary]
    items: list[RoadmapItem]

    def why_not_qualified(self) -> list[str]:
        """What keeps the supplier from the open requirements it is not fully qualified
        for, in words a person reads beside the count: each a number of requirements."""
        lacking_certificates = lacking_more = 0
        for item in self.items:
            if all(gap.kind == "certificate" for gap in item.gaps):
                lacking_certificates += len(item.requirements)
            else:
                lacking_more += len(item.requirements)

        reasons = []
        if self.out_of_scope:
            count = self.out_of_scope
            reasons.append(
                N_("%(count)s asks for processes you do not offer", count=count)
                if count == 1
                else N_("%(count)s ask for processes you do not offer", count=count)
            )
        if lacking_certificates:
            count = lacking_certificates
            reasons.append(
                N_("%(count)s needs a certificate you do not hold yet", count=count)
                if count == 1
                else N_("%(count)s need a certificate you do not hold yet", count=count)
            )
        if lacking_more:
            count = lacking_more
            reasons.append(
                N_(
                    "%(count)s needs more than a certificate (a process, tolerance, capacity "
                    "or a public profile: listed below)",
                    count=count,
                )
                if count == 1
                else N_(
                    "%(count)s need more than a certificate (a process, tolerance, capacity "
                    "or a public profile: listed below)",
                    count=count,
                )
            )
        return reasons


# ---------------------------------------------------------------- per supplier


def open_requirements_for_supplier(session: Session, supplier: Supplier) -> list[Requirement]:
    """Open requirements of the supplier's cluster that it can see."""
    if supplier.cluster_id is None:
        return []
    invited = select(Invitation.requirement_id).where(Invitation.supplier_id == supplier.id)
    statement = _open_requirements(supplier.cluster_id).where(
        or_(
            col(Requirement.visibility).in_(CLUSTER_WIDE_VISIBILITY),
            col(Requirement.id).in_(invited),
        )
    )
    return list(session.exec(statement))


def roadmap_for_supplier(session: Session, supplier_id: int, *, today: date) -> SupplierRoadmap:
    """What would make this supplier fully qualified for which open requirements it can see."""
    supplier = session.get(Supplier, supplier_id)
    requirements = open_requirements_for_supplier(session, supplier)
    gaps = roadmap_gaps(session, [supplier], requirements, today)
    in_progress = _in_progress(session, supplier.id)
    eligible, items = [], {}
    for requirement in requirements:
        pair = gaps.get((supplier.id, requirement.id))
        if pair is None:
            continue
        if not pair:
            eligible.append(RequirementSummary.of(requirement))
            continue
        key = tuple(sorted(pair, key=lambda g: g.code))
        item = items.setdefault(key, RoadmapItem(gaps=key))
        item.requirements.append(RequirementSummary.of(requirement))
    for item in items.values():
        item.in_progress = [p for g in item.gaps for p in in_progress.get(g.code, [])]
    candidates = len(eligible) + sum(len(i.requirements) for i in items.values())
    return SupplierRoadmap(
        supplier_id=supplier.id,
        open_requirements=len(requirements),
        out_of_scope=len(requirements) - candidates,
        eligible_now=eligible,
        items=sorted(items.values(), key=_item_order),
    )


def _item_order(item: RoadmapItem):
    # Fewest certificates to get first, then the most requirements and volume.
    return (len(item.gaps), -len(item.requirements), -sum(item.volume.values()), item.label)


def _in_progress(session: Session, supplier_id: int) -> dict[str, list[InProgress]]:
    found: dict[str, list[InProgress]] = defaultdict(list)
    for record in current_records(records_by_supplier(session, [supplier_id])[supplier_id]):
        if record.state in PIPELINE_STATES:
            due = record.audit_on or record.target_on
            found[record.code].append(InProgress(record.code, record.state, record.id, due))
    return found


# ---------------------------------------------------------------- per cluster


@dataclass
class CertificateDemand:
    """What one certificate would unlock across the cluster."""

    code: str
    suppliers: set[int] = field(default_factory=set)
    requirements: dict[int, RequirementSummary] = field(default_factory=dict)
    # Requirements no supplier is eligible for today that this certificate would open.
    unserved: set[int] = field(default_factory=set)

    @property
    def name(self) -> str:
        return default_catalogue().display_name(self.code)

    @property
    def volume(self) -> dict[str, float]:
        return monthly_volume(list(self.requirements.values()))

    @property
    def unserved_volume(self) -> dict[str, float]:
        return monthly_volume([self.requirements[i] for i in self.unserved])


@dataclass(frozen=True)
class RequirementCoverage:
    requirement: RequirementSummary
    eligible_suppliers: int
    # Suppliers a single certificate away, by that certificate's code.
    one_away: dict[str, int]


@dataclass
class ClusterRoadmap:
    cluster_id: int
    suppliers: int
    requirements: list[RequirementCoverage]
    items: list[CertificateDemand]

    @property
    def unserved(self) -> list[RequirementCoverage]:
        return [r for r in self.requirements if r.eligible_suppliers == 0]


def cluster_roadmap(session: Session, cluster_id: int, *, today: date) -> ClusterRoadmap:
    """Across the cluster's open requirements and suppliers: which single certificate would
    make the most suppliers fully qualified for the most demand, unserved demand first.

    A requirement's eligible suppliers are all its fully qualified ones, of any cluster
    (anchors invite from every cluster), as on the dashboard and the ranking page; those one
    certificate away are the cluster's own suppliers (the coordinator's to develop).

    Both come from the matching engine's index (``fully_qualified``,
    ``one_certificate_away``: the same verdicts as ``roadmap_gaps``), and the cluster's
    suppliers are counted in the database: a cluster of a million suppliers is never read
    into Python, nor sent back to the database as a list of ids.

    Kept (``summaries.kept``) until a supplier, capability or certificate changes, or one
    of the open requirements does (its every field is in the key): picking the cluster's
    own among the candidates took a second at a million suppliers."""
    requirements = list(session.exec(_open_requirements(cluster_id)))
    key = ("cluster roadmap", cluster_id, today, rows_key(requirements))
    return kept(session, key, lambda: _cluster_roadmap(session, cluster_id, requirements, today))


def _cluster_roadmap(
    session: Session, cluster_id: int, requirements: list[Requirement], today: date
) -> ClusterRoadmap:
    in_cluster = (Supplier.cluster_id == cluster_id, col(Supplier.merged_into_id).is_(None))
    suppliers = session.scalar(select(func.count()).select_from(Supplier).where(*in_cluster))
    qualified = fully_qualified(session, requirements, today=today)
    away = one_certificate_away(session, requirements, today=today, qualified=qualified)
    candidates = {i for by_code in away.values() for ids in by_code.values() for i in ids}
    own: set[int] = set()
    if candidates:
        own = set(
            session.exec(
                select(Supplier.id).where(*in_cluster, among(session, Supplier.id, candidates))
            )
        )
    eligible = {r.id: len(qualified[r.id]) for r in requirements}
    summaries = {r.id: RequirementSummary.of(r) for r in requirements}
    one_away: dict[int, dict[str, int]] = defaultdict(dict)
    demand: dict[str, CertificateDemand] = {}
    for requirement in requirements:
        for code, ids in away[requirement.id].items():
            ids = ids & own
            if not ids:
                continue
            one_away[requirement.id][code] = len(ids)
            item = demand.setdefault(code, CertificateDemand(code))
            item.suppliers |= ids
            item.requirements[requirement.id] = summaries[requirement.id]
            if eligible[requirement.id] == 0:
                item.unserved.add(requirement.id)
    coverage = [
        RequirementCoverage(summaries[r.id], eligible[r.id], dict(one_away[r.id]))
        for r in requirements
    ]
    coverage.sort(key=lambda c: (c.eligible_suppliers, c.requirement.needed_by or date.max))
    items = sorted(
        demand.values(),
        key=lambda d: (
            -len(d.unserved),
            -sum(d.unserved_volume.values()),
            -len(d.requirements),
            -len(d.suppliers),
            d.code,
        ),
    )
    return ClusterRoadmap(
        cluster_id=cluster_id, suppliers=suppliers, requirements=coverage, items=items
    )


def _open_requirements(cluster_id: int):
    now = utcnow()
    return (
        select(Requirement)
        .where(
            Requirement.cluster_id == cluster_id,
            Requirement.status == OPEN_STATUS,
            or_(col(Requirement.quote_deadline).is_(None), col(Requirement.quote_deadline) > now),
        )
        .order_by(Requirement.needed_by, Requirement.id)
    )
