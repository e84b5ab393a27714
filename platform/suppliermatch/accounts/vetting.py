"""Vetting anchor firms: a user of an anchor firm waits for the cluster coordinator.

An anchor that signs itself up (and each new user of an anchor firm, unless the firm's
approved owner or an admin adds them; see ``service.create_user``) starts ``pending``. Until
approved its actor is ``UNVETTED_ANCHOR`` (see ``access``): it reads what the public
directory shows and nothing a buyer gets once trusted: no identifiers, contacts, money or
exact location of any supplier, no certificate records or evidence, no scorecards, and no
requirements, matches, invitations or quotes (an RFQ would put it in touch with suppliers
and bring it their prices).

The coordinator of the firm's cluster (admins: of any) approves, or rejects with a reason.
Each decision is a line of the audit trail and a notification to the user. Functions take
the session first and never commit.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts.models import Cluster, Organisation, OrganisationKind, User, Vetting
from suppliermatch.audit.service import record_transition
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.notifications.service import Kind, active_users_of, enqueue
from suppliermatch.translatable import N_, marked

security_log = logging.getLogger("suppliermatch.security")
AUDIT_ENTITY = "user"
MAX_REASON_LENGTH = 500
QUEUE_PAGE = "/anchors/vetting"
# A rejected firm may be approved later (it wrote to the cluster office); an approval is
# final here: withdrawing a firm's trust is another matter than vetting it.
DECIDABLE_FROM = {
    Vetting.APPROVED: (Vetting.PENDING, Vetting.REJECTED),
    Vetting.REJECTED: (Vetting.PENDING,),
}
HOME_PAGE = "/"


@dataclass(frozen=True)
class Applicant:
    """One anchor user in the queue, with the firm and cluster it signed up for."""

    user: User
    organisation: Organisation
    cluster: Cluster | None


def request_vetting(session: Session, user: User, organisation: Organisation) -> None:
    """A new anchor user waits: the trail says so and the cluster's coordinators are told."""
    record_transition(
        session,
        actor_user_id=user.id,
        entity_type=AUDIT_ENTITY,
        entity_id=user.id,
        action="anchor_vetting_requested",
        to_state=Vetting.PENDING,
        details={"organisation_id": organisation.id},
    )
    if organisation.cluster_id is None:
        return  # no cluster, no coordinator: the admins' queue shows it
    offices = session.exec(
        select(Organisation.id).where(
            Organisation.kind == OrganisationKind.CLUSTER_OFFICE,
            Organisation.cluster_id == organisation.cluster_id,
        )
    )
    enqueue(
        session,
        user_ids=active_users_of(session, offices),
        kind=Kind.ANCHOR_WAITING,
        subject=f"{organisation.name} waits for your approval as an anchor firm",
        body=f"{user.full_name} ({user.email}) signed up for {organisation.name}. Until you "
        "approve the account it sees only the public directory.",
        link=QUEUE_PAGE,
    )


def _check_coordinator(actor: Actor) -> None:
    if actor.kind != ActorKind.COORDINATOR and not actor.is_admin:
        raise Forbidden("Only cluster coordinators vet anchor firms.")


def _applicants(actor: Actor):
    statement = (
        select(User, Organisation, Cluster)
        .join(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Cluster, Cluster.id == Organisation.cluster_id)
        .where(Organisation.kind == OrganisationKind.ANCHOR, User.vetting.is_not(None))
    )
    if not actor.is_admin:
        statement = statement.where(
            Organisation.cluster_id.is_not(None), Organisation.cluster_id == actor.cluster_id
        )
    return statement


def vetting_queue(session: Session, actor: Actor, *, state: str = Vetting.PENDING):
    """A statement for the anchor users of the actor's cluster in ``state`` (pending by
    default), oldest first; rows are (user, organisation, cluster)."""
    _check_coordinator(actor)
    return (
        _applicants(actor)
        .where(User.vetting == state, User.is_active)
        .order_by(User.created_at, User.id)
    )


def applicants(rows) -> list[Applicant]:
    return [Applicant(user, organisation, cluster) for user, organisation, cluster in rows]


def decide(
    session: Session, actor: Actor, user_id: int, *, decision: str, reason: str | None
) -> Applicant:
    """Approve (``decision="approve"``) a pending or rejected anchor user, or reject a pending
    one, saying why."""
    _check_coordinator(actor)
    reason = (reason or "").strip() or None
    if decision == "reject" and reason is None:
        raise ValidationFailed("Say why the firm is not approved.", field="reason")
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            N_("Keep the reason under %(most)s characters.", most=MAX_REASON_LENGTH), field="reason"
        )
    row = session.exec(_applicants(actor).where(User.id == user_id)).first()
    if row is None:
        raise NotFound("No such anchor account in your cluster.")
    applicant = Applicant(*row)
    outcome = Vetting.APPROVED if decision == "approve" else Vetting.REJECTED
    previous = applicant.user.vetting
    if previous not in DECIDABLE_FROM[outcome]:
        raise Conflict(N_("This account was %(previous)s already.", previous=marked(previous)))
    # Approval vouches for the firm on the strength of who it says it is, and its e-mail
    # address is the coordinator's best evidence: not until the applicant proved it reads it.
    if outcome == Vetting.APPROVED and applicant.user.email_verified_at is None:
        raise Conflict(
            "This user has not verified the e-mail address yet; approve once they have "
            "followed the link we sent."
        )
    # Of two coordinators deciding at once, only the first finds it as it was read.
    claimed = session.execute(
        update(User)
        .where(User.id == user_id, User.vetting == previous)
        .values(vetting=outcome)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict("Someone decided on this account meanwhile; reload the queue.")
    session.refresh(applicant.user)
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type=AUDIT_ENTITY,
        entity_id=user_id,
        action=f"anchor_vetting_{outcome.value}",
        from_state=previous,
        to_state=outcome,
        note=reason,
        details={"organisation_id": applicant.organisation.id},
    )
    security_log.info(
        "anchor_vetting_%s user=%s anchor_user=%s organisation=%s",
        outcome.value,
        actor.user_id,
        user_id,
        applicant.organisation.id,
    )
    _tell_the_applicant(session, applicant, outcome, reason)
    return applicant


def _tell_the_applicant(
    session: Session, applicant: Applicant, outcome: Vetting, reason: str | None
) -> None:
    firm = applicant.organisation.name
    if outcome == Vetting.APPROVED:
        kind = Kind.ANCHOR_APPROVED
        subject = f"{firm} is approved on SupplierMatch"
        body = (
            "The cluster coordinator approved your account: you can now post requirements "
            "and see the full profiles of your cluster's suppliers."
        )
    else:
        kind = Kind.ANCHOR_REJECTED
        subject = f"{firm} was not approved on SupplierMatch"
        body = (
            f"The cluster coordinator did not approve your account: {reason} "
            "You still see the public directory; write to the cluster office to ask again."
        )
    if reason and outcome == Vetting.APPROVED:
        body += f" Note from the coordinator: {reason}"
    enqueue(
        session, user_ids=[applicant.user.id], kind=kind, subject=subject, body=body, link=HOME_PAGE
    )
