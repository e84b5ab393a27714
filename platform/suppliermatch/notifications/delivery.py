"""E-mailing the outbox: each pending notification is sent once, in its own transaction.

One message is claimed at a time (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
senders never pick the same row; SQLite's write lock serialises them anyway), sent, and
marked as e-mailed before the caller commits. A crash between the SMTP hand-off and the
commit can send a message twice; it never loses one. A failed send is retried later, up
to ``MAX_EMAIL_ATTEMPTS`` times.
"""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from suppliermatch.accounts.models import User
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_

log = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
SMTP_TIMEOUT_SECONDS = 30


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpMailer:
    """Hands messages to an SMTP relay (MAIL_HOST / MAIL_PORT; sender MAIL_FROM)."""

    host: str
    port: int
    sender: str

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            smtp.send_message(message)


# The footer says why the message came: to a user's account, or to a listed enterprise.
# Marked for the catalogues; written in the recipient's language when the e-mail is made.
ACCOUNT_FOOTER = N_("You receive this because you have an account on SupplierMatch.")
LISTED_FOOTER = N_(
    "You receive this because your cluster coordinator listed your enterprise on "
    "SupplierMatch with this address. If it is not yours, ignore this e-mail."
)


def compose(
    notification: Notification,
    *,
    to: str,
    sender: str,
    base_url: str = "",
    link: str | None = None,
    footer: str = ACCOUNT_FOOTER,
) -> EmailMessage:
    """The e-mail of a notification; ``link`` (a path) replaces the stored one."""
    message = EmailMessage()
    message["Subject"] = notification.subject
    message["From"] = sender
    message["To"] = to
    body = notification.body
    link = link or notification.link
    if link:
        body += f"\n\n{base_url.rstrip('/')}{link}"
    body += f"\n\n{_in_language_of(notification, footer)}"
    message.set_content(body)
    return message


def _in_language_of(notification: Notification, message: str) -> str:
    """A fixed line (the footer) in the recipient's saved language: the subject and body
    were written in it when queued (notifications.service)."""
    from suppliermatch.i18n import in_language, translated

    language = None
    if notification.user_id is not None:
        from sqlalchemy.orm import object_session

        session = object_session(notification)
        user = session.get(User, notification.user_id) if session is not None else None
        language = user.locale if user is not None else None
    with in_language(language):
        return translated(message)


def claim_next(session: Session, *, skip_ids=()) -> tuple[Notification, str] | None:
    """The oldest notification still to e-mail, locked for this sender, with its address:
    the user's, or for a profile nobody has claimed, the profile's e-mail on record.

    ``skip_ids``: those already tried in this run (a failure waits for the next run).
    """
    statement = (
        select(Notification, func.coalesce(User.email, Supplier.email))
        .outerjoin(User, User.id == Notification.user_id)
        .outerjoin(Supplier, Supplier.id == Notification.supplier_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.email_attempts < MAX_EMAIL_ATTEMPTS,
            or_(
                and_(Notification.user_id.is_not(None), User.is_active),
                and_(
                    Notification.user_id.is_(None),
                    Supplier.organisation_id.is_(None),
                    Supplier.email.is_not(None),
                ),
            ),
            Notification.id.not_in(list(skip_ids)),
        )
        .order_by(Notification.created_at, Notification.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=Notification)
    )
    return session.exec(statement).first()


def is_permanent_refusal(error: Exception) -> bool:
    """The mail server refused for good (RFC 5321 section 4.2.1: 5yz replies are permanent
    failures): retrying the same address would fail again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def deliver(
    session: Session,
    notification: Notification,
    address: str,
    mailer: Mailer,
    *,
    sender: str,
    base_url: str = "",
) -> bool:
    """Send one notification; record the outcome on the row. True when sent.

    A message to an unclaimed profile carries a claim link made now (onboarding): only its
    digest is stored, so the outbox never holds a live link. A permanent refusal is not
    retried, and for such a message marks the profile's invitation bounced.
    """
    from suppliermatch.onboarding import invitations

    notification.email_attempts += 1
    to_listed_enterprise = notification.user_id is None
    if to_listed_enterprise:
        link, footer = invitations.claim_link(session, notification.supplier_id), LISTED_FOOTER
    else:
        link, footer = None, ACCOUNT_FOOTER
    try:
        mailer.send(
            compose(
                notification,
                to=address,
                sender=sender,
                base_url=base_url,
                link=link,
                footer=footer,
            )
        )
    except (OSError, smtplib.SMTPException) as error:
        log.warning(
            "e-mail for notification %s failed (attempt %s): %s",
            notification.id,
            notification.email_attempts,
            type(error).__name__,
        )
        if is_permanent_refusal(error):
            notification.email_attempts = MAX_EMAIL_ATTEMPTS
            if to_listed_enterprise:
                invitations.record_bounce(session, notification.supplier_id, str(error))
        return False
    notification.emailed_at = utcnow()
    return True


def send_pending(
    session: Session, mailer: Mailer, *, sender: str, base_url: str, limit: int
) -> tuple[int, int]:
    """Send up to ``limit`` pending e-mails, one transaction each. Returns (sent, failed)."""
    sent = failed = 0
    tried: list[int] = []
    while sent + failed < limit:
        claimed = claim_next(session, skip_ids=tried)
        if claimed is None:
            session.rollback()
            break
        notification, address = claimed
        tried.append(notification.id)
        if deliver(session, notification, address, mailer, sender=sender, base_url=base_url):
            sent += 1
        else:
            failed += 1
        session.commit()
    return sent, failed


def send_pending_with_config(session: Session, config, *, limit: int) -> tuple[int, int] | None:
    """``send_pending`` through the relay the app is configured with; None without one."""
    if not config.get("MAIL_HOST"):
        return None
    mailer = SmtpMailer(config["MAIL_HOST"], int(config["MAIL_PORT"]), config["MAIL_FROM"])
    return send_pending(
        session,
        mailer,
        sender=config["MAIL_FROM"],
        base_url=config.get("BASE_URL") or "",
        limit=limit,
    )
