"""Demo suppliers (seeds/demo/suppliers.json) loaded through the supplier service.

Idempotent: a supplier whose external ref exists is left as it is, and a login whose
e-mail exists is not created again, so loading twice changes nothing. The file is
written by seeds/generate_demo_suppliers.py.
"""

import json
from collections.abc import Callable
from datetime import date

from sqlmodel import Session, select

from suppliermatch.accounts import service as accounts
from suppliermatch.accounts.models import MemberRole, Organisation, OrganisationKind
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.suppliers.models import Supplier
from suppliermatch.suppliers.profiles import service

DEMO_SUPPLIERS_FILE = "suppliers.json"


def load_demo_suppliers(session: Session, progress: Callable[[str], None]) -> int:
    """Create the demo suppliers that are missing; return how many were created."""
    from suppliermatch.seeding.demo import DEMO_DIR, DEMO_PASSWORD

    records = json.loads((DEMO_DIR / DEMO_SUPPLIERS_FILE).read_text(encoding="utf-8"))
    refs = [record["external_ref"] for record in records]
    known = {
        supplier.external_ref: supplier
        for supplier in session.exec(select(Supplier).where(Supplier.external_ref.in_(refs)))
    }
    created = 0
    for record in records:
        supplier = known.get(record["external_ref"])
        if supplier is None:
            supplier = _create(session, record)
            created += 1
        if record["login"]:
            _ensure_login(session, supplier, record["login"], DEMO_PASSWORD)
    session.flush()
    # The MSME logins are in the table `flask seed demo` prints at the end.
    progress(f"suppliers: {created} new of {len(records)}")
    return created


def plant_demo_duplicates(session: Session, progress: Callable[[str], None]) -> int:
    """Flag the demo's doubly entered enterprises, as a coordinator's scan would: the
    duplicate review then has open pairs without anyone pressing "scan". Pairs already
    flagged (open, merged or dismissed) are left as they are."""
    from suppliermatch.accounts.models import Cluster
    from suppliermatch.suppliers.duplicates.service import scan_for_duplicates

    # Cluster by cluster, as coordinators scan: a pair across two clusters is nobody's.
    new = sum(
        scan_for_duplicates(session, cluster_id=cluster_id).new
        for cluster_id in session.exec(select(Cluster.id).order_by(Cluster.id))
    )
    progress(f"duplicate pairs: {new} new flagged")
    return new


def _create(session: Session, record: dict) -> Supplier:
    profile = {field: record.get(field) for field in service.EDITABLE_FIELDS if field in record}
    supplier = service.create_supplier(
        session, service.SYSTEM_ACTOR, values=profile, cluster_slug=record["cluster"]
    )
    supplier.external_ref = record["external_ref"]
    for values in record["capabilities"]:
        service.add_child(
            session, service.SYSTEM_ACTOR, service.CAPABILITIES, supplier.id, values=values
        )
    for values in record["equipment"]:
        service.add_child(
            session, service.SYSTEM_ACTOR, service.EQUIPMENT, supplier.id, values=values
        )
    for certificate in record["certificates"]:
        expires = certificate["expires_on"]
        session.add(
            SupplierCertificate(
                supplier_id=supplier.id,
                code=certificate["code"],
                state=certificate["state"],
                expires_on=date.fromisoformat(expires) if expires else None,
                certificate_number=certificate.get("certificate_number"),
            )
        )
    session.flush()
    return supplier


def _ensure_login(session: Session, supplier: Supplier, login: dict, password: str) -> None:
    """The MSME's owner account, owning the demo profile."""
    if accounts.find_user_by_email(session, login["email"]) is not None:
        return
    organisation = (
        session.get(Organisation, supplier.organisation_id) if supplier.organisation_id else None
    )
    if organisation is None:
        organisation = Organisation(
            kind=OrganisationKind.MSME, name=supplier.legal_name, cluster_id=supplier.cluster_id
        )
        session.add(organisation)
        session.flush()
        supplier.organisation_id = organisation.id
    accounts.create_user(
        session,
        email=login["email"],
        password=password,
        full_name=login["name"],
        organisation=organisation,
        role=MemberRole.OWNER,
        email_verified=True,  # seeded demo logins receive no mail
    )
