"""The cast of the supplier tests: the world's users, their clients, and supplier rows."""

from datetime import date

import pytest
from sqlmodel import select

from suppliermatch.suppliers.models import DuplicateCandidate, Supplier, SupplierImport
from tests import factories

ACTORS = (
    "anonymous",
    "msme_a",
    "msme_b",
    "anchor_x",
    "anchor_y",
    "coordinator_1",
    "coordinator_2",
    "admin",
)
# Valid identifiers (check characters computed) in Odisha (21 / OD) and Gujarat (24 / GJ).
ODISHA_GSTIN = "21AABCK1234F1ZB"
ODISHA_UDYAM = "UDYAM-OD-07-0012345"


@pytest.fixture
def clients(world, make_client):
    """A signed-in client per cast member (anonymous: none)."""
    return {name: make_client(world[name] if name != "anonymous" else None) for name in ACTORS}


def profile_of(session, user) -> Supplier:
    return session.exec(
        select(Supplier).where(Supplier.organisation_id == user.organisation_id)
    ).one()


@pytest.fixture
def cast(session, world):
    """MSME A's and B's profiles, each with a capability, equipment and a certificate."""
    supplier_a = profile_of(session, world["msme_a"])
    supplier_b = profile_of(session, world["msme_b"])
    for supplier in (supplier_a, supplier_b):
        _fill(session, supplier)
    session.commit()
    return {**world, "supplier_a": supplier_a, "supplier_b": supplier_b}


def _fill(session, supplier):
    from suppliermatch.certification.models import SupplierCertificate
    from suppliermatch.suppliers.profiles import service

    system = service.SYSTEM_ACTOR
    service.add_child(
        session,
        system,
        service.CAPABILITIES,
        supplier.id,
        values={"category": "coatings", "process": "nicuni_plating", "description": "NiCuNi"},
    )
    service.add_child(
        session, system, service.EQUIPMENT, supplier.id, values={"machine": "Plating line"}
    )
    session.add(
        SupplierCertificate(
            supplier_id=supplier.id, code="ISO9001", state="certified", expires_on=date(2030, 1, 1)
        )
    )
    session.flush()


def make_candidate(session, cluster) -> DuplicateCandidate:
    """Two look-alike suppliers of ``cluster`` flagged as a pair."""
    first = factories.make_supplier(session, cluster=cluster, legal_name="Sai Tools Pvt Ltd")
    second = factories.make_supplier(session, cluster=cluster, legal_name="Sai Tools")
    candidate = DuplicateCandidate(
        supplier_id=first.id, other_supplier_id=second.id, score=0.95, evidence=["same phone"]
    )
    session.add(candidate)
    session.commit()
    return candidate


def make_import_record(session, cluster) -> SupplierImport:
    record = SupplierImport(
        cluster_id=cluster.id, filename="x.csv", mode="all_or_nothing", outcome="imported"
    )
    session.add(record)
    session.commit()
    return record
