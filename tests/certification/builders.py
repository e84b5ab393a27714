"""Builders for certification tests: supplier profiles, records, requirements, quotes."""

from datetime import timedelta

from sqlmodel import select

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.dates import today_in_india
from suppliermatch.requirements.models import Quote, Requirement
from suppliermatch.suppliers.models import Supplier

# The app's own "today", so records built here look the same to the API under test.
TODAY = today_in_india()


# A test laboratory as the matching engine reads it: it offers magnetic property, flux,
# dimensional and corrosion testing, with room for any quantity the tests ask for.
LAB_TEXT = (
    "Test laboratory: hysteresisgraph B-H loop testing, Helmholtz coil flux checks, "
    "CMM inspection and salt spray testing."
)
LAB_CAPACITY = 1_000_000


def make_lab(session, supplier: Supplier) -> Supplier:
    """Give ``supplier`` the laboratory's capabilities (``LAB_TEXT``)."""
    from suppliermatch.suppliers.models import Capability

    supplier.about = LAB_TEXT
    supplier.categories = ["testing"]
    session.add(supplier)
    session.add(
        Capability(supplier_id=supplier.id, category="testing", capacity_per_month=LAB_CAPACITY)
    )
    session.flush()
    return supplier


def supplier_of(session, user, *, categories=()) -> Supplier:
    """The MSME user's supplier profile (made here until the factory makes one)."""
    supplier = session.exec(
        select(Supplier).where(Supplier.organisation_id == user.organisation_id)
    ).first()
    if supplier is None:
        from suppliermatch.accounts.models import Organisation

        organisation = session.get(Organisation, user.organisation_id)
        supplier = Supplier(
            organisation_id=organisation.id,
            cluster_id=organisation.cluster_id,
            legal_name=organisation.name,
        )
    supplier.categories = list(categories)
    session.add(supplier)
    session.flush()
    return supplier


def make_record(session, supplier, code="ISO9001", state="certified", **fields):
    """A record in any state, written directly: the starting point of a test."""
    if state in ("certified", "suspended", "expired"):
        fields.setdefault("certificate_number", f"{code}-{supplier.id}-001")
        fields.setdefault("issuing_body", "TUV India")
        fields.setdefault("issued_on", TODAY - timedelta(days=400))
        fields.setdefault("expires_on", TODAY + timedelta(days=700))
    if state == "audit_scheduled":
        fields.setdefault("audit_on", TODAY + timedelta(days=20))
    record = SupplierCertificate(supplier_id=supplier.id, code=code, state=state, **fields)
    session.add(record)
    session.flush()
    return record


def make_requirement(session, anchor_user, **fields) -> Requirement:
    from suppliermatch.accounts.models import Organisation

    organisation = session.get(Organisation, anchor_user.organisation_id)
    fields.setdefault("title", "Hysteresisgraph testing of sintered NdFeB blocks")
    fields.setdefault("category", "testing")
    fields.setdefault("status", "published")
    fields.setdefault("visibility", "cluster")
    fields.setdefault("needed_by", TODAY + timedelta(days=120))
    requirement = Requirement(
        anchor_id=organisation.id, cluster_id=organisation.cluster_id, **fields
    )
    session.add(requirement)
    session.flush()
    return requirement


def make_quote(session, requirement, supplier) -> Quote:
    quote = Quote(
        requirement_id=requirement.id,
        supplier_id=supplier.id,
        lead_time_days=21,
        valid_until=TODAY + timedelta(days=60),
    )
    session.add(quote)
    session.flush()
    return quote
