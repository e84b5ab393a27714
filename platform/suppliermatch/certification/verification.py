"""A coordinator checks a certified record against its evidence: verified, or rejected
with a reason. Changing the facts of a checked record sends it back (see service)."""

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.certification.models import CertificateEvidence, SupplierCertificate
from suppliermatch.certification.notify import certificate_link, notify_supplier
from suppliermatch.certification.permissions import Purpose, certificate_for
from suppliermatch.certification.service import CertState, Verification, audit, write_with_version
from suppliermatch.dates import today_in_india
from suppliermatch.errors import Conflict, Forbidden, ValidationFailed
from suppliermatch.i18n import gettext
from suppliermatch.models_base import utcnow
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_

security_log = logging.getLogger("suppliermatch.security")
MAX_REASON_LENGTH = 500


def verify(
    session: Session, actor: Actor, certificate_id: int, *, version: int, note: str | None = None
) -> SupplierCertificate:
    certificate, supplier = _checkable(session, actor, certificate_id, version)
    if certificate.verification == Verification.VERIFIED:
        raise Conflict("This certificate is verified already.")
    if not _evidence_count(session, certificate.id):
        raise Conflict("There is no evidence to verify against; ask the MSME to upload it.")
    _decide(session, actor, certificate, supplier, Verification.VERIFIED, note=note)
    return certificate


def reject(
    session: Session, actor: Actor, certificate_id: int, *, version: int, reason: str
) -> SupplierCertificate:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why the certificate is rejected.", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            N_("Keep the reason under %(most)s characters.", most=MAX_REASON_LENGTH), field="reason"
        )
    certificate, supplier = _checkable(session, actor, certificate_id, version)
    if certificate.verification == Verification.REJECTED:
        raise Conflict("This certificate is rejected already.")
    _decide(session, actor, certificate, supplier, Verification.REJECTED, note=reason)
    return certificate


@dataclass(frozen=True)
class QueueEntry:
    certificate: SupplierCertificate
    supplier: Supplier
    evidence_count: int


def verification_queue(
    session: Session,
    actor: Actor,
    *,
    verification: str = Verification.UNVERIFIED,
    today: date | None = None,
) -> list[QueueEntry]:
    """Certified, still valid records awaiting a decision (or rejected ones) in the actor's
    cluster: those with evidence to check first, oldest first."""
    today = today or today_in_india()
    if actor.kind != ActorKind.COORDINATOR and not actor.is_admin:
        raise Forbidden("Only cluster coordinators verify certificates.")
    evidence_count = (
        select(func.count(CertificateEvidence.id))
        .where(CertificateEvidence.certificate_id == SupplierCertificate.id)
        .scalar_subquery()
    )
    statement = (
        select(SupplierCertificate, Supplier, evidence_count)
        .join(Supplier, Supplier.id == SupplierCertificate.supplier_id)
        .where(
            SupplierCertificate.state == CertState.CERTIFIED,
            SupplierCertificate.verification == verification,
            # Past its validity it is the expiry tick's, not the coordinator's.
            col(SupplierCertificate.expires_on) >= today,
        )
        .order_by((evidence_count == 0), SupplierCertificate.updated_at, SupplierCertificate.id)
    )
    if not actor.is_admin:
        statement = statement.where(Supplier.cluster_id == actor.cluster_id)
    return [QueueEntry(c, s, n) for c, s, n in session.exec(statement)]


def _checkable(
    session: Session, actor: Actor, certificate_id: int, version: int
) -> tuple[SupplierCertificate, Supplier]:
    certificate, supplier = certificate_for(session, actor, certificate_id, Purpose.VERIFY)
    if certificate.version != version:
        raise Conflict(
            "Someone else changed this certificate meanwhile. Reload it and check again."
        )
    if certificate.state != CertState.CERTIFIED:
        raise Conflict("Only a certified record can be verified or rejected.")
    return certificate, supplier


def _evidence_count(session: Session, certificate_id: int) -> int:
    statement = select(func.count(CertificateEvidence.id)).where(
        CertificateEvidence.certificate_id == certificate_id
    )
    return session.exec(statement).one()


def _decide(
    session: Session,
    actor: Actor,
    certificate: SupplierCertificate,
    supplier: Supplier,
    decision: Verification,
    *,
    note: str | None,
) -> None:
    previous = certificate.verification
    write_with_version(
        session,
        certificate,
        certificate.version,
        {
            "verification": decision,
            "verified_by_id": actor.user_id,
            "verified_at": utcnow(),
            "rejection_reason": note if decision == Verification.REJECTED else None,
        },
    )
    audit(
        session,
        certificate.id,
        f"verification_{decision.value}",
        actor_user_id=actor.user_id,
        from_state=previous,
        to_state=decision.value,
        note=note,
    )
    security_log.info(
        "certificate_%s user=%s certificate=%s supplier=%s",
        decision.value,
        actor.user_id,
        certificate.id,
        supplier.id,
    )
    name = default_catalogue().display_name(certificate.code)
    verified = decision == Verification.VERIFIED

    # Written in each recipient's language when the notification is queued.
    def subject() -> str:
        if verified:
            return gettext("Your %(name)s certificate is verified", name=name)
        return gettext("Your %(name)s certificate needs attention", name=name)

    def body() -> str:
        if verified:
            return gettext(
                "The cluster coordinator checked your %(name)s certificate against its evidence.",
                name=name,
            )
        return gettext(
            "The cluster coordinator could not verify your %(name)s certificate: %(note)s",
            name=name,
            note=note,
        )

    notify_supplier(
        session,
        supplier,
        kind=f"certificate_{decision.value}",
        subject=subject,
        body=body,
        link=certificate_link(certificate.id),
    )
