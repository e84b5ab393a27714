"""Factories: build valid rows with the least typing, through the same services users hit."""

import itertools

from sqlmodel import Session

from suppliermatch.accounts import service as accounts
from suppliermatch.accounts.models import Cluster, Organisation, OrganisationKind, User
from suppliermatch.dates import today_in_india

# Strong enough for the password policy; tests use the cheapest argon2 profile.
PASSWORD = "correct-horse-magnet-staple"
_sequence = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_sequence)}"


def make_cluster(session: Session, *, slug: str | None = None, name: str | None = None) -> Cluster:
    slug = slug or unique("cluster")
    cluster = Cluster(slug=slug, name=name or f"{slug.title()} REPM cluster", state="Odisha")
    session.add(cluster)
    session.flush()
    return cluster


def make_organisation(
    session: Session, *, kind: OrganisationKind, cluster: Cluster | None, name: str | None = None
) -> Organisation:
    organisation = Organisation(
        kind=kind,
        name=name or unique(f"{kind.value} org "),
        cluster_id=cluster.id if cluster else None,
    )
    session.add(organisation)
    session.flush()
    return organisation


def make_user(
    session: Session,
    *,
    kind: str,
    cluster: Cluster | None = None,
    organisation: Organisation | None = None,
    email: str | None = None,
    vetted: bool = True,
) -> User:
    """kind: msme, anchor, coordinator or admin. An anchor is approved by its coordinator
    unless ``vetted=False`` (then it waits, as a self-registered anchor does)."""
    email = email or f"{unique(kind)}@example.test"
    if kind == "admin":
        return accounts.create_user(
            session,
            email=email,
            password=PASSWORD,
            full_name="Admin",
            organisation=None,
            is_admin=True,
            email_verified=True,
        )
    if kind == "coordinator":
        return accounts.create_coordinator(
            session,
            email=email,
            password=PASSWORD,
            full_name="Coordinator",
            cluster=cluster,
            email_verified=True,
        )
    organisation = organisation or make_organisation(
        session, kind=OrganisationKind(kind), cluster=cluster
    )
    user = accounts.create_user(
        session,
        email=email,
        password=PASSWORD,
        full_name=f"{kind} user",
        organisation=organisation,
        role="owner",
        vetted=vetted,
        # Factory users have proven their address; tests of verification sign up instead.
        email_verified=True,
    )
    if kind == "msme":
        _ensure_supplier_profile(session, organisation)
    return user


# -- suppliers ------------------------------------------------------------------------------


def _ensure_supplier_profile(session: Session, organisation: Organisation):
    """An MSME organisation's supplier profile, as sign-up creates it."""
    from sqlmodel import select

    from suppliermatch.suppliers.models import Supplier
    from suppliermatch.suppliers.profiles.service import create_profile_for_organisation

    existing = session.exec(
        select(Supplier).where(Supplier.organisation_id == organisation.id)
    ).first()
    return existing or create_profile_for_organisation(session, organisation)


def make_supplier(
    session: Session,
    *,
    cluster: Cluster | None = None,
    capabilities: list[dict] = (),
    equipment: list[dict] = (),
    certificates: list[tuple] = (),
    **fields,
):
    """A supplier (not signed up) through the service as an admin would add it.

    ``fields`` are profile fields (legal_name, gstin, pincode ...); ``certificates`` are
    (code, state, expires_on) tuples.
    """
    from suppliermatch.certification.models import SupplierCertificate
    from suppliermatch.suppliers.profiles import service

    fields.setdefault("legal_name", unique("Shree Ganesh Engineering Works "))
    cluster_slug = cluster.slug if cluster else None
    supplier = service.create_supplier(
        session, service.SYSTEM_ACTOR, values=fields, cluster_slug=cluster_slug
    )
    system = service.SYSTEM_ACTOR
    for values in capabilities:
        service.add_child(session, system, service.CAPABILITIES, supplier.id, values=values)
    for values in equipment:
        service.add_child(session, system, service.EQUIPMENT, supplier.id, values=values)
    for code, state, expires_on in certificates:
        certificate = SupplierCertificate(
            supplier_id=supplier.id, code=code, state=state, expires_on=expires_on
        )
        session.add(certificate)
    session.flush()
    session.refresh(supplier)
    return supplier


# -- requirements (RFQs) ------------------------------------------------------------------------


