"""What each role meets after signing in: its next jobs, from the features' own services.

Nothing here decides a rule: who may see what stays with each feature (requirement
visibility, the verification and vetting queues, duplicate review). This module only
picks, counts and orders what those services already allow the actor, so that a start
page and the page it links to never disagree.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, func, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts import vetting
from suppliermatch.accounts.models import Cluster, Organisation, OrganisationKind, User
from suppliermatch.certification import verification
from suppliermatch.certification.readiness import supplier_readiness
from suppliermatch.dates import today_in_india
from suppliermatch.requirements import service as requirements
from suppliermatch.requirements.lifecycle import Status, now_utc
from suppliermatch.requirements.models import Requirement
from suppliermatch.requirements.visibility import visible_requirements
from suppliermatch.suppliers.duplicates import service as dedup_service
from suppliermatch.suppliers.models import Capability, Supplier

# A start page is a summary: each list shows this many and links to the full page.
LIST_LIMIT = 8
RECENT_USERS = 5
# Newest requirements an anchor's or MSME's start page reads to sort into its lists;
# anything older is on the full list page.
RECENT_REQUIREMENTS = 200


@dataclass(frozen=True)
class Queue:
    """A coordinator's or admin's queue: how many wait, and the page that handles them."""

    label: str
    count: int
    endpoint: str
    hint: str


@dataclass
class MsmeStart:
    supplier: Supplier | None
    readiness_percent: int = 0
    readiness_label: str = ""
    profile_gaps: list[str] = field(default_factory=list)
    next_steps: list = field(default_factory=list)
    invitations: list[dict] = field(default_factory=list)
    open_to_quote: list[dict] = field(default_factory=list)
    my_quotes: list[dict] = field(default_factory=list)
    # Part qualifications open for the supplier's documents, with the parties' names.
    qualifications: list = field(default_factory=list)
    qualification_names: dict[int, dict] = field(default_factory=dict)


@dataclass
class AnchorStart:
    awaiting_decision: list[dict]
    open_for_quotes: list[dict]
    drafts: list[dict]
    counts: dict[str, int]
    # Part qualifications the supplier submitted, waiting for the anchor's review.
    qualifications: list = field(default_factory=list)
    qualification_names: dict[int, dict] = field(default_factory=dict)


@dataclass
class CoordinatorStart:
    cluster: Cluster | None
    queues: list[Queue]
    open_requirements: int


@dataclass
class AdminStart:
    users_by_role: dict[str, int]
    clusters: list[dict]
    recent_users: list[User]
    queues: list[Queue]


def _recent_views(session: Session, actor: Actor, now: datetime) -> list[dict]:
    rows = session.exec(visible_requirements(actor).limit(RECENT_REQUIREMENTS)).all()
    return requirements.requirement_views(session, actor=actor, requirements=rows, now=now)


def _by_deadline(views: list[dict]) -> list[dict]:
    return sorted(views, key=lambda v: (v["quote_deadline"] is None, v["quote_deadline"]))


# -- MSME -------------------------------------------------------------------------------------


def profile_gaps(session: Session, supplier: Supplier) -> list[str]:
    """What a buyer's search cannot find the supplier by, in the words of the profile page."""
    gaps = []
    has_capability = session.exec(
        select(Capability.id).where(Capability.supplier_id == supplier.id).limit(1)
    ).first()
    if has_capability is None:
        gaps.append("List at least one capability: matching ranks suppliers by them.")
    if supplier.pincode is None:
        gaps.append("Add your PIN code: buyers filter suppliers by distance.")
    if not supplier.gstin and not supplier.udyam_number:
        gaps.append("Add your GSTIN or Udyam number so your coordinator can confirm you.")
    return gaps


def msme_start(
    session: Session, actor: Actor, *, now: datetime | None = None, today: date | None = None
) -> MsmeStart:
    moment = now_utc(now)
    supplier = session.get(Supplier, actor.supplier_id) if actor.supplier_id else None
    start = MsmeStart(supplier=supplier)
    views = _recent_views(session, actor, moment)
    waiting = [v for v in views if v["open_for_quotes"] and v["my_quote_id"] is None]
    start.invitations = _by_deadline(
        [v for v in waiting if v["invited"] and v["invitation_status"] != "declined"]
    )[:LIST_LIMIT]
    start.open_to_quote = _by_deadline([v for v in waiting if not v["invited"]])[:LIST_LIMIT]
    start.my_quotes = [v for v in views if v["my_quote_id"] is not None][:LIST_LIMIT]
    if supplier is None:
        return start
    start.qualifications, start.qualification_names = _qualifications_waiting(session, actor)
    readiness = supplier_readiness(session, supplier.id, today=today or today_in_india())
    start.readiness_percent = readiness.percent
    start.readiness_label = readiness.label
    start.next_steps = list(readiness.next_steps[:LIST_LIMIT])
    start.profile_gaps = profile_gaps(session, supplier)
    return start


# -- anchor -----------------------------------------------------------------------------------


