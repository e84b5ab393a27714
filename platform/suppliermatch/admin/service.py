"""The admin's changes to users, organisations and clusters, each with its audit entry.

Plain functions over a session; the caller commits. An admin never locks itself out: it
cannot deactivate itself, nor give up its own admin role.
"""

import secrets

from sqlalchemy import func
from sqlmodel import Session, select

from suppliermatch.access import Actor
from suppliermatch.accounts import service as accounts
from suppliermatch.accounts.models import (
    Cluster,
    MemberRole,
    Organisation,
    OrganisationKind,
    User,
)
from suppliermatch.audit.models import AuditEvent
from suppliermatch.audit.service import record_transition
from suppliermatch.errors import Conflict, NotFound, ValidationFailed
from suppliermatch.translatable import N_

ADMIN = "admin"
# What an admin can make a user: a role in the user's organisation, or a platform admin.
ROLES = {MemberRole.MEMBER.value: "Member", MemberRole.OWNER.value: "Owner", ADMIN: "Admin"}
KIND_LABELS = {
    OrganisationKind.MSME: "MSME",
    OrganisationKind.ANCHOR: "Anchor firm",
    OrganisationKind.CLUSTER_OFFICE: "Cluster office",
}
# The audit actions written here: the admin pages list the latest of them.
ADMIN_ACTIONS = (
    "user_created",
    "user_deactivated",
    "user_reactivated",
    "role_changed",
    "organisation_created",
    "organisation_deactivated",
    "organisation_reactivated",
    "cluster_created",
)


def role_of(user: User) -> str:
    return ADMIN if user.is_admin else user.role


def _audit(session: Session, actor: Actor, entity_type: str, entity_id: int, action: str, **kw):
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        **kw,
    )


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def _organisation(session: Session, organisation_id: int, field: str) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise ValidationFailed("No organisation with this id.", field=field)
    return organisation


# ---------------------------------------------------------------- reading


def users_statement():
    """Every user, newest first, with its organisation (None for platform admins)."""
    return (
        select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id, isouter=True)
        .order_by(User.created_at.desc(), User.id.desc())
    )


def organisations_with_counts(session: Session) -> list[dict]:
    """Every organisation with its cluster and how many of its users are active."""
    counts = dict(
        session.exec(
            select(User.organisation_id, func.count(User.id))
            .where(User.is_active)
            .group_by(User.organisation_id)
        ).all()
    )
    totals = dict(
        session.exec(
            select(User.organisation_id, func.count(User.id)).group_by(User.organisation_id)
        ).all()
    )
    clusters = {c.id: c for c in session.exec(select(Cluster))}
    rows = session.exec(select(Organisation).order_by(Organisation.kind, Organisation.name))
    return [
        {
            "organisation": organisation,
            "kind_label": KIND_LABELS.get(organisation.kind, organisation.kind),
            "cluster": clusters.get(organisation.cluster_id),
            "active_users": counts.get(organisation.id, 0),
            "users": totals.get(organisation.id, 0),
        }
        for organisation in rows
    ]


def clusters_with_counts(session: Session) -> list[dict]:
    organisations = dict(
        session.exec(
            select(Organisation.cluster_id, func.count(Organisation.id)).group_by(
                Organisation.cluster_id
            )
        ).all()
    )
    return [
        {"cluster": cluster, "organisations": organisations.get(cluster.id, 0)}
        for cluster in session.exec(select(Cluster).order_by(Cluster.name))
    ]


