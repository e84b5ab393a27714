"""The daily expiry tick: lapse certificates past their validity and remind before it ends.

Run it as often as you like: a record is moved once, and each reminder is queued once per
user (the outbox's unique ``dedup_key``), also when two ticks overlap or one day is missed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.notify import certificate_link, notify_supplier
from suppliermatch.certification.service import CertState, move, renewed_ids
from suppliermatch.formats import day_text
from suppliermatch.i18n import gettext
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.suppliers.models import Supplier

# Reminders before the last valid day: three months (time to book the recertification
# audit), one month and one week.
REMINDER_DAYS_BEFORE_EXPIRY = (90, 30, 7)
EXPIRY_NOTE = "Validity ended; moved by the daily expiry tick."
# States in which a certificate can lapse by date.
LAPSING_STATES = (CertState.CERTIFIED, CertState.SUSPENDED)


@dataclass(frozen=True)
class TickSummary:
    expired: int
    reminders_queued: int

    def __str__(self) -> str:
        return (
            f"{self.expired} certificate(s) moved to expired, "
            f"{self.reminders_queued} reminder(s) queued"
        )


def run_expiry_tick(session: Session, *, today: date) -> TickSummary:
    expired = _expire_lapsed(session, today=today)
    reminders = _queue_reminders(session, today=today)
    return TickSummary(expired=expired, reminders_queued=reminders)


def reminder_threshold(days_left: int) -> int | None:
    """The reminder due with ``days_left`` days of validity left: the tightest threshold
    reached, so a late-recorded certificate gets one reminder, not three at once."""
    reached = [d for d in REMINDER_DAYS_BEFORE_EXPIRY if days_left <= d]
    return min(reached) if reached and days_left >= 0 else None


def _expire_lapsed(session: Session, *, today: date) -> int:
    statement = (
        select(SupplierCertificate)
        .where(
            col(SupplierCertificate.state).in_(LAPSING_STATES),
            col(SupplierCertificate.expires_on) < today,
        )
        .order_by(SupplierCertificate.id)
    )
    lapsed = list(session.exec(statement))
    renewed = renewed_ids(session, [c.id for c in lapsed])
    for certificate in lapsed:
        move(
            session,
            certificate,
            CertState.EXPIRED,
            actor_user_id=None,
            note=EXPIRY_NOTE,
            today=today,
        )
        if certificate.id in renewed:
            continue  # its renewal carries on; nothing to tell
        name = default_catalogue().display_name(certificate.code)
        notify_supplier(
            session,
            session.get(Supplier, certificate.supplier_id),
            kind="certificate_expired",
            subject=lambda name=name: gettext("Your %(name)s certificate has expired", name=name),
            body=lambda name=name, day=certificate.expires_on: gettext(
                "Your %(name)s certificate expired on %(day)s. Buyers no longer count it; record "
                "the renewed certificate once you have it.",
                name=name,
                day=day_text(day),
            ),
            link=certificate_link(certificate.id),
            once_key=f"cert-expired:{certificate.id}",
        )
    return len(lapsed)


def _queue_reminders(session: Session, *, today: date) -> int:
    horizon = today + timedelta(days=max(REMINDER_DAYS_BEFORE_EXPIRY))
    statement = (
        select(SupplierCertificate)
        .where(
            SupplierCertificate.state == CertState.CERTIFIED,
            col(SupplierCertificate.expires_on) >= today,
            col(SupplierCertificate.expires_on) <= horizon,
        )
        .order_by(SupplierCertificate.id)
    )
    expiring = list(session.exec(statement))
    renewed = renewed_ids(session, [c.id for c in expiring])
    queued = 0
    for certificate in expiring:
        if certificate.id in renewed:
            continue
        days_left = (certificate.expires_on - today).days
        threshold = reminder_threshold(days_left)
        if threshold is None:
            continue
        name = default_catalogue().display_name(certificate.code)
        queued += notify_supplier(
            session,
            session.get(Supplier, certificate.supplier_id),
            kind="certificate_expiring",
            subject=lambda name=name, left=days_left, day=certificate.expires_on: gettext(
                "%(name)s expires in %(days)s day(s), on %(day)s",
                name=name,
                days=left,
                day=day_text(day),
            ),
            body=lambda name=name, c=certificate: gettext(
                "Your %(name)s certificate (no. %(number)s) is valid until %(day)s. Book the "
                "recertification audit with %(body)s in time; buyers stop counting it the day "
                "after it expires.",
                name=name,
                number=c.certificate_number,
                day=day_text(c.expires_on),
                body=c.issuing_body or gettext("your certification body"),
            ),
            link=certificate_link(certificate.id),
            once_key=f"cert-expiry:{certificate.id}:{threshold}",
        )
    return queued
