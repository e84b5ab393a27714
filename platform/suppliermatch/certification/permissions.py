"""Who may see and change a supplier's certificates, evidence and readiness plan.

- the MSME that owns the supplier profile: reads and manages its own records;
- the coordinator of the supplier's cluster (and admins): reads, manages and verifies;
- an anchor the supplier has quoted to: reads the supplier's issued certificates (not its
  plans) and downloads their evidence, so it can check what it is buying on;
- anyone else: the record does not exist for them (404, never 403: no existence leak).

Route decorators already refuse the wrong kind of user with 403; the rules below decide
per object.
"""

from enum import Enum

from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts.models import Cluster
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.errors import Forbidden, NotFound
from suppliermatch.models_base import MAX_ROW_ID
from suppliermatch.requirements.models import Quote, Requirement
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_, marked

# Records that stand for a certificate a body actually issued: what a buyer may look at.
# Planned or applied-for records are the MSME's own plan.
ISSUED_STATES = frozenset({"certified", "suspended", "expired"})


def get_row(session: Session, model, row_id: int):
    """``session.get`` that answers None for ids no row can have."""
    if not 0 < row_id <= MAX_ROW_ID:
        return None
    return session.get(model, row_id)


class Purpose(Enum):
    READ = "read"
    MANAGE = "manage"
    VERIFY = "verify"


def owns(actor: Actor, supplier: Supplier) -> bool:
    return (
        actor.kind == ActorKind.MSME
        and actor.supplier_id is not None
        and actor.supplier_id == supplier.id
    )


def oversees(actor: Actor, supplier: Supplier) -> bool:
    """The supplier's cluster coordinator, or an admin."""
    return actor.is_admin or (
        supplier.cluster_id is not None and actor.coordinates(supplier.cluster_id)
    )


def has_quoted_to(session: Session, supplier_id: int, anchor_organisation_id: int) -> bool:
    statement = (
        select(Quote.id)
        .join(Requirement, Requirement.id == Quote.requirement_id)
        .where(Quote.supplier_id == supplier_id, Requirement.anchor_id == anchor_organisation_id)
        .limit(1)
    )
    return session.exec(statement).first() is not None


def supplier_purposes(session: Session, actor: Actor, supplier: Supplier) -> frozenset[Purpose]:
    """What ``actor`` may do with this supplier's certification records as a whole."""
    if oversees(actor, supplier):
        return frozenset(Purpose)
    if owns(actor, supplier):
        return frozenset({Purpose.READ, Purpose.MANAGE})
    return frozenset()


def certificate_purposes(
    session: Session, actor: Actor, certificate: SupplierCertificate, supplier: Supplier
) -> frozenset[Purpose]:
    granted = supplier_purposes(session, actor, supplier)
    if granted:
        return granted
    if (
        actor.kind == ActorKind.ANCHOR
        and actor.organisation_id is not None
        and certificate.state in ISSUED_STATES
        and has_quoted_to(session, supplier.id, actor.organisation_id)
    ):
        return frozenset({Purpose.READ})
    return frozenset()


def _refuse(granted: frozenset[Purpose], what: str):
    # Someone who can see the object but not do this gets 403; anyone else 404.
    if Purpose.READ in granted:
        raise Forbidden(N_("Your account cannot do this with this %(what)s.", what=marked(what)))
    raise NotFound(N_("No such %(what)s.", what=marked(what)))


def supplier_for(session: Session, actor: Actor, supplier_id: int, purpose: Purpose) -> Supplier:
    supplier = get_row(session, Supplier, supplier_id)
    if supplier is None:
        raise NotFound("No such supplier.")
    granted = supplier_purposes(session, actor, supplier)
    if purpose not in granted:
        _refuse(granted, "supplier")
    return supplier


def cluster_for(session: Session, actor: Actor, cluster_id: int) -> Cluster:
    """A cluster the actor oversees: its coordinator, or an admin."""
    cluster = get_row(session, Cluster, cluster_id)
    if cluster is None or not actor.coordinates(cluster.id):
        raise NotFound("No such cluster.")
    return cluster


def certificate_for(
    session: Session, actor: Actor, certificate_id: int, purpose: Purpose
) -> tuple[SupplierCertificate, Supplier]:
    certificate = get_row(session, SupplierCertificate, certificate_id)
    if certificate is None:
        raise NotFound("No such certificate.")
    supplier = session.get(Supplier, certificate.supplier_id)
    granted = certificate_purposes(session, actor, certificate, supplier)
    if purpose not in granted:
        _refuse(granted, "certificate")
    return certificate, supplier
