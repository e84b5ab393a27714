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

from sqlmodel import Session, select

from suppliermatch.accounts.models import User
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification

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


def compose(
    notification: Notification, *, to: str, sender: str, base_url: str = ""
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = notification.subject
    message["From"] = sender
    message["To"] = to
    body = notification.body
    if notification.link:
        body += f"\n\n{base_url.rstrip('/')}{notification.link}"
    body += "\n\nYou receive this because you have an account on SupplierMatch."
    message.set_content(body)
    return message


def claim_next(session: Session, *, skip_ids=()) -> tuple[Notification, str] | None:
    """The oldest notification still to e-mail, locked for this sender, with its address.

    ``skip_ids``: those already tried in this run (a failure waits for the next run).
    """
    statement = (
        select(Notification, User.email)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.email_attempts < MAX_EMAIL_ATTEMPTS,
            User.is_active,
            Notification.id.not_in(list(skip_ids)),
        )
        .order_by(Notification.created_at, Notification.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=Notification)
    )
    return session.exec(statement).first()


def deliver(
    notification: Notification, address: str, mailer: Mailer, *, sender: str, base_url: str = ""
) -> bool:
    """Send one notification; record the outcome on the row. True when sent."""
    notification.email_attempts += 1
    try:
        mailer.send(compose(notification, to=address, sender=sender, base_url=base_url))
    except (OSError, smtplib.SMTPException) as error:
        log.warning(
            "e-mail for notification %s failed (attempt %s): %s",
            notification.id,
            notification.email_attempts,
            type(error).__name__,
        )
        return False
    notification.emailed_at = utcnow()
    return True
