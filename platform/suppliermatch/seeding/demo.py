"""The demo dataset: seeds/demo/*.json loaded through the services, idempotently.

Each record has a natural key (cluster slug, organisation name, user e-mail, supplier
external ref, requirement external ref); a record that exists already is left as it is,
so running the loader twice changes nothing.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, select

from suppliermatch.accounts import service as accounts
from suppliermatch.accounts.models import Cluster, Organisation, OrganisationKind, User, Vetting
from suppliermatch.paths import SEEDS_DIR

DEMO_DIR = SEEDS_DIR / "demo"
# Shown on the README and printed by `flask seed demo`; demo data only.
DEMO_PASSWORD = "magnet-demo-2026"  # noqa: S105


def _read(name: str):
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def load_demo(session: Session, progress: Callable[[str], None] = lambda _m: None) -> dict:
    summary = {}
    summary["clusters"] = _load_clusters(session)
    progress(f"clusters: {summary['clusters']} new")
    summary["users"] = _load_users(session)
    progress(f"organisations and users: {summary['users']} new users")
    for name, loader in extra_loaders():
        summary[name] = loader(session, progress)
    return summary


def extra_loaders() -> list[tuple[str, Callable]]:
    """Loaders contributed by features (suppliers, requirements, certificates, and what
    follows the award: payments and part qualification)."""
    from suppliermatch.certification.demo import demo_loader as load_demo_certificates
    from suppliermatch.payments.demo import load_demo_payments
    from suppliermatch.qualification.demo import demo_loader as load_demo_qualifications
    from suppliermatch.requirements.demo import load_demo_requirements
    from suppliermatch.suppliers.profiles.seed import load_demo_suppliers, plant_demo_duplicates

    return [
        ("suppliers", load_demo_suppliers),
        ("duplicate pairs", plant_demo_duplicates),
        ("requirements", load_demo_requirements),
        ("certificates", load_demo_certificates),
        ("purchase orders", load_demo_payments),
        ("qualifications", load_demo_qualifications),
    ]


def _load_clusters(session: Session) -> int:
    created = 0
    for row in _read("clusters.json"):
        if session.exec(select(Cluster).where(Cluster.slug == row["slug"])).first():
            continue
        session.add(Cluster(**row))
        created += 1
    session.flush()
    return created


def _organisation(session: Session, kind: str, name: str, cluster_slug: str | None):
    cluster = accounts.get_cluster_by_slug(session, cluster_slug) if cluster_slug else None
    organisation = session.exec(
        select(Organisation).where(Organisation.kind == kind, Organisation.name == name)
    ).first()
    if organisation is None:
        organisation = Organisation(
            kind=kind, name=name, cluster_id=cluster.id if cluster else None
        )
        session.add(organisation)
        session.flush()
    return organisation, cluster


def _load_users(session: Session) -> int:
    created = 0
    for row in _read("users.json"):
        if accounts.find_user_by_email(session, row["email"]) is not None:
            continue
        if row["kind"] == "admin":
            accounts.create_user(
                session,
                email=row["email"],
                password=DEMO_PASSWORD,
                full_name=row["name"],
                organisation=None,
                is_admin=True,
                email_verified=True,  # demo addresses receive no mail
            )
        elif row["kind"] == "coordinator":
            cluster = accounts.get_cluster_by_slug(session, row["cluster"])
            accounts.create_coordinator(
                session,
                email=row["email"],
                password=DEMO_PASSWORD,
                full_name=row["name"],
                cluster=cluster,
                email_verified=True,
            )
        else:
            organisation, _ = _organisation(
                session, row["kind"], row["organisation"], row.get("cluster")
            )
            accounts.create_user(
                session,
                email=row["email"],
                password=DEMO_PASSWORD,
                full_name=row["name"],
                organisation=organisation,
                role=row.get("role", "owner"),
                # The demo's anchor firms are known to their coordinators, but for one that
                # has just signed up: the coordinator's vetting queue has work to show.
                vetted=not row.get("awaiting_approval", False),
                email_verified=True,
            )
        created += 1
    session.flush()
    return created


@dataclass(frozen=True)
class DemoLogin:
    role: str
    cluster: str
    email: str
    organisation: str


ROLE_LABELS = {
    OrganisationKind.MSME: "msme",
    OrganisationKind.ANCHOR: "anchor",
    OrganisationKind.CLUSTER_OFFICE: "coordinator",
}
# The order of the printed table: who to try first.
ROLE_ORDER = ("admin", "coordinator", "anchor", "msme")


def demo_logins(session: Session) -> list[DemoLogin]:
    """Every demo login that exists (users.json and the MSME owners of suppliers.json), by
    cluster and then role."""
    from suppliermatch.suppliers.profiles.seed import DEMO_SUPPLIERS_FILE

    emails = [row["email"] for row in _read("users.json") if row.get("show_login", True)]
    emails += [row["login"]["email"] for row in _read(DEMO_SUPPLIERS_FILE) if row["login"]]
    rows = session.exec(
        select(User, Organisation, Cluster)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Cluster, Cluster.id == Organisation.cluster_id)
        .where(User.email.in_(emails))
    )
    logins = [
        DemoLogin(
            role=_role(user, organisation),
            cluster=cluster.name if cluster else "all clusters",
            email=user.email,
            organisation=organisation.name if organisation and not user.is_admin else "",
        )
        for user, organisation, cluster in rows
    ]
    return sorted(
        logins,
        key=lambda x: (
            x.cluster != "all clusters",
            x.cluster,
            ROLE_ORDER.index(x.role.split()[0]),
            x.email,
        ),
    )


def _role(user: User, organisation: Organisation | None) -> str:
    if user.is_admin:
        return "admin"
    role = ROLE_LABELS[OrganisationKind(organisation.kind)]
    return f"{role} (awaiting approval)" if user.vetting == Vetting.PENDING else role


def login_table(logins: list[DemoLogin]) -> list[str]:
    """The logins as lines of a plain-text table, columns as wide as their longest entry."""
    header = DemoLogin("role", "cluster", "e-mail", "organisation")
    rows = [header, *logins]
    widths = [max(len(getattr(r, f)) for r in rows) for f in ("role", "cluster", "email")]

    def line(r: DemoLogin) -> str:
        cells = (r.role, r.cluster, r.email)
        return (
            "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
            + "  "
            + r.organisation
        )

    return [line(header).rstrip(), *(line(r).rstrip() for r in logins)]