def supplier_profile_for(session: Session, user: User):
    """The MSME user's supplier profile, created when the user has none yet."""
    from sqlmodel import select

    from suppliermatch.suppliers.models import Supplier

    organisation = session.get(Organisation, user.organisation_id)
    supplier = session.exec(
        select(Supplier).where(Supplier.organisation_id == organisation.id)
    ).first()
    if supplier is None:
        supplier = Supplier(
            organisation_id=organisation.id,
            cluster_id=organisation.cluster_id,
            legal_name=organisation.name,
        )
        session.add(supplier)
        session.flush()
    return supplier


def make_requirement(
    session: Session,
    *,
    anchor_user: User,
    publish: bool = True,
    deadline_in_days: float = 7,
    line_items: list[dict] | None = None,
    **fields,
):
    """A requirement posted by ``anchor_user``'s firm through the service, published by default."""
    from datetime import timedelta

    from suppliermatch.access import actor_for_user
    from suppliermatch.models_base import utcnow
    from suppliermatch.requirements import service

    actor = actor_for_user(session, anchor_user)
    data = {
        "title": unique("Graphite boats for sintering, batch "),
        "category": "furnace_parts",
        "quantity_per_month": 400,
        "quote_deadline": utcnow() + timedelta(days=deadline_in_days),
        "line_items": line_items
        or [
            {"item": "Graphite boat 300x200", "quantity": 300, "unit": "pcs"},
            {"item": "Graphite tray lid", "quantity": 100, "unit": "pcs"},
        ],
        **fields,
    }
    requirement = service.create_requirement(session, actor=actor, data=data)
    if publish:
        service.publish(session, actor=actor, requirement_id=requirement.id)
    session.flush()
    return requirement


# -- matching -------------------------------------------------------------------------------------


def make_buyer_and_coordinator(session: Session) -> dict:
    """The Ganjam cluster with anchor X's buyer and the cluster's coordinator: the cast
    ``make_matching_scene`` needs when a test runs outside the shared ``cast``."""
    cluster = make_cluster(session, slug="ganjam")
    return {
        "cluster_1": cluster,
        "anchor_x": make_user(session, kind="anchor", cluster=cluster),
        "coordinator_1": make_user(session, kind="coordinator", cluster=cluster),
    }


def make_matching_scene(session: Session, world: dict, *, needed_in_days: int = 60) -> dict:
    """Anchor X's NiCuNi plating requirement and suppliers of cluster 1 around it.

    - ``plater``: offers NiCuNi plating, holds ISO 9001, capacity for the whole quantity;
    - ``lapsed_plater``: offers it too, but its ISO 9001 expired: fails a hard constraint;
    - ``small_plater``: offers it, holds ISO 9001, capacity below half the quantity;
    - ``zinc_plater``: offers only zinc plating (a related process) and holds ISO 9001;
    - ``machinist``: CNC turning only: not a candidate.
    Commits, so that pages and API calls see it.
    """
    from datetime import timedelta

    today = today_in_india()
    cluster = world["cluster_1"]
    valid = today + timedelta(days=900)

    def supplier(
        name,
        text,
        *,
        category="coatings",
        capacity=10_000,
        certificates=(("ISO9001", "certified", valid),),
    ):
        return make_supplier(
            session,
            cluster=cluster,
            legal_name=name,
            pincode="635109",
            about=text,
            capabilities=[{"category": category, "capacity_per_month": capacity}],
            certificates=certificates,
        )

    scene = {
        "plater": supplier("Kaveri Platers Pvt Ltd", "Ni/Cu/Ni barrel plating of NdFeB magnets."),
        "lapsed_plater": supplier(
            "Hosur Electroplaters",
            "Nickel copper nickel plating for magnets.",
            certificates=(("ISO9001", "expired", today - timedelta(days=30)),),
        ),
        "small_plater": supplier("Tiny Finishers", "NiCuNi electroplating line.", capacity=1_000),
        "zinc_plater": supplier("Deccan Zinc Coaters", "Zinc plating and passivation services."),
        "machinist": supplier(
            "Precision Turners", "CNC turning of fixtures.", category="cnc_machining"
        ),
    }
    scene["requirement"] = make_requirement(
        session,
        anchor_user=world["anchor_x"],
        title="Ni-Cu-Ni plating for sintered NdFeB magnets",
        category="coatings",
        description="Barrel plating of sintered blocks, 15-20 micron.",
        required_certs=["ISO9001"],
        quantity_per_month=5_000,
        plant_pincode="635109",
        max_distance_km=300,
        needed_by=today + timedelta(days=needed_in_days),
    )
    session.commit()
    return scene