def anchor_start(session: Session, actor: Actor, *, now: datetime | None = None) -> AnchorStart:
    moment = now_utc(now)
    views = _recent_views(session, actor, moment)
    counts = {status.value: 0 for status in Status}
    for view in views:
        counts[view["status"]] += 1
    waiting, names = _qualifications_waiting(session, actor)
    return AnchorStart(
        qualifications=waiting,
        qualification_names=names,
        # Bidding has ended and quotes are unsealed: the buyer's move (compare, award).
        awaiting_decision=[
            v for v in views if v["status"] == Status.CLOSED and v.get("quote_count")
        ][:LIST_LIMIT],
        open_for_quotes=_by_deadline([v for v in views if v["status"] == Status.PUBLISHED])[
            :LIST_LIMIT
        ],
        drafts=[v for v in views if v["status"] == Status.DRAFT][:LIST_LIMIT],
        counts=counts,
    )


def _qualifications_waiting(session: Session, actor: Actor) -> tuple[list, dict[int, dict]]:
    """The qualifications waiting on the actor's side (qualification.service decides which)."""
    from suppliermatch.qualification import service as qualification

    waiting = qualification.waiting_on(session, actor=actor, limit=LIST_LIMIT)
    return waiting, qualification.parties(session, waiting)


# -- coordinator and admin --------------------------------------------------------------------


def _count(session: Session, statement) -> int:
    return session.exec(select(func.count()).select_from(statement.order_by(None).subquery())).one()


def queues(session: Session, actor: Actor, *, today: date | None = None) -> list[Queue]:
    """The three queues a coordinator works through, counted as their pages list them."""
    return [
        Queue(
            "Certificates to verify",
            len(verification.verification_queue(session, actor, today=today)),
            "certification.verification_queue",
            "Certified records waiting for you to check the evidence.",
        ),
        Queue(
            "Possible duplicate suppliers",
            _count(session, dedup_service.candidates_statement(actor)),
            "suppliers.duplicates",
            "Pairs of profiles that look like one enterprise: merge or dismiss.",
        ),
        Queue(
            "Anchor firms awaiting approval",
            _count(session, vetting.vetting_queue(session, actor)),
            "accounts.vetting_queue",
            "Anchor firms that signed up and wait to post requirements.",
        ),
    ]


def coordinator_start(
    session: Session, actor: Actor, *, now: datetime | None = None, today: date | None = None
) -> CoordinatorStart:
    moment = now_utc(now)
    cluster = session.get(Cluster, actor.cluster_id) if actor.cluster_id else None
    open_now = visible_requirements(actor, status=Status.PUBLISHED).where(
        Requirement.quote_deadline > moment
    )
    return CoordinatorStart(
        cluster=cluster,
        queues=queues(session, actor, today=today),
        open_requirements=_count(session, open_now),
    )


def admin_start(session: Session, actor: Actor, *, today: date | None = None) -> AdminStart:
    kinds = dict(
        session.exec(
            select(Organisation.kind, func.count(User.id))
            .join(Organisation, Organisation.id == User.organisation_id)
            .group_by(Organisation.kind)
        ).all()
    )
    admins = session.exec(select(func.count(User.id)).where(User.is_admin)).one()
    users_by_role = {
        "MSME users": kinds.get(OrganisationKind.MSME, 0),
        "Anchor firm users": kinds.get(OrganisationKind.ANCHOR, 0),
        "Coordinators": kinds.get(OrganisationKind.CLUSTER_OFFICE, 0),
        "Admins": admins,
    }
    return AdminStart(
        users_by_role=users_by_role,
        clusters=_cluster_rows(session),
        recent_users=list(
            session.exec(
                select(User).order_by(User.created_at.desc(), User.id.desc()).limit(RECENT_USERS)
            )
        ),
        queues=queues(session, actor, today=today),
    )


def _cluster_rows(session: Session) -> list[dict]:
    organisations = {
        (cluster_id, kind): n
        for cluster_id, kind, n in session.exec(
            select(Organisation.cluster_id, Organisation.kind, func.count(Organisation.id))
            .where(Organisation.cluster_id.is_not(None))
            .group_by(Organisation.cluster_id, Organisation.kind)
        )
    }
    suppliers = dict(
        session.exec(
            select(Supplier.cluster_id, func.count(Supplier.id))
            .where(Supplier.merged_into_id.is_(None), Supplier.cluster_id.is_not(None))
            .group_by(Supplier.cluster_id)
        ).all()
    )
    return [
        {
            "cluster": cluster,
            "suppliers": suppliers.get(cluster.id, 0),
            "anchors": organisations.get((cluster.id, OrganisationKind.ANCHOR), 0),
            "has_office": organisations.get((cluster.id, OrganisationKind.CLUSTER_OFFICE), 0) > 0,
        }
        for cluster in session.exec(select(Cluster).order_by(Cluster.name))
    ]


def start_for(session: Session, actor: Actor):
    """The start page's template name and content for ``actor``; None: the marketing page."""
    if actor.kind == ActorKind.MSME:
        return "start/msme.html", msme_start(session, actor)
    if actor.kind == ActorKind.ANCHOR:
        return "start/anchor.html", anchor_start(session, actor)
    if actor.kind == ActorKind.COORDINATOR:
        return "start/coordinator.html", coordinator_start(session, actor)
    if actor.kind == ActorKind.ADMIN:
        return "start/admin.html", admin_start(session, actor)
    # Anonymous visitors and anchors awaiting approval keep the home page (it explains the wait).
    return None
