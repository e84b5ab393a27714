"""Factories: build valid rows with the least typing, through the same services users hit."""

import itertools

from sqlmodel import Session
from suppliermatch.accounts import service as accounts
from suppliermatch.accounts.models import Cluster, Organisation, OrganisationKind, User

# Strong enough for the password policy; tests use the cheapest argon2 profile.
PASSWORD = "correct-horse-magnet-staple"  # noqa: S105
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
) -> User:
    """kind: msme, anchor, coordinator or admin."""
    email = email or f"{unique(kind)}@example.test"
    if kind == "admin":
        return accounts.create_user(
            session,
            email=email,
            password=PASSWORD,
            full_name="Admin",
            organisation=None,
            is_admin=True,
        )
    if kind == "coordinator":
        return accounts.create_coordinator(
            session, email=email, password=PASSWORD, full_name="Coordinator", cluster=cluster
        )
    organisation = organisation or make_organisation(
        session, kind=OrganisationKind(kind), cluster=cluster
    )
    return accounts.create_user(
        session,
        email=email,
        password=PASSWORD,
        full_name=f"{kind} user",
        organisation=organisation,
        role="owner",
    )