def recent_admin_events(session: Session, *, limit: int = 20) -> list[AuditEvent]:
    """The latest admin changes, newest first: who did what to whom, and when."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.action.in_(ADMIN_ACTIONS))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- users


def create_user(
    session: Session, actor: Actor, *, email: str, full_name: str, role: str, organisation_id
) -> User:
    """A new account. It gets no password anyone knows: its owner sets one through
    "Forgot password?", which also proves the address is theirs."""
    if role == ADMIN:
        if organisation_id is not None:
            raise ValidationFailed(
                "A platform admin belongs to no organisation: leave it empty.",
                field="organisation_id",
            )
        organisation = None
    else:
        if organisation_id is None:
            raise ValidationFailed("Choose the user's organisation.", field="organisation_id")
        organisation = _organisation(session, organisation_id, "organisation_id")
    user = accounts.create_user(
        session,
        email=email,
        password=secrets.token_urlsafe(32),
        full_name=full_name,
        organisation=organisation,
        role=MemberRole.MEMBER if role == ADMIN else role,
        is_admin=role == ADMIN,
        added_by=session.get(User, actor.user_id),
    )
    _audit(session, actor, "user", user.id, "user_created", to_state=role, note=user.email)
    return user


def set_user_active(session: Session, actor: Actor, user_id: int, *, active: bool) -> User:
    user = _user(session, user_id)
    if user.id == actor.user_id and not active:
        raise Conflict("You cannot deactivate your own account.", field="active")
    if user.is_active == active:
        return user
    user.is_active = active
    if not active:
        accounts.end_all_sessions(user)  # signed out everywhere at once
    session.add(user)
    action = "user_reactivated" if active else "user_deactivated"
    _audit(session, actor, "user", user.id, action, note=user.email)
    return user


def change_role(session: Session, actor: Actor, user_id: int, *, role: str) -> User:
    user = _user(session, user_id)
    before = role_of(user)
    if before == role:
        return user
    if user.id == actor.user_id and before == ADMIN:
        raise Conflict("You cannot give up your own admin role; ask another admin.", field="role")
    if role != ADMIN and user.organisation_id is None:
        raise Conflict(
            "This user belongs to no organisation, so can only be an admin.", field="role"
        )
    user.is_admin = role == ADMIN
    if role != ADMIN:
        user.role = role
    accounts.end_all_sessions(user)  # what the user may do changed: sign in again
    session.add(user)
    _audit(
        session,
        actor,
        "user",
        user.id,
        "role_changed",
        from_state=before,
        to_state=role,
        note=user.email,
    )
    return user


# ---------------------------------------------------------------- organisations and clusters


def create_organisation(
    session: Session, actor: Actor, *, kind: str, name: str, cluster_id: int
) -> Organisation:
    cluster = session.get(Cluster, cluster_id)
    if cluster is None:
        raise ValidationFailed("No cluster with this id.", field="cluster_id")
    if (
        kind == OrganisationKind.CLUSTER_OFFICE
        and session.exec(
            select(Organisation.id).where(
                Organisation.kind == OrganisationKind.CLUSTER_OFFICE,
                Organisation.cluster_id == cluster.id,
            )
        ).first()
    ):
        raise Conflict(
            N_("%(cluster)s has its office already.", cluster=cluster.name), field="kind"
        )
    organisation = Organisation(kind=kind, name=name.strip(), cluster_id=cluster.id)
    session.add(organisation)
    session.flush()
    if kind == OrganisationKind.MSME:
        from suppliermatch.suppliers.profiles.service import create_profile_for_organisation

        create_profile_for_organisation(session, organisation)
    _audit(
        session,
        actor,
        "organisation",
        organisation.id,
        "organisation_created",
        to_state=kind,
        note=organisation.name,
    )
    return organisation


def set_organisation_active(
    session: Session, actor: Actor, organisation_id: int, *, active: bool
) -> int:
    """Deactivate (or reactivate) every user of the organisation; how many changed."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation.")
    members = list(session.exec(select(User).where(User.organisation_id == organisation.id)))
    if not active and any(user.id == actor.user_id for user in members):
        raise Conflict("You cannot deactivate your own organisation.", field="active")
    changed = [user for user in members if user.is_active != active]
    for user in changed:
        user.is_active = active
        if not active:
            accounts.end_all_sessions(user)
        session.add(user)
    action = "organisation_reactivated" if active else "organisation_deactivated"
    _audit(
        session,
        actor,
        "organisation",
        organisation.id,
        action,
        note=f"{organisation.name}: {len(changed)} user(s)",
    )
    return len(changed)


def create_cluster(session: Session, actor: Actor, *, slug: str, name: str, state: str) -> Cluster:
    if session.exec(select(Cluster.id).where(Cluster.slug == slug)).first():
        raise Conflict(
            N_("A cluster with the slug '%(slug)s' exists already.", slug=slug), field="slug"
        )
    cluster = Cluster(slug=slug, name=name.strip(), state=state.strip())
    session.add(cluster)
    session.flush()
    _audit(session, actor, "cluster", cluster.id, "cluster_created", note=cluster.name)
    return cluster
